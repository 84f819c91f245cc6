/* loket serve. Placeholder until the subcommand lands. */
#include "cli.h"
#include <stdio.h>

int lk_cmd_serve(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "loket serve: belum tersedia / not available yet\n");
    return 2;
}
