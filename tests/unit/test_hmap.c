/* Unit tests for core/hmap.c (64-bit and byte keys, growth, the entry cap) and the
 * capped array of core/buf.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/buf.h"
#include "policyminer/hmap.h"

static void test_u64_keys(void **state)
{
    (void)state;
    pm_hmap *m = NULL;
    assert_int_equal(pm_hmap_create(&m, 0, 0), PM_OK);
    assert_null(pm_hmap_get(m, 5));
    int added;
    pm_status st = PM_OK;
    /* many keys, including 0, UINT64_MAX and keys equal in their low bits: growth */
    for (uint64_t i = 0; i < 50000; i++) {
        uint64_t k = i == 1 ? UINT64_MAX : i << 20;
        uint64_t *v = pm_hmap_put(m, k, &added, &st);
        assert_non_null(v);
        assert_int_equal(added, 1);
        assert_int_equal(*v, 0);
        *v = i + 7;
    }
    assert_int_equal(pm_hmap_count(m), 50000);
    for (uint64_t i = 0; i < 50000; i++) {
        uint64_t k = i == 1 ? UINT64_MAX : i << 20;
        uint64_t *v = pm_hmap_get(m, k);
        assert_non_null(v);
        assert_int_equal(*v, i + 7);
        v = pm_hmap_put(m, k, &added, &st);
        assert_int_equal(added, 0);
        assert_int_equal(*v, i + 7);
    }
    assert_null(pm_hmap_get(m, 3));
    pm_hmap_free(m);
    pm_hmap_free(NULL);
}

/* pm_hmap_put_new: the bulk insert of a restore, by radix (many keys) and one by one (few),
 * into a map holding keys already; repeats and present keys are PM_ERR_STATE, the cap holds */
static void test_put_new(void **state)
{
    (void)state;
    const size_t sizes[] = {0, 10, 70000};
    for (size_t t = 0; t < 3; t++) {
        size_t n = sizes[t];
        pm_hmap *m = NULL;
        assert_int_equal(pm_hmap_create(&m, 0, 0), PM_OK);
        int added;
        pm_status st = PM_OK;
        *pm_hmap_put(m, 12345, &added, &st) = 99; /* present before, not in keys */
        uint64_t *k = malloc((n + 1) * sizeof *k), *v = malloc((n + 1) * sizeof *v);
        for (size_t i = 0; i < n; i++) {
            k[i] = i == 3 ? 0 : i == 4 ? UINT64_MAX : (uint64_t)i << 20 | 1;
            v[i] = i * 3 + 1;
        }
        assert_int_equal(pm_hmap_put_new(m, k, v, n), PM_OK);
        assert_int_equal(pm_hmap_count(m), n + 1);
        for (size_t i = 0; i < n; i++) {
            uint64_t *x = pm_hmap_get(m, k[i]);
            assert_non_null(x);
            assert_int_equal(*x, i * 3 + 1);
        }
        assert_int_equal(*pm_hmap_get(m, 12345), 99);
        assert_non_null(pm_hmap_put(m, 777, &added, &st)); /* still a working map */
        assert_int_equal(added, 1);
        pm_hmap_free(m);
        if (n) { /* a key already present, then a key twice */
            assert_int_equal(pm_hmap_create(&m, 0, 0), PM_OK);
            assert_non_null(pm_hmap_put(m, k[n - 1], &added, &st));
            assert_int_equal(pm_hmap_put_new(m, k, NULL, n), PM_ERR_STATE);
            pm_hmap_free(m);
            assert_int_equal(pm_hmap_create(&m, 0, 0), PM_OK);
            k[n] = k[0];
            assert_int_equal(pm_hmap_put_new(m, k, NULL, n + 1), PM_ERR_STATE);
            pm_hmap_free(m);
            assert_int_equal(pm_hmap_create(&m, 0, n - 1), PM_OK);
            assert_int_equal(pm_hmap_put_new(m, k, NULL, n), PM_ERR_TOO_BIG);
            assert_int_equal(pm_hmap_count(m), 0);
            pm_hmap_free(m);
        }
        free(k);
        free(v);
    }
}

static void test_cap_is_hard(void **state)
{
    (void)state;
    pm_hmap *m = NULL;
    assert_int_equal(pm_hmap_create(&m, 0, 3), PM_OK);
    int added;
    pm_status st = PM_OK;
    for (uint64_t k = 0; k < 3; k++)
        assert_non_null(pm_hmap_put(m, k, &added, &st));
    assert_null(pm_hmap_put(m, 99, &added, &st));
    assert_int_equal(st, PM_ERR_TOO_BIG);
    assert_int_equal(added, 0);
    assert_non_null(pm_hmap_put(m, 2, &added, &st)); /* present keys still found */
    assert_int_equal(pm_hmap_count(m), 3);
    pm_hmap_free(m);
}

static void test_byte_keys(void **state)
{
    (void)state;
    pm_hmap *m = NULL;
    assert_int_equal(pm_hmap_create(&m, 1, 0), PM_OK);
    int added;
    pm_status st = PM_OK;
    char key[32];
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(key, sizeof key, "名称-%d", i);
        uint64_t *v = pm_hmap_put_bytes(m, key, (size_t)n, &added, &st);
        assert_non_null(v);
        assert_int_equal(added, 1);
        *v = (uint64_t)i;
    }
    assert_non_null(pm_hmap_put_bytes(m, "", 0, &added, &st)); /* the empty key is a key */
    assert_int_equal(added, 1);
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(key, sizeof key, "名称-%d", i);
        uint64_t *v = pm_hmap_get_bytes(m, key, (size_t)n);
        assert_non_null(v);
        assert_int_equal(*v, (uint64_t)i);
        uint64_t *shorter = pm_hmap_get_bytes(m, key, (size_t)n - 1); /* a prefix is another key */
        assert_true(shorter == NULL || shorter != v);
    }
    assert_null(pm_hmap_get_bytes(m, "名称-20000", strlen("名称-20000")));
    assert_int_equal(pm_hmap_count(m), 20001);
    pm_hmap_free(m);
}

static void test_array_reserve(void **state)
{
    (void)state;
    int *a = NULL;
    size_t cap = 0;
    assert_int_equal(pm_array_reserve(&a, &cap, 1, sizeof *a, 4, 10), PM_OK);
    assert_int_equal(cap, 4);
    for (int i = 0; i < 4; i++)
        a[i] = i;
    assert_int_equal(pm_array_reserve(&a, &cap, 5, sizeof *a, 4, 10), PM_OK);
    assert_int_equal(cap, 8);
    assert_int_equal(a[3], 3); /* contents kept */
    assert_int_equal(pm_array_reserve(&a, &cap, 9, sizeof *a, 4, 10), PM_OK);
    assert_int_equal(cap, 10); /* never beyond the cap */
    int *before = a;
    assert_int_equal(pm_array_reserve(&a, &cap, 11, sizeof *a, 4, 10), PM_ERR_TOO_BIG);
    assert_ptr_equal(a, before);
    assert_int_equal(cap, 10);
    assert_int_equal(pm_array_reserve(&a, &cap, SIZE_MAX, sizeof *a, 4, SIZE_MAX),
                     PM_ERR_TOO_BIG); /* the byte size would overflow */
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u64_keys),
        cmocka_unit_test(test_put_new),
        cmocka_unit_test(test_cap_is_hard),
        cmocka_unit_test(test_byte_keys),
        cmocka_unit_test(test_array_reserve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
