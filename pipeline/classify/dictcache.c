/* classify/dictcache.c - compiled dictionary images kept between runs (refresh state).
 *
 * Compiling the literal prefilter (Hyperscan) is about half of a run's start-up, and a
 * refresh that reads 1% of the files pays it in full. So a run with --state keeps the
 * compiled database as an image in STATE/dictcache/: one file per image, named by a
 * 64-bit key over everything the image is built from (every literal, its id and flags,
 * and the library version), holding the key again, the image and a checksum of it. An
 * image is used only when its key and checksum match, and the library itself refuses an
 * image from another version or CPU; anything else is compiled afresh and stored again.
 * A changed dictionary gives another key, so a stale image can never be used; storing an
 * image removes the others. Never: trusts a file it did not verify, or fails a run
 * because the cache could not be read or written (it is an optimisation only).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policyminer/hash.h"
#include "dictcache.h"

#define CACHE_MAGIC "PMDC0001"
#define CACHE_SEED 0x646963746361636bull /* "dictcack" */
#define CACHE_MAX ((size_t)1 << 30)     /* larger images are never stored or read */

static void le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static int image_path(const char *dir, uint64_t key, char *out, size_t n)
{
    int w = snprintf(out, n, "%s/%016llx.img", dir, (unsigned long long)key);
    return w > 0 && (size_t)w < n;
}

pm_status pm_dictcache_load(const char *dir, uint64_t key, char **image, size_t *len)
{
    *image = NULL;
    *len = 0;
    char path[4200];
    if (!dir || !image_path(dir, key, path, sizeof path))
        return PM_ERR_ARG;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return PM_ERR_OPEN;
    struct stat sb;
    unsigned char hdr[32];
    pm_status st = PM_ERR_STATE;
    char *buf = NULL;
    if (fstat(fd, &sb) == 0 && sb.st_size >= 40 && (uint64_t)sb.st_size - 40 <= CACHE_MAX &&
        read(fd, hdr, sizeof hdr) == (ssize_t)sizeof hdr && memcmp(hdr, CACHE_MAGIC, 8) == 0 &&
        rd64(hdr + 8) == key && rd64(hdr + 16) == (uint64_t)sb.st_size - 40) {
        size_t n = (size_t)rd64(hdr + 16);
        buf = malloc(n + 8);
        if (!buf)
            st = PM_ERR_NOMEM;
        else if (read(fd, buf, n + 8) == (ssize_t)(n + 8) &&
                 rd64((unsigned char *)buf + n) == pm_hash64(buf, n, CACHE_SEED) &&
                 rd64(hdr + 24) == key) {
            *image = buf;
            *len = n;
            buf = NULL;
            st = PM_OK;
        }
    }
    free(buf);
    close(fd);
    return st;
}

/* Removes every image in dir but keep (an older dictionary's). */
static void drop_others(const char *dir, const char *keep)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".img") != 0 || strcmp(de->d_name, keep) == 0)
            continue;
        char full[4400];
        snprintf(full, sizeof full, "%s/%s", dir, de->d_name);
        unlink(full);
    }
    if (d)
        closedir(d);
}

pm_status pm_dictcache_store(const char *dir, uint64_t key, const char *image, size_t len)
{
    char path[4200], tmp[4300];
    if (!dir || len > CACHE_MAX || !image_path(dir, key, path, sizeof path))
        return PM_ERR_ARG;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return PM_ERR_OUTPUT;
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return PM_ERR_OUTPUT;
    /* magic, key, length, key again (so a file cut after the header is refused), image,
     * checksum of the image */
    unsigned char hdr[32], tail[8];
    memcpy(hdr, CACHE_MAGIC, 8);
    le64(hdr + 8, key);
    le64(hdr + 16, len);
    le64(hdr + 24, key);
    le64(tail, pm_hash64(image, len, CACHE_SEED));
    int ok = write(fd, hdr, sizeof hdr) == (ssize_t)sizeof hdr &&
             write(fd, image, len) == (ssize_t)len && write(fd, tail, 8) == 8;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return PM_ERR_OUTPUT;
    }
    drop_others(dir, strrchr(path, '/') + 1);
    return PM_OK;
}
