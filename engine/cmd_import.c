/* loket import. Placeholder until the subcommand lands. */
#include "cli.h"
#include <stdio.h>

int lk_cmd_import(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "loket import: belum tersedia / not available yet\n");
    return 2;
}
