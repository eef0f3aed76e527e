/* faults/oom.c - allocation-failure injection for `make test-oom`.
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup, so every
 * allocation made by policyminer's own code (not by libxml2, PCRE2 or zlib inside) goes
 * through the counting wrappers below. For every N from 1 to the number of allocations of
 * a clean run, a forked child runs the whole job with the N-th allocation failing, under
 * ASan+LSan. The child must neither crash nor leak, and must end either complete with
 * the clean run's exact tables (the allocation was optional, e.g. a larger stdio buffer)
 * or with PM_ERR_NOMEM; any other outcome is a failure. The parent tallies and prints the outcomes.
 *
 *   oom DICTDIR OUTBASE INPUT...      (run by scripts/oom-test via make test-oom)
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policyminer/run.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAKED() __lsan_do_recoverable_leak_check()
#else
#define LEAKED() 0
#endif

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);

static atomic_ulong g_count;       /* allocations so far in this process */
static unsigned long g_fail_at;    /* 0 = never fail */

static int fail_now(void)
{
    unsigned long k = atomic_fetch_add(&g_count, 1) + 1;
    return g_fail_at && k == g_fail_at;
}
void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return fail_now() ? NULL : __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return fail_now() ? NULL : __real_strdup(s); }

/* 1 when base/clean/NAME and out/NAME have the same bytes. */
static int same_file(const char *base, const char *out, const char *name)
{
    char pa[4096], pb[4096];
    snprintf(pa, sizeof pa, "%s/clean/%s", base, name);
    snprintf(pb, sizeof pb, "%s/%s", out, name);
    FILE *a = fopen(pa, "rb"), *b = fopen(pb, "rb");
    int same = a && b;
    while (same) {
        int x = getc(a), y = getc(b);
        same = x == y;
        if (x == EOF || y == EOF)
            break;
    }
    if (a)
        fclose(a);
    if (b)
        fclose(b);
    return same;
}

static pm_status one_run(const char *dict, const char *out, char **inputs, size_t n,
                         pm_errctx *err)
{
    pm_run_options o;
    pm_run_options_default(&o);
    o.dict_dir = dict;
    o.outdir = out;
    o.inputs = (const char *const *)inputs;
    o.n_inputs = n;
    o.threads = 1; /* one thread: the N-th allocation is the same one every time */
    pm_run_summary sum;
    return pm_run(&o, &sum, err);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: oom DICTDIR OUTBASE INPUT...\n");
        return 2;
    }
    const char *dict = argv[1], *base = argv[2];
    char **inputs = argv + 3;
    size_t n = (size_t)(argc - 3);
    char out[4096];
    pm_errctx err;

    snprintf(out, sizeof out, "%s/clean", base);
    atomic_store(&g_count, 0);
    pm_status st = one_run(dict, out, inputs, n, &err);
    unsigned long total = atomic_load(&g_count);
    if (st != PM_OK) {
        fprintf(stderr, "oom: the clean run failed: %s %s\n", pm_strerror(st), err.detail);
        return 1;
    }
    unsigned long n_ok = 0, n_nomem = 0, n_bad = 0;
    for (unsigned long k = 1; k <= total; k++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            snprintf(out, sizeof out, "%s/n%lu", base, k);
            atomic_store(&g_count, 0);
            g_fail_at = k;
            st = one_run(dict, out, inputs, n, &err);
            if (LEAKED())
                _exit(13);
            /* a run that says complete must have lost nothing to the failed allocation */
            if (st == PM_OK && !(same_file(base, out, "documents.tsv") &&
                                 same_file(base, out, "rejects.tsv") &&
                                 same_file(base, out, "counts.tsv")))
                _exit(14);
            if (st == PM_OK)
                _exit(10);
            if (st == PM_ERR_NOMEM)
                _exit(11);
            fprintf(stderr, "oom: allocation %lu: unexpected status %s (%s: %s)\n", k,
                    pm_strerror(st), err.file, err.detail);
            _exit(12);
        }
        int ws = 0;
        waitpid(pid, &ws, 0);
        int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
        if (code == 10 || code == 11) {
            code == 10 ? n_ok++ : n_nomem++;
        } else {
            n_bad++;
            fprintf(stderr, "oom: FAIL at allocation %lu of %lu: %s (child status %d)\n", k, total,
                    code == 13 ? "leak" : code == 12 ? "wrong status" :
                    code == 14 ? "complete run with different tables" : "crash or sanitizer error", code);
        }
    }
    printf("oom: %lu allocations in a clean run; failing each one: %lu complete anyway, "
           "%lu PM_ERR_NOMEM, %lu failures\n", total, n_ok, n_nomem, n_bad);
    return n_bad ? 1 : 0;
}
