/* cli/cmd_gen.c - `policyminer gen` (placeholder until the generator lands). */
#include <stdio.h>

#include "cli.h"

int pm_cmd_gen(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "policyminer gen: not available in this build\n");
    return PM_EXIT_USAGE;
}
