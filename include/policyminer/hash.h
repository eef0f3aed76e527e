/* policyminer/hash.h - SHA-256 (FIPS 180-4) for provenance checksums in manifests and
 * dictionary identities, and a fast 64-bit FNV-1a for in-memory hashing. */
#ifndef POLICYMINER_HASH_H
#define POLICYMINER_HASH_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/status.h"

typedef struct pm_sha256 {
    uint32_t h[8];
    uint64_t nbytes;
    unsigned char block[64];
    size_t fill;
    int ni; /* blocks on the CPU's SHA extensions (set by init) */
} pm_sha256;

void pm_sha256_init(pm_sha256 *c);
void pm_sha256_update(pm_sha256 *c, const void *p, size_t n);
void pm_sha256_final(pm_sha256 *c, unsigned char out[32]);
/* One-shot; hex = 64 lowercase hex digits + NUL. */
void pm_sha256_hex(const void *p, size_t n, char hex[65]);
/* "sha256:" + 64 hex of a whole file; PM_ERR_OPEN / PM_ERR_IO on failure. */
pm_status pm_sha256_file(const char *path, char out[72]);

uint64_t pm_fnv1a64(const void *p, size_t n);
/* The FNV-1a state before any byte, and after one more byte: pm_fnv1a64 of every prefix of
 * a string in one pass (h = PM_FNV1A64_INIT, then h = pm_fnv1a64_step(h, s[i])). */
#define PM_FNV1A64_INIT 0xcbf29ce484222325ull
static inline uint64_t pm_fnv1a64_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * 0x100000001b3ull;
}

/* A fast 64-bit hash (four multiply-rotate lanes, 32 bytes a step; several GB/s) for
 * content identity and block checksums. Not cryptographic; stable across platforms
 * and versions (the state and partial-output formats store it). Streaming form for
 * whole files: init, update any number of times, final. */
typedef struct pm_hash64_ctx {
    uint64_t v[4];
    uint64_t total;
    unsigned char tail[32];
    size_t fill;
    uint64_t seed;
} pm_hash64_ctx;

void pm_hash64_init(pm_hash64_ctx *c, uint64_t seed);
void pm_hash64_update(pm_hash64_ctx *c, const void *p, size_t n);
uint64_t pm_hash64_final(const pm_hash64_ctx *c);
uint64_t pm_hash64(const void *p, size_t n, uint64_t seed);

#endif
