/* classify/dictcache.h - compiled dictionary images kept in a cache directory (internal to
 * pipeline/classify; dictcache.c says how they are keyed and checked). */
#ifndef PM_DICTCACHE_H
#define PM_DICTCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "policyminer/status.h"

/* The image stored under key in dir, verified (key, length, checksum): PM_OK with *image
 * (malloc'd, the caller frees) and *len; otherwise an error and *image NULL. */
pm_status pm_dictcache_load(const char *dir, uint64_t key, char **image, size_t *len);
/* Stores image under key in dir (created if missing), atomically, and removes the
 * directory's other images. An error leaves no partial file. */
pm_status pm_dictcache_store(const char *dir, uint64_t key, const char *image, size_t len);

#endif
