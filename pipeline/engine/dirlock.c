/* engine/dirlock.c - one run per directory: an exclusive flock on DIR/.policyminer.lock.
 *
 * Runs, merges, shards and MPI rank 0 take it on their output directory (and a refresh on
 * its --state directory) before touching anything there, and hold it to the end, so a
 * second run into the same directory refuses at once instead of interleaving its tables
 * with the first one's. The lock dies with the process (flock), so a killed run never
 * leaves a stale lock behind. Also creates the directory and its missing parents.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policyminer/run.h"
#include "policyminer/sinks.h"

struct pm_dirlock {
    int fd;
};

pm_status pm_mkdir_parents(const char *dir, pm_errctx *err)
{
    if (pm_outfile_mkdirs(dir) != 0) /* the one parents-first mkdir (sinks/outfile.c) */
        return pm_errctx_set(err, errno == ENAMETOOLONG ? PM_ERR_ARG : PM_ERR_OUTPUT, dir,
                             "cannot create: %s", strerror(errno));
    return PM_OK;
}

pm_status pm_dirlock_acquire(pm_dirlock **out, const char *dir, pm_errctx *err)
{
    *out = NULL;
    pm_status st = pm_mkdir_parents(dir, err);
    if (st != PM_OK)
        return st;
    char path[4200];
    snprintf(path, sizeof path, "%s/.policyminer.lock", dir);
    pm_dirlock *l = malloc(sizeof *l);
    if (!l)
        return pm_errctx_set(err, PM_ERR_NOMEM, dir, "locking");
    l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (l->fd < 0) {
        st = pm_errctx_set(err, PM_ERR_OUTPUT, path, "cannot open the lock file: %s",
                           strerror(errno));
        free(l);
        return st;
    }
    if (flock(l->fd, LOCK_EX | LOCK_NB) != 0) {
        int busy = errno == EWOULDBLOCK;
        st = pm_errctx_set(err, PM_ERR_OUTPUT, dir, "%s",
                           busy ? "in use by another policyminer run (its lock "
                                  ".policyminer.lock is held); nothing was touched"
                                : strerror(errno));
        close(l->fd);
        free(l);
        return st;
    }
    *out = l;
    return PM_OK;
}

void pm_dirlock_release(pm_dirlock *l)
{
    if (!l)
        return;
    close(l->fd); /* releases the flock */
    free(l);
}
