/* cli/cmd_run_mpi.c - `mpirun -np N policyminer run ...` (built with `make MPI=1`).
 *
 * The distributed run is the shard/merge design with MPI as the transport: rank r runs
 * shard r/N of the inputs (OpenMP within the rank) into OUT/.mpi-parts/rank-r, the ranks
 * agree that every shard succeeded, each rank sends its part.pmb to rank 0 over MPI (no
 * shared file system needed), and rank 0 merges them into OUT, byte-identical to a
 * single-process run. If any rank fails, no table is written under its final name; the
 * parts that did finish stay in OUT/.mpi-parts for a re-run of only the failed shards
 * (README: "Distributed runs"). The library knows nothing of MPI.
 */
#ifdef PM_WITH_MPI
#include <errno.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_mpi.h"
#include "policyminer/sinks.h"

#define CHUNK ((size_t)1 << 26)

static int send_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint64_t n = 0;
    if (f && fseek(f, 0, SEEK_END) == 0) {
        long l = ftell(f);
        n = l > 0 ? (uint64_t)l : 0;
        rewind(f);
    }
    MPI_Send(&n, 1, MPI_UINT64_T, 0, 1, MPI_COMM_WORLD);
    char *buf = malloc(CHUNK);
    int ok = f && buf;
    for (uint64_t done = 0; done < n;) {
        size_t k = n - done < CHUNK ? (size_t)(n - done) : CHUNK;
        if (ok && fread(buf, 1, k, f) != k)
            ok = 0;
        if (!ok)
            memset(buf, 0, k); /* the receiver's checksums will refuse it */
        MPI_Send(buf, (int)k, MPI_BYTE, 0, 2, MPI_COMM_WORLD);
        done += k;
    }
    free(buf);
    if (f)
        fclose(f);
    return ok;
}

static int recv_file(int from, const char *path)
{
    uint64_t n = 0;
    MPI_Recv(&n, 1, MPI_UINT64_T, from, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    FILE *f = fopen(path, "wb");
    char *buf = malloc(CHUNK);
    int ok = f && buf;
    for (uint64_t done = 0; done < n;) {
        size_t k = n - done < CHUNK ? (size_t)(n - done) : CHUNK;
        MPI_Recv(buf ? buf : (char[1]){0}, buf ? (int)k : 0, MPI_BYTE, from, 2, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        if (ok && fwrite(buf, 1, k, f) != k)
            ok = 0;
        done += k;
    }
    free(buf);
    if (f && fclose(f) != 0)
        ok = 0;
    return ok;
}

int pm_cli_mpi_run(pm_run_options *o, int quiet, int *handled)
{
    int inited = 0, rank = 0, size = 1;
    MPI_Initialized(&inited);
    if (!inited)
        MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    *handled = size > 1;
    if (size <= 1)
        return PM_EXIT_OK; /* a plain run in one process */
    if (o->shard_count || o->state_dir) {
        if (rank == 0)
            fprintf(stderr, "policyminer run: under mpirun, ranks are the shards: drop "
                            "--shard and --state\n");
        MPI_Finalize();
        return PM_EXIT_USAGE;
    }
    const char *out = o->outdir;
    char parts[4096], mine[4200], man[4200];
    snprintf(parts, sizeof parts, "%s/.mpi-parts", out);
    snprintf(mine, sizeof mine, "%s/rank-%d", parts, rank);
    snprintf(man, sizeof man, "%s/manifest.json", out);
    /* Rank 0 holds OUT's lock for the whole run (another run into OUT refuses), then
     * makes sure nothing under OUT vouches for an old run while this one works. */
    pm_dirlock *lock = NULL;
    int locked = 1;
    if (rank == 0) {
        pm_errctx lerr;
        pm_errctx_clear(&lerr);
        if (pm_dirlock_acquire(&lock, out, &lerr) != PM_OK) {
            fprintf(stderr, "policyminer run: %s: %s\n", lerr.file, lerr.detail);
            locked = 0;
        } else if (unlink(man) != 0 && errno != ENOENT)
            fprintf(stderr, "policyminer run: cannot prepare %s: %s\n", out, strerror(errno));
    }
    MPI_Bcast(&locked, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!locked) {
        MPI_Finalize();
        return PM_EXIT_RUN_ERROR;
    }
    mkdir(out, 0777);
    mkdir(parts, 0777);

    o->shard_index = (uint32_t)rank;
    o->shard_count = (uint32_t)size;
    o->outdir = mine;
    o->progress = NULL;
    pm_run_summary sum;
    pm_errctx err;
    pm_status st = pm_run(o, &sum, &err);
    int ok = st == PM_OK || st == PM_ERR_OPEN, all = 0;
    if (!ok)
        fprintf(stderr, "policyminer run: rank %d (shard %d/%d): %s%s%s%s%s\n", rank, rank, size,
                pm_strerror(st), err.file[0] ? ": " : "", err.file, err.detail[0] ? ": " : "",
                err.detail);
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all) {
        if (rank == 0)
            fprintf(stderr, "policyminer run: a rank failed; no tables written. Finished shards "
                            "are in %s; re-run the failed ones with --shard I/%d and merge\n",
                    parts, size);
        pm_dirlock_release(lock);
        MPI_Finalize();
        return PM_EXIT_RUN_ERROR;
    }

    /* rank 0 gathers the parts, one rank at a time, and merges */
    int code = PM_EXIT_OK;
    if (rank == 0) {
        char **paths = calloc((size_t)size, sizeof *paths);
        int good = paths != NULL;
        for (int r = 0; r < size && good; r++) {
            paths[r] = malloc(4300);
            if (!paths[r]) {
                good = 0;
                break;
            }
            if (r == 0) {
                snprintf(paths[r], 4300, "%s/part.pmb", mine);
                continue;
            }
            snprintf(paths[r], 4300, "%s/from-rank-%d.pmb", parts, r);
            good = recv_file(r, paths[r]);
        }
        pm_merge_options mo;
        pm_merge_options_default(&mo);
        mo.parts = (const char *const *)paths;
        mo.n_parts = (size_t)size;
        mo.outdir = out;
        mo.dict_dir = o->dict_dir;
        mo.diffusion = o->diffusion;
        mo.no_diffusion = o->no_diffusion;
        mo.reuse = o->reuse;
        mo.command_line = o->command_line;
        mo.lock_held = 1;
        pm_run_summary ms;
        st = good ? pm_merge(&mo, &ms, &err) : PM_ERR_IO;
        if (st != PM_OK) {
            fprintf(stderr, "policyminer run: merging the ranks' parts: %s%s%s%s%s\n",
                    pm_strerror(st), err.file[0] ? ": " : "", err.file,
                    err.detail[0] ? ": " : "", err.detail);
            code = PM_EXIT_RUN_ERROR;
        } else {
            if (!quiet)
                fprintf(stderr, "policyminer: %d ranks, %llu files, %llu documents: %llu "
                                "classified, %llu rejected -> %s/\n",
                        size, (unsigned long long)ms.files_seen, (unsigned long long)ms.docs_seen,
                        (unsigned long long)ms.docs_classified,
                        (unsigned long long)ms.docs_rejected, out);
            if (ms.files_failed)
                code = PM_EXIT_RUN_ERROR; /* as a single run: tables whole, exit 1 */
            for (int r = 0; r < size; r++)
                unlink(paths[r]);
            char tmp[4300];
            snprintf(tmp, sizeof tmp, "%s/manifest.json", mine);
            unlink(tmp);
            snprintf(tmp, sizeof tmp, "%s/.policyminer.lock", mine); /* the rank's own run's */
            unlink(tmp);
            rmdir(mine);
            rmdir(parts);
        }
        for (int r = 0; paths && r < size; r++)
            free(paths[r]);
        free(paths);
    } else {
        char part[4300];
        snprintf(part, sizeof part, "%s/part.pmb", mine);
        send_file(part);
    }
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    pm_dirlock_release(lock);
    if (rank != 0 && code == PM_EXIT_OK) { /* own leftovers, when not on rank 0's disk */
        char tmp[4300];
        snprintf(tmp, sizeof tmp, "%s/part.pmb", mine);
        unlink(tmp);
        snprintf(tmp, sizeof tmp, "%s/manifest.json", mine);
        unlink(tmp);
        snprintf(tmp, sizeof tmp, "%s/.policyminer.lock", mine);
        unlink(tmp);
        rmdir(mine);
        rmdir(parts);
    }
    MPI_Finalize();
    return code;
}

void pm_cli_mpi_finalize(void)
{
    int inited = 0, done = 0;
    MPI_Initialized(&inited);
    MPI_Finalized(&done);
    if (inited && !done)
        MPI_Finalize();
}
#else
typedef int pm_cmd_run_mpi_unused; /* ISO C forbids an empty translation unit */
#endif
