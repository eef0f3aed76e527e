/* policyminer/source.h - where bytes come from: input walking and the gzip member reader.
 *
 * Input order is defined here once: every command-line argument is expanded (directories
 * walked recursively, following symlinks but refusing loops), and the union is sorted by
 * byte-wise strcmp of the path and de-duplicated. "-" (stdin) sorts first. So the output
 * never depends on the order of arguments.
 *
 * The gzip reader decodes any number of concatenated gzip members, or passes a plain
 * (uncompressed) file through, detected by the magic bytes 1f 8b, never by file name.
 */
#ifndef POLICYMINER_SOURCE_H
#define POLICYMINER_SOURCE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "policyminer/status.h"

/* ---- input list ------------------------------------------------------------------ */

typedef struct pm_inputs pm_inputs;

/* Expands argv-style paths into the sorted list. Paths that cannot be opened or walked
 * are not fatal here: they are recorded as failed entries (pm_inputs_failed) so the
 * caller can decide (the run treats an unreadable argument as a run error). */
pm_status pm_inputs_create(pm_inputs **out, const char *const *paths, size_t n);
void pm_inputs_free(pm_inputs *in); /* accepts NULL */
size_t pm_inputs_count(const pm_inputs *in);
const char *pm_inputs_path(const pm_inputs *in, size_t i);
uint64_t pm_inputs_size(const pm_inputs *in, size_t i); /* bytes on disk, 0 for stdin */
/* Entries that failed to expand: path + reason (PM_ERR_OPEN, PM_ERR_IO, PM_ERR_LOOP). */
size_t pm_inputs_failed_count(const pm_inputs *in);
const char *pm_inputs_failed_path(const pm_inputs *in, size_t i);
pm_status pm_inputs_failed_code(const pm_inputs *in, size_t i);

/* ---- gzip / plain stream ------------------------------------------------------------ */

typedef struct pm_gz pm_gz;

typedef struct pm_gz_limits {
    uint64_t max_member_out; /* max decompressed bytes per gzip member (0 = unlimited) */
    int inflate;             /* PM_INFLATE_ZLIB (default) or PM_INFLATE_ISAL */
} pm_gz_limits;

/* Inflate implementations: zlib always; ISA-L's igzip (several times faster) when the
 * build has it. Same bytes, same soft errors (the unit tests run on both). */
enum { PM_INFLATE_ZLIB = 0, PM_INFLATE_ISAL = 1 };
int pm_gz_inflate_available(int which);

/* Opens a file ("-" = stdin). Returns PM_ERR_OPEN when it cannot be opened. */
pm_status pm_gz_open(pm_gz **out, const char *path, const pm_gz_limits *lim);
/* Reads from a caller-owned memory block (tests, fuzzing). The block must outlive gz. */
pm_status pm_gz_open_mem(pm_gz **out, const void *data, size_t n, const pm_gz_limits *lim);
void pm_gz_close(pm_gz *gz); /* accepts NULL */
/* A stop flag (may be NULL; must outlive gz): when a read is interrupted by a signal and
 * *stop is non-zero, pm_gz_read / pm_gz_peek return PM_ERR_INTERRUPTED (hard) instead of
 * waiting on for data, so Ctrl-C on a stalled pipe or network file stops at once. */
void pm_gz_set_stop(pm_gz *gz, volatile sig_atomic_t *stop);

/* Reads up to n decompressed bytes into buf; *got = bytes delivered. *got == 0 with PM_OK
 * means end of input. A non-OK status is a *soft* error for gzip problems
 * (PM_ERR_GZ_TRUNCATED, _CORRUPT, _CRC, _TRAILING, PM_ERR_TOO_BIG for a member beyond
 * max_member_out): bytes delivered before it are good, the data between the last good
 * byte and the next member header is lost, and the caller may keep reading - the reader
 * resynchronises at the next gzip member header (1f 8b 08) if there is one.
 * pm_gz_error_offset() then gives the compressed offset where the damage starts.
 * PM_ERR_IO, PM_ERR_NOMEM and PM_ERR_INTERRUPTED are hard: stop reading. */
pm_status pm_gz_read(pm_gz *gz, void *buf, size_t n, size_t *got);

/* Looks at up to n (<= 64 KiB) decompressed bytes at the start of the stream without
 * consuming them (format sniffing); only valid before the first pm_gz_read. *head stays
 * valid until the next call on gz. A soft error while peeking is returned by the first
 * pm_gz_read instead, after the peeked bytes. */
pm_status pm_gz_peek(pm_gz *gz, size_t n, const char **head, size_t *len);

int pm_gz_is_compressed(const pm_gz *gz);          /* first member was gzip */
uint64_t pm_gz_in_bytes(const pm_gz *gz);          /* compressed bytes consumed */
uint64_t pm_gz_out_bytes(const pm_gz *gz);         /* decompressed bytes delivered */
unsigned pm_gz_members(const pm_gz *gz);           /* gzip members seen */
uint64_t pm_gz_error_offset(const pm_gz *gz);      /* compressed offset of last soft error */

#endif
