/* loket check: lints a flow folder and prints every finding as file:line: text, in
 * Bahasa Indonesia and English. Exit 1 when there are errors. */
#include "cli.h"
#include "cli_opts.h"
#include "engine.h"
#include "flow.h"
#include "lint.h"
#include "log.h"

#include <stdio.h>

static void usage(FILE *out)
{
    fputs("Pemakaian / usage: loket check [DIR]\n\n"
          "Memeriksa semua berkas alur di DIR (default flows): kesalahan sintaks, tujuan yang\n"
          "tidak ada, node yang tak pernah dicapai, id ganda, dan yang tidak bisa tampil di\n"
          "WhatsApp. Keluar dengan kode 1 bila ada kesalahan.\n"
          "Checks every flow file in DIR: syntax errors, unknown targets, unreachable nodes,\n"
          "duplicate ids, and what WhatsApp cannot show. Exits 1 on errors.\n", out);
}

int lk_cmd_check(int argc, char **argv)
{
    const char *dir = "flows";
    for (int i = 1; i < argc; i++) {
        if (lk_is_help(argv[i])) {
            usage(stdout);
            return 0;
        }
        dir = argv[i];
    }
    lk_log_set_level(LK_LOG_QUIET);
    struct lk_diags d = {0};
    struct lk_flow_options fo = {.openers = lk_engine_openers()};
    struct lk_flowset *fs = lk_flowset_load(dir, &fo, &d);
    if (fs)
        lk_lint(fs, &d);
    size_t warnings = d.n - d.n_errors;
    for (size_t i = 0; i < d.n; i++)
        printf("%s:%d: %s: %s\n", d.items[i].file, d.items[i].line,
               d.items[i].is_error ? "kesalahan/error" : "peringatan/warning", d.items[i].text);
    if (d.n_errors)
        printf("%zu kesalahan, %zu peringatan: alur belum bisa dipakai / %zu errors, %zu "
               "warnings: the flows cannot be used yet\n", d.n_errors, warnings, d.n_errors,
               warnings);
    else
        printf("OK: %zu alur, %zu peringatan / %zu flows, %zu warnings\n",
               fs ? fs->n_flows : 0, warnings, fs ? fs->n_flows : 0, warnings);
    int rc = d.n_errors ? 1 : 0;
    lk_diags_free(&d);
    lk_flowset_free(fs);
    return rc;
}
