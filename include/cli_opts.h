/* Tiny shared helpers for the subcommands' argument parsing. */
#ifndef LOKET_CLI_OPTS_H
#define LOKET_CLI_OPTS_H

#include <string.h>

/* 1 when argv[*i] is the option 'name'; its value (next argument) in *value. */
static inline int lk_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    if (strcmp(argv[*i], name) != 0)
        return 0;
    if (*i + 1 >= argc)
        return 0;
    *value = argv[++*i];
    return 1;
}

static inline int lk_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

#endif
