/* The loket subcommands. Each takes the arguments after its name (argv[0] is the
 * subcommand's name) and returns the process exit code. main.c dispatches. */
#ifndef LOKET_CLI_H
#define LOKET_CLI_H

int lk_cmd_serve(int argc, char **argv);
int lk_cmd_chat(int argc, char **argv);
int lk_cmd_check(int argc, char **argv);
int lk_cmd_transcripts(int argc, char **argv);
int lk_cmd_test(int argc, char **argv);
int lk_cmd_graph(int argc, char **argv);
int lk_cmd_import(int argc, char **argv);
int lk_cmd_tickets(int argc, char **argv);

#endif
