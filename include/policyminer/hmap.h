/* policyminer/hmap.h - the one hash map: 64-bit keys or byte-string keys to 64-bit values.
 *
 * Open addressing with linear probing at a load of at most one half; growth doubles and
 * stops at the entry cap given at creation (PM_ERR_TOO_BIG), so no table grows without
 * bound. Byte keys are copied into the map's own arena. There is deliberately no
 * iteration: slot order depends on the table's size and history, and output must not, so
 * a caller that writes what it counted keeps its own array of entries in insertion order
 * (the value is typically an index into it) and sorts that.
 *
 * Ownership: a returned value pointer is valid until the next insertion into the map.
 */
#ifndef POLICYMINER_HMAP_H
#define POLICYMINER_HMAP_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/status.h"

typedef struct pm_hmap pm_hmap;

/* bytes: 1 = byte-string keys (the *_bytes calls), 0 = 64-bit keys (any value, 0 too).
 * max_entries: the cap (0 = UINT32_MAX). PM_OK or PM_ERR_NOMEM (*out NULL). */
pm_status pm_hmap_create(pm_hmap **out, int bytes, size_t max_entries);
void pm_hmap_free(pm_hmap *m); /* accepts NULL */
size_t pm_hmap_count(const pm_hmap *m);

/* Makes room for n entries in all (never beyond the cap), so that many inserts rehash
 * nothing (a known number of keys coming back, e.g. a refresh checkpoint). PM_ERR_NOMEM
 * leaves the map as it was. */
pm_status pm_hmap_reserve(pm_hmap *m, size_t n);
/* Finds key, inserting it with value 0 when absent (*added says which). Returns the
 * value's slot; NULL when the key was absent and could not be added: *st is then
 * PM_ERR_TOO_BIG (the cap is reached) or PM_ERR_NOMEM, and the map is unchanged. */
uint64_t *pm_hmap_put(pm_hmap *m, uint64_t key, int *added, pm_status *st);
/* The value of key, or NULL when absent. */
uint64_t *pm_hmap_get(const pm_hmap *m, uint64_t key);
/* Inserts keys[0..n) with vals[0..n) (vals NULL: 0 each), in the order of their slots, so
 * a restore of 10^5-10^6 keys walks the table once instead of missing the cache per key.
 * PM_ERR_STATE when a key is present already or repeats (the map then holds some of the
 * others: drop it), PM_ERR_TOO_BIG over the cap, PM_ERR_NOMEM (the map unchanged). */
pm_status pm_hmap_put_new(pm_hmap *m, const uint64_t *keys, const uint64_t *vals, size_t n);

/* The same for byte-string keys (len bytes, any content; len < 4 GiB). */
uint64_t *pm_hmap_put_bytes(pm_hmap *m, const void *key, size_t len, int *added,
                            pm_status *st);
uint64_t *pm_hmap_get_bytes(const pm_hmap *m, const void *key, size_t len);

#endif
