/* Unit tests for classify/dictcache.c: compiled images come back only as stored, under
 * their own key, and a damaged or cut image is refused; storing one removes the others;
 * the Hyperscan build through the cache reports what a fresh build reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../pipeline/classify/dictcache.h"
#include "../../pipeline/classify/prefilter.h"

static char dir[] = "/tmp/pm_dictcache_XXXXXX";

static size_t count_images(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t n = 0;
    while (d && (de = readdir(d)))
        n += strstr(de->d_name, ".img") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void flip(uint64_t key, long at)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%016llx.img", dir, (unsigned long long)key);
    FILE *f = fopen(p, "r+b");
    assert_non_null(f);
    fseek(f, at, SEEK_SET);
    int c = fgetc(f);
    fseek(f, at, SEEK_SET);
    fputc(c ^ 0x55, f);
    fclose(f);
}

static void test_roundtrip_and_damage(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    char img[1000];
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (char)(i * 7);
    char *got;
    size_t n;
    assert_int_not_equal(pm_dictcache_load(dir, 1, &got, &n), PM_OK); /* nothing yet */
    assert_int_equal(pm_dictcache_store(dir, 1, img, sizeof img), PM_OK);
    assert_int_equal(pm_dictcache_load(dir, 1, &got, &n), PM_OK);
    assert_int_equal(n, sizeof img);
    assert_memory_equal(got, img, n);
    free(got);
    assert_int_not_equal(pm_dictcache_load(dir, 2, &got, &n), PM_OK); /* another key */
    assert_null(got);
    flip(1, 32 + 500); /* a byte of the image */
    assert_int_not_equal(pm_dictcache_load(dir, 1, &got, &n), PM_OK);
    assert_null(got);
    assert_int_equal(pm_dictcache_store(dir, 1, img, sizeof img), PM_OK);
    flip(1, 24); /* the second copy of the key */
    assert_int_not_equal(pm_dictcache_load(dir, 1, &got, &n), PM_OK);
    /* a new image replaces the others */
    assert_int_equal(pm_dictcache_store(dir, 1, img, sizeof img), PM_OK);
    assert_int_equal(pm_dictcache_store(dir, 3, img, 10), PM_OK);
    assert_int_equal(count_images(), 1);
    assert_int_equal(pm_dictcache_load(dir, 3, &got, &n), PM_OK);
    assert_int_equal(n, 10);
    free(got);
}

static size_t hits;
static void on_hit(void *ud, uint32_t id, size_t end)
{
    (void)ud;
    hits += id * 1000 + end;
}

static size_t scan_with(const char *cache)
{
    pm_hs *h;
    assert_int_equal(pm_hs_create(&h), PM_OK);
    assert_int_equal(pm_hs_add(h, "policy", 6, 1), PM_OK);
    assert_int_equal(pm_hs_add(h, "试点", strlen("试点"), 2), PM_OK);
    if (pm_hs_build_cached(h, cache) != PM_OK) { /* no Hyperscan here */
        pm_hs_free(h);
        return (size_t)-1;
    }
    pm_hs_scratch *s;
    assert_int_equal(pm_hs_scratch_create(h, &s), PM_OK);
    const char *text = "a POLICY pilot 试点 and policy";
    hits = 0;
    assert_int_equal(pm_hs_scan(h, s, text, strlen(text), on_hit, NULL), PM_OK);
    pm_hs_scratch_free(s);
    pm_hs_free(h);
    return hits;
}

static void test_hyperscan_through_cache(void **state)
{
    (void)state;
    size_t fresh = scan_with(NULL);
    if (fresh == (size_t)-1)
        skip();
    assert_int_equal(scan_with(dir), fresh); /* compiled and stored */
    assert_int_equal(count_images(), 1);
    assert_int_equal(scan_with(dir), fresh); /* loaded */
}

/* Two databases built as a set: one image holds both, and each scans as it would alone. */
static size_t scan_pair_with(const char *cache)
{
    pm_hs *h[2];
    assert_int_equal(pm_hs_create(&h[0]), PM_OK);
    assert_int_equal(pm_hs_create(&h[1]), PM_OK);
    assert_int_equal(pm_hs_add(h[0], "policy", 6, 1), PM_OK);
    assert_int_equal(pm_hs_add(h[1], "试点", strlen("试点"), 2), PM_OK);
    assert_int_equal(pm_hs_add(h[1], "pilot", 5, 3), PM_OK);
    if (pm_hs_build_cached_set(h, 2, cache) != PM_OK) {
        pm_hs_free(h[0]);
        pm_hs_free(h[1]);
        return (size_t)-1;
    }
    const char *text = "a POLICY pilot 试点 and policy";
    size_t sum = 0;
    for (int k = 0; k < 2; k++) {
        pm_hs_scratch *s;
        assert_int_equal(pm_hs_scratch_create(h[k], &s), PM_OK);
        hits = 0;
        assert_int_equal(pm_hs_scan(h[k], s, text, strlen(text), on_hit, NULL), PM_OK);
        sum = sum * 7919 + hits;
        pm_hs_scratch_free(s);
        pm_hs_free(h[k]);
    }
    return sum;
}

static void test_hyperscan_set_through_cache(void **state)
{
    (void)state;
    size_t fresh = scan_pair_with(NULL);
    if (fresh == (size_t)-1)
        skip();
    assert_int_equal(scan_pair_with(dir), fresh); /* compiled and stored */
    assert_int_equal(count_images(), 1);
    assert_int_equal(scan_pair_with(dir), fresh); /* loaded */
    assert_int_equal(count_images(), 1);
    assert_int_equal(scan_with(dir), scan_with(NULL)); /* a single one has its own image */
    assert_int_equal(count_images(), 1);
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (de->d_name[0] != '.')
            unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_and_damage),
        cmocka_unit_test(test_hyperscan_through_cache),
        cmocka_unit_test(test_hyperscan_set_through_cache),
    };
    return cmocka_run_group_tests_name("dictcache", tests, NULL, teardown);
}
