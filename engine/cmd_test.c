/* loket test. Placeholder until the subcommand lands. */
#include "cli.h"
#include <stdio.h>

int lk_cmd_test(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "loket test: belum tersedia / not available yet\n");
    return 2;
}
