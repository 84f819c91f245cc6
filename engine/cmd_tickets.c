/* loket tickets. Placeholder until the subcommand lands. */
#include "cli.h"
#include <stdio.h>

int lk_cmd_tickets(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "loket tickets: belum tersedia / not available yet\n");
    return 2;
}
