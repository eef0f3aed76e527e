/* cli/cli_mpi.h - the MPI driver of `policyminer run` (only with `make MPI=1`). */
#ifndef PM_CLI_MPI_H
#define PM_CLI_MPI_H

#include "policyminer/run.h"

#ifdef PM_WITH_MPI
/* Initialises MPI. With more than one rank, runs the distributed job (shard per rank,
 * parts sent to rank 0, merged there), sets *handled and returns the exit status; with
 * one rank returns PM_EXIT_OK and leaves the run to the caller. */
int pm_cli_mpi_run(pm_run_options *o, int quiet, int *handled);
void pm_cli_mpi_finalize(void);
#endif

#endif
