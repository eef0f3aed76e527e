/* source/inputs.c - expands command-line inputs into the one defined input order.
 *
 * Files are taken as given; directories are walked recursively following symlinks, with
 * the (device, inode) of every directory on the current path remembered so a symlink
 * loop is reported instead of followed forever. Every regular file counts, hidden ones
 * included (a corpus is what the user points at). The result is sorted byte-wise and
 * de-duplicated; "-" (stdin) sorts first. Paths that cannot be opened are kept aside as
 * failures with their reason. Never prints.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policyminer/buf.h"
#include "policyminer/source.h"

typedef struct entry {
    char *path;
    uint64_t size;
    pm_status code; /* failures only */
} entry;

typedef struct vec {
    entry *v;
    size_t n, cap;
} vec;

struct pm_inputs {
    vec ok, failed;
};

#define MAX_DEPTH 256

static pm_status push(vec *v, const char *path, uint64_t size, pm_status code)
{
    pm_status st = pm_array_reserve(&v->v, &v->cap, v->n + 1, sizeof *v->v, 64,
                                    SIZE_MAX / sizeof *v->v);
    if (st != PM_OK)
        return st;
    char *p = strdup(path);
    if (!p)
        return PM_ERR_NOMEM;
    v->v[v->n++] = (entry){p, size, code};
    return PM_OK;
}

typedef struct dirid {
    dev_t dev;
    ino_t ino;
} dirid;

static pm_status walk(pm_inputs *in, const char *path, dirid *stack, int depth)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        /* An argument that does not exist is the user's mistake (a run error); an entry
         * found inside a directory that cannot be stat'ed (dangling symlink, vanished file)
         * is listed anyway, so the run reports it as cannot_open and reads the rest. */
        if (depth > 0)
            return push(&in->ok, path, 0, PM_OK);
        return push(&in->failed, path, 0, PM_ERR_OPEN);
    }
    if (!S_ISDIR(sb.st_mode)) {
        if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode) && !S_ISCHR(sb.st_mode))
            return PM_OK; /* sockets and the like are not corpora */
        /* Pipes and devices are read when named as arguments (<(zcat ...), /dev/stdin);
         * met inside a directory they are not corpus files, and opening a FIFO that has
         * no writer would block the run forever. */
        if (depth > 0 && !S_ISREG(sb.st_mode))
            return PM_OK;
        return push(&in->ok, path, (uint64_t)sb.st_size, PM_OK);
    }
    for (int i = 0; i < depth; i++)
        if (stack[i].dev == sb.st_dev && stack[i].ino == sb.st_ino)
            return push(&in->failed, path, 0, PM_ERR_LOOP);
    if (depth >= MAX_DEPTH)
        return push(&in->failed, path, 0, PM_ERR_LOOP);
    stack[depth] = (dirid){sb.st_dev, sb.st_ino};
    DIR *d = opendir(path);
    if (!d)
        return push(&in->failed, path, 0, PM_ERR_OPEN);
    pm_status st = PM_OK;
    size_t plen = strlen(path);
    struct dirent *de;
    while (st == PM_OK && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        size_t nlen = strlen(de->d_name);
        char *child = malloc(plen + nlen + 2);
        if (!child) {
            st = PM_ERR_NOMEM;
            break;
        }
        memcpy(child, path, plen);
        size_t k = plen;
        if (k == 0 || child[k - 1] != '/')
            child[k++] = '/';
        memcpy(child + k, de->d_name, nlen + 1);
        st = walk(in, child, stack, depth + 1);
        free(child);
    }
    closedir(d);
    return st;
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int xs = strcmp(x->path, "-") == 0, ys = strcmp(y->path, "-") == 0;
    if (xs != ys)
        return ys - xs;
    return strcmp(x->path, y->path);
}

static void sort_unique(vec *v)
{
    if (!v->n)
        return;
    qsort(v->v, v->n, sizeof *v->v, cmp_entry);
    size_t w = 1;
    for (size_t r = 1; r < v->n; r++) {
        if (strcmp(v->v[r].path, v->v[w - 1].path) == 0) {
            free(v->v[r].path);
            continue;
        }
        v->v[w++] = v->v[r];
    }
    v->n = w;
}

pm_status pm_inputs_create(pm_inputs **out, const char *const *paths, size_t n)
{
    *out = NULL;
    pm_inputs *in = calloc(1, sizeof *in);
    dirid *stack = malloc(sizeof *stack * (MAX_DEPTH + 1));
    if (!in || !stack) {
        free(in);
        free(stack);
        return PM_ERR_NOMEM;
    }
    pm_status st = PM_OK;
    for (size_t i = 0; st == PM_OK && i < n; i++)
        st = strcmp(paths[i], "-") == 0 ? push(&in->ok, "-", 0, PM_OK) : walk(in, paths[i], stack, 0);
    free(stack);
    if (st != PM_OK) {
        pm_inputs_free(in);
        return st;
    }
    sort_unique(&in->ok);
    sort_unique(&in->failed);
    *out = in;
    return PM_OK;
}

static void vec_free(vec *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->v[i].path);
    free(v->v);
}

void pm_inputs_free(pm_inputs *in)
{
    if (!in)
        return;
    vec_free(&in->ok);
    vec_free(&in->failed);
    free(in);
}

size_t pm_inputs_count(const pm_inputs *in) { return in->ok.n; }
const char *pm_inputs_path(const pm_inputs *in, size_t i) { return in->ok.v[i].path; }
uint64_t pm_inputs_size(const pm_inputs *in, size_t i) { return in->ok.v[i].size; }
size_t pm_inputs_failed_count(const pm_inputs *in) { return in->failed.n; }
const char *pm_inputs_failed_path(const pm_inputs *in, size_t i) { return in->failed.v[i].path; }
pm_status pm_inputs_failed_code(const pm_inputs *in, size_t i) { return in->failed.v[i].code; }
