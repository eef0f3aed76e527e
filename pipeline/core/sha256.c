/* core/sha256.c - SHA-256 (FIPS 180-4) for provenance checksums, and FNV-1a 64.
 *
 * Streaming, no allocation; used for dictionary and gazetteer identities in manifests,
 * never on the per-document hot path (that uses FNV-1a for doc-id sets). On x86-64 CPUs
 * with the SHA extensions (checked at run time) a block takes sha256rnds2 / sha256msg1 /
 * sha256msg2; the portable block function stays the reference and the fallback, and
 * test_core holds both to the same states and to the FIPS examples.
 */
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#if defined(__GNUC__) && defined(__x86_64__) && !defined(PM_NO_SIMD) /* PM_NO_SIMD: portable code only */
#include <immintrin.h>
#define PM_SHA_HAVE_NI 1
#endif

#include "policyminer/hash.h"
#include "sha256_internal.h"

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void block(pm_sha256 *c, const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4], f = c->h[5],
             g = c->h[6], h = c->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = cc;
        cc = b;
        b = a;
        a = t1 + t2;
    }
    c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
    c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

#ifdef PM_SHA_HAVE_NI
/* One block on the SHA extensions. The state lives as ABEF and CDGH (the order
 * sha256rnds2 takes), each four-round group adds its schedule words and constants and runs
 * two rnds2; from the fifth group on, its schedule words come from the four before them
 * (msg1: W[t-16] + s0(W[t-15]); + W[t-7]; msg2: + s1(W[t-2])). */
__attribute__((target("sha,sse4.1"))) static void block_ni(uint32_t h[8], const unsigned char *p)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
    __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)h), 0xB1);
    __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)(h + 4)), 0x1B);
    __m128i s0 = _mm_alignr_epi8(t, s1, 8);  /* ABEF */
    s1 = _mm_blend_epi16(s1, t, 0xF0);      /* CDGH */
    const __m128i s0_in = s0, s1_in = s1;
    __m128i m[4];
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++)
        m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)), bswap);
#pragma GCC unroll 16
    for (int g = 0; g < 16; g++) {
        if (g >= 4) {
            __m128i w = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);
            w = _mm_add_epi32(w, _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4));
            m[g & 3] = _mm_sha256msg2_epu32(w, m[(g + 3) & 3]);
        }
        __m128i k = _mm_add_epi32(m[g & 3], _mm_loadu_si128((const __m128i *)(const void *)(K + 4 * g)));
        s1 = _mm_sha256rnds2_epu32(s1, s0, k);
        s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(k, 0x0E));
    }
    s0 = _mm_add_epi32(s0, s0_in);
    s1 = _mm_add_epi32(s1, s1_in);
    t = _mm_shuffle_epi32(s0, 0x1B);  /* A B E F */
    s1 = _mm_shuffle_epi32(s1, 0xB1); /* G H C D */
    _mm_storeu_si128((__m128i *)(void *)h, _mm_blend_epi16(t, s1, 0xF0));
    _mm_storeu_si128((__m128i *)(void *)(h + 4), _mm_alignr_epi8(s1, t, 8));
}
#endif

int pm_sha256_have_ni(void)
{
#ifdef PM_SHA_HAVE_NI
    return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
#else
    return 0;
#endif
}

void pm_sha256_block_kernel(uint32_t h[8], const unsigned char p[64], int ni)
{
#ifdef PM_SHA_HAVE_NI
    if (ni) {
        block_ni(h, p);
        return;
    }
#else
    (void)ni;
#endif
    pm_sha256 c;
    memcpy(c.h, h, sizeof c.h);
    block(&c, p);
    memcpy(h, c.h, sizeof c.h);
}

static void block_any(pm_sha256 *c, const unsigned char *p)
{
#ifdef PM_SHA_HAVE_NI
    if (c->ni) {
        block_ni(c->h, p);
        return;
    }
#endif
    block(c, p);
}

void pm_sha256_init(pm_sha256 *c)
{
    static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, H0, sizeof H0);
    c->nbytes = 0;
    c->fill = 0;
    c->ni = pm_sha256_have_ni();
}

void pm_sha256_update(pm_sha256 *c, const void *data, size_t n)
{
    const unsigned char *p = data;
    c->nbytes += n;
    while (n) {
        if (c->fill == 0 && n >= 64) {
            block_any(c, p);
            p += 64;
            n -= 64;
            continue;
        }
        size_t k = 64 - c->fill < n ? 64 - c->fill : n;
        memcpy(c->block + c->fill, p, k);
        c->fill += k;
        p += k;
        n -= k;
        if (c->fill == 64) {
            block_any(c, c->block);
            c->fill = 0;
        }
    }
}

void pm_sha256_final(pm_sha256 *c, unsigned char out[32])
{
    uint64_t bits = c->nbytes * 8;
    unsigned char pad = 0x80;
    uint64_t keep = c->nbytes;
    pm_sha256_update(c, &pad, 1);
    unsigned char z = 0;
    while (c->fill != 56)
        pm_sha256_update(c, &z, 1);
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    pm_sha256_update(c, len, 8);
    c->nbytes = keep;
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(c->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)c->h[i];
    }
}

static void to_hex(const unsigned char d[32], char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
}

void pm_sha256_hex(const void *p, size_t n, char hex[65])
{
    pm_sha256 c;
    unsigned char d[32];
    pm_sha256_init(&c);
    pm_sha256_update(&c, p, n);
    pm_sha256_final(&c, d);
    to_hex(d, hex);
}

pm_status pm_sha256_file(const char *path, char out[72])
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return PM_ERR_OPEN;
    pm_sha256 c;
    pm_sha256_init(&c);
    unsigned char buf[65536];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            close(fd);
            return PM_ERR_IO;
        }
        if (r == 0)
            break;
        pm_sha256_update(&c, buf, (size_t)r);
    }
    close(fd);
    unsigned char d[32];
    pm_sha256_final(&c, d);
    memcpy(out, "sha256:", 7);
    to_hex(d, out + 7);
    return PM_OK;
}

uint64_t pm_fnv1a64(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = PM_FNV1A64_INIT;
    for (size_t i = 0; i < n; i++)
        h = pm_fnv1a64_step(h, s[i]);
    return h;
}
