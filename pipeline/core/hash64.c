/* core/hash64.c - a fast, stable 64-bit hash for content identity (refresh state: has this
 * input file changed? is this document's text one we already kept?) and for the
 * checksums of stored blocks. Four independent lanes of multiply-rotate over 32-byte
 * steps keep the multiplier busy, so hashing runs at memory speed rather than a byte at
 * a time like FNV-1a. Little-endian reads make the value the same on every platform,
 * which matters because the value is stored on disk.
 */
#include <string.h>

#include "policyminer/hash.h"

#define K1 0x9E3779B185EBCA87ull
#define K2 0xC2B2AE3D27D4EB4Full
#define K3 0x165667B19E3779F9ull
#define K4 0x85EBCA77C2B2AE63ull
#define K5 0x27D4EB2F165667C5ull

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* Little-endian loads of n <= 8 bytes as one memcpy (the byte loop this replaces was not
 * merged by the compiler: most of a run's hashing time); big-endian machines swap, so the
 * stored values stay the same everywhere. */
static inline uint64_t rd_le(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    memcpy(&v, p, n);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static uint64_t rd64(const unsigned char *p) { return rd_le(p, 8); }
static uint64_t rd32(const unsigned char *p) { return rd_le(p, 4); }

static uint64_t lane(uint64_t acc, uint64_t in)
{
    acc += in * K2;
    acc = rotl(acc, 31);
    return acc * K1;
}

static uint64_t fold(uint64_t h, uint64_t v)
{
    h ^= lane(0, v);
    return h * K1 + K4;
}

void pm_hash64_init(pm_hash64_ctx *c, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    c->seed = seed;
    c->v[0] = seed + K1 + K2;
    c->v[1] = seed + K2;
    c->v[2] = seed;
    c->v[3] = seed - K1;
}

static void step(uint64_t v[4], const unsigned char *p)
{
    v[0] = lane(v[0], rd64(p));
    v[1] = lane(v[1], rd64(p + 8));
    v[2] = lane(v[2], rd64(p + 16));
    v[3] = lane(v[3], rd64(p + 24));
}

void pm_hash64_update(pm_hash64_ctx *c, const void *data, size_t n)
{
    const unsigned char *p = data;
    if (!n) /* data may be NULL for an empty field */
        return;
    c->total += n;
    if (c->fill) {
        size_t take = 32 - c->fill < n ? 32 - c->fill : n;
        memcpy(c->tail + c->fill, p, take);
        c->fill += take;
        p += take;
        n -= take;
        if (c->fill < 32)
            return;
        step(c->v, c->tail);
        c->fill = 0;
    }
    for (; n >= 32; p += 32, n -= 32)
        step(c->v, p);
    memcpy(c->tail, p, n);
    c->fill = n;
}

uint64_t pm_hash64_final(const pm_hash64_ctx *c)
{
    uint64_t h;
    if (c->total >= 32) {
        h = rotl(c->v[0], 1) + rotl(c->v[1], 7) + rotl(c->v[2], 12) + rotl(c->v[3], 18);
        for (int i = 0; i < 4; i++)
            h = fold(h, c->v[i]);
    } else {
        h = c->seed + K5;
    }
    h += c->total;
    const unsigned char *p = c->tail;
    size_t n = c->fill;
    for (; n >= 8; p += 8, n -= 8)
        h = rotl(h ^ lane(0, rd64(p)), 27) * K1 + K4;
    if (n >= 4) {
        h = rotl(h ^ (rd32(p) * K1), 23) * K2 + K3;
        p += 4;
        n -= 4;
    }
    for (; n; p++, n--)
        h = rotl(h ^ (*p * K5), 11) * K1;
    h ^= h >> 33;
    h *= K2;
    h ^= h >> 29;
    h *= K3;
    h ^= h >> 32;
    return h;
}

uint64_t pm_hash64(const void *p, size_t n, uint64_t seed)
{
    pm_hash64_ctx c;
    pm_hash64_init(&c, seed);
    pm_hash64_update(&c, p, n);
    return pm_hash64_final(&c);
}
