/* core/sha256_internal.h - the two SHA-256 block functions, for test_core only. */
#ifndef PM_SHA256_INTERNAL_H
#define PM_SHA256_INTERNAL_H

#include <stdint.h>

/* 1 when this CPU has the SHA extensions (and SSE4.1) and the build can use them. */
int pm_sha256_have_ni(void);
/* One 64-byte block into the state h: ni 1 on the SHA extensions (only when
 * pm_sha256_have_ni()), 0 the portable code. The same h either way. */
void pm_sha256_block_kernel(uint32_t h[8], const unsigned char p[64], int ni);

#endif
