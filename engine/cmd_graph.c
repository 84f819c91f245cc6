/* loket graph. Placeholder until the subcommand lands. */
#include "cli.h"
#include <stdio.h>

int lk_cmd_graph(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "loket graph: belum tersedia / not available yet\n");
    return 2;
}
