/* Unit tests for the robustness fixes of issue 6, each in the module it concerns:
 * a stop flag that ends a blocked read (source/gzread.c), entries inside a walked directory
 * that vanished or are FIFOs (source/inputs.c), partial and synced output files
 * (sinks/outfile.c), and per-pattern match-limit reporting (classify/dict.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policyminer/dict.h"
#include "policyminer/reader.h"
#include "policyminer/sinks.h"
#include "policyminer/source.h"

static char g_tmp[256];

static int setup(void **state)
{
    (void)state;
    snprintf(g_tmp, sizeof g_tmp, "/tmp/pm-robust-XXXXXX");
    return mkdtemp(g_tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static volatile sig_atomic_t g_stop;
static void on_alarm(int sig) { (void)sig; g_stop = 1; }

/* A read blocked on a pipe that never gets data returns PM_ERR_INTERRUPTED once a signal
 * arrives with the stop flag set (it used to retry and wait on). */
static int valid_utf8(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 0;
        if (!n)
            return 0;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += n;
    }
    return 1;
}

/* A long id or detail is cut to fit the reject on a character boundary: cut inside a
 * character, it put invalid UTF-8 into rejects.tsv and adoptions.tsv. */
static void test_reject_cut_on_boundary(void **state)
{
    (void)state;
    char id[400] = "x", detail[1200] = "yy";
    for (int i = 0; i < 120; i++)
        strcat(id, "深");
    for (int i = 0; i < 380; i++)
        strcat(detail, "圳");
    pm_reject r;
    pm_reject_set(&r, PM_ERR_XML, 0, id, strlen(id), "%s", detail);
    assert_true(strlen(r.doc_id) > 100);
    assert_true(valid_utf8(r.doc_id));
    assert_true(strlen(r.detail) > sizeof r.detail - 5);
    assert_true(valid_utf8(r.detail));
}

static void test_stop_flag_ends_blocked_read(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    pm_gz *gz = NULL;
    assert_int_equal(pm_gz_open(&gz, path, NULL), PM_OK);
    g_stop = 0;
    pm_gz_set_stop(gz, &g_stop);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: read() returns EINTR */
    sigaction(SIGALRM, &sa, &old);
    alarm(1);
    char buf[64];
    size_t got = 99;
    pm_status st = pm_gz_read(gz, buf, sizeof buf, &got);
    alarm(0);
    sigaction(SIGALRM, &old, NULL);
    assert_int_equal(st, PM_ERR_INTERRUPTED);
    assert_int_equal(g_stop, 1);
    pm_gz_close(gz);
    close(fds[0]);
    close(fds[1]);
}

/* Inside a walked directory: a dangling symlink is listed (so the run reports it as
 * cannot_open), a FIFO is skipped (opening it would block); a missing argument fails. */
static void test_walk_dangling_and_fifo(void **state)
{
    (void)state;
    char d[300], p[400];
    snprintf(d, sizeof d, "%s/walk", g_tmp);
    assert_int_equal(mkdir(d, 0700), 0);
    snprintf(p, sizeof p, "%s/a.xml", d);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("<corpus/>", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/b-dangling.xml", d);
    assert_int_equal(symlink("/nonexistent/pm-robust", p), 0);
    snprintf(p, sizeof p, "%s/c-fifo.xml", d);
    assert_int_equal(mkfifo(p, 0600), 0);
    char missing[320];
    snprintf(missing, sizeof missing, "%s/missing.xml", g_tmp);
    const char *args[] = {d, missing};
    pm_inputs *in = NULL;
    assert_int_equal(pm_inputs_create(&in, args, 2), PM_OK);
    assert_int_equal(pm_inputs_count(in), 2);
    assert_non_null(strstr(pm_inputs_path(in, 0), "/a.xml"));
    assert_non_null(strstr(pm_inputs_path(in, 1), "/b-dangling.xml"));
    assert_int_equal(pm_inputs_failed_count(in), 1);
    assert_string_equal(pm_inputs_failed_path(in, 0), missing);
    assert_int_equal(pm_inputs_failed_code(in, 0), PM_ERR_OPEN);
    pm_inputs_free(in);
}

static int exists(const char *dir, const char *name)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

/* keep_partial leaves the bytes under .NAME.part and nothing under NAME; sync reports a
 * full device before any rename; commit still renames. */
static void test_outfile_partial_sync(void **state)
{
    (void)state;
    pm_errctx err;
    pm_errctx_clear(&err);
    pm_outfile *f = NULL;
    assert_int_equal(pm_outfile_open(&f, g_tmp, "t.tsv", &err), PM_OK);
    assert_int_equal(pm_outfile_write(f, "a\tb\n", 4, &err), PM_OK);
    pm_outfile_keep_partial(f);
    assert_true(exists(g_tmp, ".t.tsv.part"));
    assert_false(exists(g_tmp, "t.tsv"));

    char full[400];
    snprintf(full, sizeof full, "%s/.full.tsv.%ld.part", g_tmp, (long)getpid());
    assert_int_equal(symlink("/dev/full", full), 0);
    assert_int_equal(pm_outfile_open(&f, g_tmp, "full.tsv", &err), PM_OK);
    assert_int_equal(pm_outfile_write(f, "x\n", 2, &err), PM_OK); /* buffered */
    assert_int_equal(pm_outfile_sync(f, &err), PM_ERR_OUTPUT);
    pm_outfile_abort(f);
    assert_false(exists(g_tmp, "full.tsv"));

    assert_int_equal(pm_outfile_open(&f, g_tmp, "ok.tsv", &err), PM_OK);
    assert_int_equal(pm_outfile_write(f, "x\n", 2, &err), PM_OK);
    assert_int_equal(pm_outfile_sync(f, &err), PM_OK);
    assert_int_equal(pm_outfile_commit(f, &err), PM_OK);
    assert_true(exists(g_tmp, "ok.tsv"));
    char okpart[64];
    snprintf(okpart, sizeof okpart, ".ok.tsv.%ld.part", (long)getpid());
    assert_false(exists(g_tmp, okpart));
}

typedef struct hits {
    int n;
    char cat[64];
    char pattern[64];
    uint64_t count;
} hits;

static void on_limit(void *ud, size_t dim, size_t cat, const char *pattern, int veto,
                     uint64_t n)
{
    (void)dim;
    (void)veto;
    hits *h = ud;
    h->n++;
    snprintf(h->cat, sizeof h->cat, "%zu", cat);
    snprintf(h->pattern, sizeof h->pattern, "%s", pattern);
    h->count = n;
}

/* A catastrophic pattern gives up under the match limit, is named by
 * pm_dictset_limit_hits with its hit count, and the other category still matches. */
static void test_limit_hits_per_pattern(void **state)
{
    (void)state;
    char p[400];
    snprintf(p, sizeof p, "%s/hazard.dict", g_tmp);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("dimension = hazard\n\n[boom]\npattern = (x+x+)+y\n\n[subsidy]\npattern = 补贴\n", f);
    fclose(f);
    pm_dict_options o;
    pm_dict_options_default(&o);
    o.match_limit = 10000;
    pm_dictset *d = NULL;
    pm_errctx err;
    const char *files[] = {p};
    assert_int_equal(pm_dictset_load_files(&d, files, 1, &o, &err), PM_OK);
    pm_dict_scratch *s = NULL;
    assert_int_equal(pm_dict_scratch_create(&s, d), PM_OK);
    static const char text[] = "财政补贴 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx! y";
    pm_catset out[1];
    pm_dict_stats ds = {0, 0};
    assert_int_equal(pm_dictset_match(d, s, text, sizeof text - 1, out, &ds, NULL, NULL), PM_OK);
    assert_true(ds.match_limit_hits >= 1);
    assert_false(pm_catset_has(&out[0], 0));
    assert_true(pm_catset_has(&out[0], 1));
    hits h = {0, "", "", 0};
    pm_dictset_limit_hits(d, on_limit, &h);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.cat, "0");
    assert_string_equal(h.pattern, "(x+x+)+y");
    assert_int_equal(h.count, ds.match_limit_hits);
    pm_dict_scratch_free(s);
    pm_dictset_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reject_cut_on_boundary),
        cmocka_unit_test(test_stop_flag_ends_blocked_read),
        cmocka_unit_test(test_walk_dangling_and_fifo),
        cmocka_unit_test(test_outfile_partial_sync),
        cmocka_unit_test(test_limit_hits_per_pattern),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
