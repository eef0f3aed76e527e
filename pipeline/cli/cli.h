/* cli/cli.h - the subcommands of the policyminer program. Each takes the arguments after
 * its name (argv[0] is the subcommand name) and returns the process exit status. Only
 * files under pipeline/cli/ print for people or decide exit codes. */
#ifndef PM_CLI_H
#define PM_CLI_H

int pm_cmd_run(int argc, char **argv);
int pm_cmd_dict(int argc, char **argv);
int pm_cmd_gen(int argc, char **argv);
int pm_cmd_merge(int argc, char **argv);
int pm_cmd_netinf(int argc, char **argv);
int pm_cmd_report(int argc, char **argv);
int pm_cmd_export(int argc, char **argv);

#ifndef PM_VERSION
#define PM_VERSION "0.0.0"
#endif

/* Exit codes shared by all subcommands. */
enum { PM_EXIT_OK = 0, PM_EXIT_RUN_ERROR = 1, PM_EXIT_USAGE = 2 };

#endif
