/* cli/cli_common.h - small helpers shared by the subcommands (option values, dictionary
 * directory lookup). */
#ifndef PM_CLI_COMMON_H
#define PM_CLI_COMMON_H

#include <stdint.h>

/* Parses a non-negative integer with an optional K/M/G suffix (powers of 1024).
 * Returns 0 on success. */
int pm_cli_parse_size(const char *s, uint64_t *out);
/* The dictionary directory to use when none is given: ./dictionaries if it exists,
 * else the installed one. */
const char *pm_cli_default_dict_dir(void);

#endif
