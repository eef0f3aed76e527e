/* analysis/reuse.c - the corpus half of text reuse: candidates, verification, tables.
 *
 * add (committer, in commit order): the document's id, metadata and the low 8 bits of its
 * signature (96 bytes, for the screen) stay in memory; the rest goes to unlinked spill
 * files (nothing is left behind), each written through a bounded buffer: its 32 LSH band
 * keys band by band in runs of BAND_BUF documents, its normalised text, its ANCHOR_K
 * smallest anchor keys (a fixed record a document), and each anchor as a posting in one
 * of APARTS key ranges. The distinct sampled shingles are counted in a Count-Min sketch
 * (2 counters a key in one cache line of 2^16, sums only, so the counts do not depend on
 * order).
 * finish: per band, its keys read back and documents sorted by them (stable radix sort);
 * every pair inside a bucket of at most bucket_cap documents whose signatures estimate
 * J >= SIG_SCREEN is a candidate; then the anchors, one key range's postings at a time:
 * documents sharing ANCHOR_MIN anchors (none held by more than ANCHOR_CAP documents) are
 * candidates too. Both lists are sorted and
 * deduplicated. Each candidate is verified on ALL its shingles (load: boilerplate text
 * masked from the sampled shingles' estimated document frequency): Jaccard, containment
 * of each side. A pair whose larger containment reaches the threshold is aligned with
 * Smith-Waterman (+3 match, -2 mismatch, -3 gap) over the window that holds its shared
 * shingles, and kept when the alignment covers enough of the shorter text; that gives the
 * aligned span and a short excerpt. Output is sorted by (date, doc_id) pairs.
 * refresh checkpoint (pm_reuse_checkpoint, below "refresh checkpoint"): the spills are
 * named files kept in the state directory with the in-memory state beside them, and a
 * refresh's finish takes the last finish's LSH and anchor candidates and recomputes only
 * what the new documents (and the moved boilerplate cut) can change, falling back to the
 * full passes where it cannot be sure; a pair it verified keeps its verdict when neither
 * document's boilerplate mask can have changed.
 * Never: reads raw documents, prints, or keeps all texts in memory.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "policyminer/country.h"
#include "policyminer/diffusion.h"
#include "policyminer/hash.h"
#include "policyminer/reuse.h"
#include "policyminer/sinks.h"
#include "policyminer/utf8.h"
#include "policyminer/ymd.h"
#include "reuse_internal.h"

/* Count-Min sketch of 2^16 cache lines of 16 counters (4 MB); a key's two counters lie in
 * one line, so counting a key costs one cache miss, not two */
#define CM_LINE_BITS 16
#define CM_SIZE ((size_t)16 << CM_LINE_BITS)
#define MIN_SHARED 24     /* shingles two documents must share (~28 characters) */
#define ANCHOR_K 32       /* containment anchors kept per document (its smallest) */
#define ANCHOR(k) (((k) & 3u) == 0) /* a sampled key is an anchor: 1 in 16 shingles */
#define ANCHOR_MIN 2      /* anchors a pair must share to be a containment candidate */
/* an anchor in more documents than PM_REUSE_ANCHOR_CAP is a common phrase, not a copy's
 * trace: its documents make no pairs (a quarter of the LSH cap, so raw pairs stay few) */
#define ANCHOR_CAP(r) ((size_t)PM_REUSE_ANCHOR_CAP(&(r)->o))
#define SW_PAD 24         /* characters of context around the shared window */
#define EXCERPT_CHARS 24  /* code points of aligned text in reuse_pairs.tsv */
#define BP_EXAMPLES 1024 /* boilerplate shingles remembered for reuse_boilerplate.tsv */
#define SPILL_BUF ((size_t)1 << 20) /* the spill stream's buffer */
#define SIG_SCREEN 0.2    /* band pairs whose signatures estimate J below this are dropped */
#define APART_BITS 6      /* anchor postings spilled in 2^6 key ranges (the key's top bits) */
#define APARTS (1u << APART_BITS)
#define APART_BUF 4096    /* postings buffered per range before they go to the spill */
#define BAND_BUF 8192     /* documents whose band keys are buffered before they are spilled */
#define NO_ANCHOR UINT32_MAX /* pads a document's anchor record (keys never take it) */
#define CK_TEXT_SEED 0x72747874ull /* a checkpointed text's check hash */
#define CK_SPILL_SEED 0x72737031ull /* a checkpointed spill's digest */
#define CK_VERSION 1

/* An unlinked scratch file written through a buffer of its own: anchors by document
 * (fixed records, read back by pread) and anchor postings by key range (chunks). */
typedef struct spillf {
    int fd;
    char *buf;
    size_t len, cap;
    uint64_t off; /* bytes written to fd */
    int hashed;   /* a checkpointed spill: h digests every byte written (spillf_flush) */
    pm_hash64_ctx h;
    const unsigned char *map; /* spillf_map: bytes [0, maplen) mapped for reading, or NULL */
    size_t maplen;
} spillf;

/* A run of band keys in the band spill: documents [first, first + m), band b's m keys at
 * off + b * m * 4. Runs are BAND_BUF documents but for the last of each run (and a
 * refresh's first, which follows the checkpoint's last). */
typedef struct brun {
    uint64_t off;
    uint32_t first, m;
} brun;

/* A run of one key range's postings in the posting spill. */
typedef struct achunk {
    uint64_t off;
    uint32_t n, part;
} achunk;

typedef struct rdoc {
    uint64_t spill_off;  /* text in the spill file */
    uint64_t id_off;     /* id in the arena */
    uint32_t text_len;
    uint16_t id_len;
    uint8_t level;
    int32_t date;
    uint32_t region, province;
    uint32_t thash;      /* checkpointed texts: low bits of the text's pm_hash64, checked
                            when it is read back (in the struct's padding: still 40 bytes) */
} rdoc;

typedef struct bp_ex {
    uint32_t key, df;
    uint32_t cp[PM_REUSE_SHINGLE];
} bp_ex;

typedef struct pair {
    uint32_t a, b;           /* documents, a earlier by (date, doc_id) */
    double j, ca, cb;
    uint32_t aligned, span_a, span_b;
    uint32_t ncp_a, ncp_b;   /* the two normalised texts' code points */
    uint32_t ex[EXCERPT_CHARS];
    unsigned nex;
} pair;

/* A document verification loaded (refresh checkpoint): what decides whether its load would
 * come out the same (its distinct sampled keys) and what the load noted as boilerplate
 * (every sampled shingle over the cut, in text order), in the finish's vkeys / vbp. */
typedef struct vdoc {
    uint32_t idx, ncp;
    uint64_t key_off, bp_off;
    uint32_t nkeys, nbp;
} vdoc;

/* A pair verification decided: x << 32 | y, and its record in vrec when kept. */
typedef struct vpair {
    uint64_t xy;
    uint64_t rec; /* UINT64_MAX = not kept */
} vpair;

/* The verdicts of one finish, or of the last one (loaded). */
typedef struct vset {
    vdoc *d;
    size_t nd, dcap;
    uint32_t *keys;
    size_t nkeys, kcap;
    bp_ex *bp;
    size_t nbp, bpcap;
    vpair *p;
    size_t np, pcap;
    pair *rec;
    size_t nrec, reccap;
} vset;

struct pm_reuse {
    pm_reuse_options o;
    const pm_country *country; /* prints region codes and level names (NULL: none given) */
    FILE *spill;
    char *spill_buf; /* the stream's buffer: glibc ignores setvbuf's size without one */
    uint64_t spill_len;
    rdoc *d;
    size_t n, cap;
    uint8_t *sig8;           /* n x PM_REUSE_K: low 8 bits of each signature value, for
                                the screen of bucket mates (b-bit MinHash) */
    spillf bands;            /* the LSH band keys (hashes of a band's three 16-bit values),
                                band by band in runs of BAND_BUF documents */
    uint32_t *bbuf;          /* PM_REUSE_BANDS x BAND_BUF band keys not yet spilled */
    size_t bbuf_n;           /* documents in bbuf (every band holds one key a document) */
    size_t bfirst;           /* the first of them */
    brun *runs;              /* the band spill's runs, documents ascending */
    size_t nruns, runs_cap;
    spillf adoc;             /* per document ANCHOR_K anchor keys, ascending, NO_ANCHOR
                                padded: read back for the pairs the anchors screen */
    spillf apost;            /* anchor postings key << 32 | document, in chunks by range */
    uint64_t *abuf;          /* APARTS x APART_BUF postings not yet spilled */
    uint32_t abuf_n[APARTS];
    achunk *chunks;          /* the posting spill's chunks, in the order written */
    size_t nchunks, chunks_cap;
    spillf xpair;            /* finish: the pairs of anchor bucket mates, x << 32 | y, in
                                chunks by x's range (through abuf, idle by then) */
    achunk *xchunks;
    size_t nxchunks, xchunks_cap;
    uint64_t xraw;           /* pairs of anchor bucket mates made (XPAIR_FACTOR x max_candidates caps it) */
    pm_buf ids;
    uint32_t *cm;            /* CM_SIZE, 64-byte aligned */
    uint32_t *cp;            /* max_chars code points of scratch */
    uint32_t *anc;           /* the document's anchor keys before selection (add) */
    uint32_t *keys;          /* a replayed text's sampled keys (add) */
    uint64_t *set;           /* open-addressing scratch for distinct keys: gen << 32 | key,
                                entries of earlier documents are empty (no clearing) */
    size_t set_cap;
    uint32_t gen;            /* the current document's stamp in set (never 0) */
    bp_ex *bp;
    size_t nbp;
    long *diag;              /* verification scratch: diagonals of shared shingles */
    /* refresh checkpoint (pm_reuse_checkpoint): the spills are named, append-only files
     * of one generation in ckdir, kept after the run; finish adds the in-memory state */
    char *ckdir;             /* NULL: temporary spills only */
    int ck_open;             /* the named files replace the temporary ones */
    char ckgen[24];          /* their generation (file name prefix) */
    uint64_t seq;            /* the meta file this finish writes: gen.seq.meta */
    uint64_t ck_meta_len, ck_meta_hash; /* what it wrote (0 = none): pm_reuse_save says */
    /* the LSH side of the last finish (loaded with the checkpoint): its candidates over
     * documents [0, lp_n), its raw pushes and figures; lp_valid 0 = none to go on from */
    int lp_loaded, lp_valid;
    uint64_t lp_n, lp_raw, lp_screened, lp_capped, lp_docs_capped, lp_largest;
    uint64_t *lp_c;
    size_t lp_nc;
    /* the anchor side of the last finish: its candidates, the boilerplate cut and sketch it
     * judged by, its posting chunks (the rest are new documents'), pairs and figures */
    int lpa_valid;
    uint64_t lpa_bp, lpa_xraw, lpa_capped, lpa_docs_capped, lpa_largest, lpa_nchunks;
    uint64_t *lpa_c;
    size_t lpa_nc;
    uint32_t *cm_old;
    uint64_t *lpa_big;       /* its anchor buckets over the cap: key << 32 | size, by key */
    size_t lpa_nbig;
    uint64_t *abig;          /* this finish's (filled by the full pass or the refresh's) */
    size_t nabig, abig_cap;
    int xcut;                /* this finish: XPAIR_FACTOR x max_candidates cut the pairs */
    /* verification (refresh checkpoint): this finish's verdicts (vcap_on while its loop
     * runs; vslot: document -> its vdoc + 1) and the last one's (pv, usable when pv_ok) */
    vset vc, pv;
    int vcap_on, pv_ok;
    uint32_t *vslot;
    uint32_t *lm;            /* flip_masks: per sketch line, the last sketch's counters over
                                the last cut (low 16 bits) and this one's over this cut */
    uint64_t *fl;            /* ... and a bit per line whose two masks differ */
    signed char *pclean;     /* per pv document: 1 its load is unchanged, 0 not, -1 unknown */
    uint64_t lsh_raw;        /* this finish: LSH pairs pushed (duplicates included) */
    int lsh_cut;             /* ... and whether max_candidates cut them */
    pm_reuse_stats s;
};

static pm_status spillf_open(spillf *f, const char *tmpdir, size_t cap, pm_errctx *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/.reuse-spill-XXXXXX", tmpdir ? tmpdir : ".");
    f->fd = mkstemp(path);
    if (f->fd < 0)
        return pm_errctx_set(err, PM_ERR_OUTPUT, path, "cannot create a reuse spill file: %s",
                             strerror(errno));
    unlink(path);
    f->buf = malloc(cap);
    f->cap = cap;
    f->len = 0;
    f->off = 0;
    return f->buf ? PM_OK : PM_ERR_NOMEM;
}

static void spillf_close(spillf *f)
{
    if (f->map)
        munmap((void *)f->map, f->maplen);
    f->map = NULL;
    f->maplen = 0;
    if (f->fd >= 0)
        close(f->fd);
    free(f->buf);
    f->fd = -1;
    f->buf = NULL;
}

static pm_status spillf_flush(spillf *f)
{
    if (f->hashed && f->len)
        pm_hash64_update(&f->h, f->buf, f->len);
    size_t done = 0;
    while (done < f->len) {
        ssize_t w = write(f->fd, f->buf + done, f->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return PM_ERR_OUTPUT;
        done += (size_t)w;
    }
    f->off += f->len;
    f->len = 0;
    return PM_OK;
}

/* Appends n bytes; their offset in the file is f->off + f->len before the call. */
static pm_status spillf_write(spillf *f, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        if (f->len == f->cap) {
            pm_status st = spillf_flush(f);
            if (st != PM_OK)
                return st;
        }
        size_t k = f->cap - f->len < n ? f->cap - f->len : n;
        memcpy(f->buf + f->len, c, k);
        f->len += k, c += k, n -= k;
    }
    return PM_OK;
}

/* Reads n bytes at off (after spillf_flush). */
static pm_status spillf_read(const spillf *f, void *p, size_t n, uint64_t off)
{
    char *c = p;
    if (f->map && off <= f->maplen && n <= f->maplen - off) {
        memcpy(c, f->map + off, n); /* (a spill once mapped is not written any more) */
        return PM_OK;
    }
    while (n) {
        ssize_t g = pread(f->fd, c, n, (off_t)off);
        if (g < 0 && errno == EINTR)
            continue;
        if (g <= 0)
            return PM_ERR_IO;
        c += g, n -= (size_t)g, off += (uint64_t)g;
    }
    return PM_OK;
}

/* Maps a flushed spill that will only be read from now on: many small reads (a finish's
 * anchor records, two a screened pair) then cost a copy, not a system call each. Only up
 * to SPILL_MAP_MAX bytes (about 500k documents' anchor records), as the pages read stay
 * resident; without a map (larger, mmap failed, nothing written) spillf_read goes on with
 * pread. */
#define SPILL_MAP_MAX ((uint64_t)64 << 20)
static void spillf_map(spillf *f)
{
    assert(f->len == 0 && !f->map);
    if (f->fd < 0 || !f->off || f->off > SPILL_MAP_MAX)
        return;
    void *m = mmap(NULL, (size_t)f->off, PROT_READ, MAP_SHARED, f->fd, 0);
    if (m == MAP_FAILED)
        return;
    f->map = m;
    f->maplen = (size_t)f->off;
}

pm_status pm_reuse_create(pm_reuse **out, const pm_reuse_options *o, const char *tmpdir,
                          pm_errctx *err)
{
    *out = NULL;
    if (o->max_chars < PM_REUSE_SHINGLE || o->max_chars > (1u << 20) || o->threshold < 0 ||
        o->threshold > 1 || o->boilerplate_share <= 0 || o->boilerplate_share > 1 ||
        o->bucket_cap < 2)
        return pm_errctx_set(err, PM_ERR_ARG, NULL, "reuse options out of range");
    pm_reuse *r = calloc(1, sizeof *r);
    if (!r)
        return PM_ERR_NOMEM;
    r->o = *o;
    r->adoc.fd = r->apost.fd = r->bands.fd = r->xpair.fd = -1; /* (before anything can fail: free closes them) */
    pm_buf_init(&r->ids, (size_t)1 << 34);
    r->cm = aligned_alloc(64, CM_SIZE * sizeof *r->cm);
    if (r->cm)
        memset(r->cm, 0, CM_SIZE * sizeof *r->cm);
    r->cp = malloc(((size_t)o->max_chars + 8) * sizeof *r->cp);
    r->anc = malloc(((size_t)o->max_chars + 8) * sizeof *r->anc);
    r->keys = malloc(((size_t)o->max_chars + 8) * sizeof *r->keys);
    r->set_cap = 64;
    while (r->set_cap < (size_t)o->max_chars * 2)
        r->set_cap *= 2;
    r->set = calloc(r->set_cap, sizeof *r->set);
    r->bp = malloc(BP_EXAMPLES * sizeof *r->bp);
    r->diag = malloc(((size_t)o->max_chars + 8) * sizeof *r->diag);
    if (!r->diag || !r->cm || !r->cp || !r->anc || !r->keys || !r->set || !r->bp) {
        pm_reuse_free(r);
        return PM_ERR_NOMEM;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/.reuse-spill-XXXXXX", tmpdir ? tmpdir : ".");
    int fd = mkstemp(path);
    if (fd >= 0) {
        unlink(path);
        r->spill = fdopen(fd, "w+b");
        if (!r->spill)
            close(fd);
        else if ((r->spill_buf = malloc(SPILL_BUF)) != NULL)
            /* texts of ~6 KB in 1 MB writes: with a NULL buffer glibc keeps its own 4 KB
             * (st_blksize) whatever size is asked, and the run made 130k write(2)s at 100k */
            setvbuf(r->spill, r->spill_buf, _IOFBF, SPILL_BUF);
    }
    if (!r->spill) {
        pm_errctx_set(err, PM_ERR_OUTPUT, path, "cannot create the reuse spill file: %s",
                      strerror(errno));
        pm_reuse_free(r);
        return PM_ERR_OUTPUT;
    }
    r->abuf = malloc((size_t)APARTS * APART_BUF * sizeof *r->abuf);
    r->bbuf = malloc((size_t)PM_REUSE_BANDS * BAND_BUF * sizeof *r->bbuf);
    if (!r->abuf || !r->bbuf) {
        pm_reuse_free(r);
        return PM_ERR_NOMEM;
    }
    if (spillf_open(&r->adoc, tmpdir, (size_t)1 << 18, err) != PM_OK ||
        spillf_open(&r->apost, tmpdir, (size_t)1 << 20, err) != PM_OK ||
        spillf_open(&r->bands, tmpdir, (size_t)1 << 18, err) != PM_OK ||
        spillf_open(&r->xpair, tmpdir, (size_t)1 << 18, err) != PM_OK) {
        pm_reuse_free(r);
        return PM_ERR_OUTPUT;
    }
    *out = r;
    return PM_OK;
}

/* Everything but the options and the figures: after finish nothing else needs it, and the
 * analyses that finish after reuse (the adoptions) should not find it still resident.
 * Leaves r safe to release again and to free. */
static void release(pm_reuse *r)
{
    if (r->spill)
        fclose(r->spill);
    r->spill = NULL;
    free(r->spill_buf); /* after fclose: the stream used it until then */
    free(r->d);
    free(r->sig8);
    spillf_close(&r->bands);
    free(r->bbuf);
    spillf_close(&r->adoc);
    spillf_close(&r->apost);
    free(r->abuf);
    free(r->chunks);
    spillf_close(&r->xpair);
    free(r->xchunks);
    free(r->runs);
    free(r->lp_c);
    r->lp_c = NULL, r->lp_nc = 0, r->lp_valid = 0;
    free(r->lpa_c);
    free(r->cm_old);
    free(r->lpa_big);
    free(r->abig);
    vset *vs[2] = {&r->vc, &r->pv};
    for (int k = 0; k < 2; k++) {
        free(vs[k]->d), free(vs[k]->keys), free(vs[k]->bp), free(vs[k]->p), free(vs[k]->rec);
        memset(vs[k], 0, sizeof *vs[k]);
    }
    free(r->vslot);
    free(r->pclean);
    free(r->lm);
    free(r->fl);
    r->lm = NULL, r->fl = NULL;
    r->vslot = NULL, r->pclean = NULL, r->pv_ok = r->vcap_on = 0;
    r->lpa_big = r->abig = NULL, r->lpa_nbig = r->nabig = r->abig_cap = 0;
    r->lpa_c = NULL, r->cm_old = NULL, r->lpa_nc = 0, r->lpa_valid = 0;
    pm_buf_free(&r->ids);
    free(r->cm);
    free(r->cp);
    free(r->anc);
    free(r->keys);
    free(r->set);
    free(r->bp);
    free(r->diag);
    r->spill_buf = NULL, r->d = NULL, r->sig8 = NULL, r->bbuf = NULL, r->abuf = NULL;
    r->runs = NULL, r->nruns = r->runs_cap = 0;
    r->chunks = NULL, r->xchunks = NULL, r->cm = NULL, r->cp = NULL, r->anc = NULL, r->keys = NULL, r->set = NULL;
    r->bp = NULL, r->diag = NULL;
    r->n = r->cap = r->nchunks = r->chunks_cap = r->nxchunks = r->xchunks_cap = r->nbp = 0;
}

void pm_reuse_free(pm_reuse *r)
{
    if (!r)
        return;
    release(r);
    free(r->ckdir);
    free(r);
}

const pm_reuse_stats *pm_reuse_get_stats(const pm_reuse *r) { return &r->s; }

/* The key's two counters: a line, and two different counters in it. Keys are already
 * hash bits (the high half of the shingle's hash), so they index the sketch directly:
 * the line from the high 16 bits, the counters from bits 2-9 (bits 0-1 mark anchors). */
static inline void cm_at(uint32_t key, uint32_t slot[2])
{
    uint32_t line = (key >> 16) << 4, j0 = (key >> 2) & 15, j1 = j0 ^ ((key >> 6 & 15) | 1);
    slot[0] = line | j0;
    slot[1] = line | j1;
}

static inline uint32_t cm_df(const pm_reuse *r, uint32_t key)
{
    uint32_t sl[2];
    cm_at(key, sl);
    uint32_t x = r->cm[sl[0]], y = r->cm[sl[1]];
    return x < y ? x : y;
}

/* Starts a document's distinct-key set: a new stamp empties every slot at once (when the
 * stamp wraps, after 2^32 documents, the table is cleared for real). */
static void keys_begin(pm_reuse *r)
{
    if (++r->gen == 0) {
        memset(r->set, 0, r->set_cap * sizeof *r->set);
        r->gen = 1;
    }
}

/* Takes the sampled keys of the document being added, keys[0..nkeys) (repeats included;
 * keys are hash bits: their low bits index the set directly): the first time a key is met
 * it counts once in the sketch and, when it is an anchor, joins r->anc; returns how many
 * anchors. UINT32_MAX folds onto UINT32_MAX - 1 (as it always has: the sketch's slots
 * follow from the folded key). One pass does all three, on local copies of the tables
 * (the sketch's counters could alias r's fields, which the compiler then reloads after
 * every increment). The sketch is 4 MB, so each key is a cache miss: its line is
 * prefetched a fixed distance ahead, so the misses overlap instead of queueing; a line is
 * the key's high 16 bits (cm_at). 32 ahead, not 8: a miss to L3 is some 20 keys' work, and
 * with 8 in flight the loop still waited on most (-27% of its time; 48 gained nothing
 * more; queueing the keys and counting them partitioned by range cost as much again).
 * Its counts are sums, so the order of the increments does not matter. */
static size_t add_keys(pm_reuse *r, const uint32_t *keys, size_t nkeys)
{
    uint64_t *restrict set = r->set;
    uint32_t *restrict cm = r->cm, *restrict anc = r->anc;
    /* the whole set, though a document's ~500 keys would fit an 8 KB part of it: at a load
     * of 1/2 the probes collide and mispredict, and that cost more than L1 misses saved */
    const size_t mask = r->set_cap - 1, max = r->o.max_chars;
    const uint64_t g = (uint64_t)r->gen << 32;
    size_t nk = 0, nall = 0;
    enum { AHEAD = 32 };
    for (size_t i = 0; i < nkeys && i < AHEAD; i++)
        __builtin_prefetch(&cm[(size_t)(keys[i] >> 16) << 4], 1);
    for (size_t i = 0; i < nkeys && nk < max; i++) {
        if (i + AHEAD < nkeys)
            __builtin_prefetch(&cm[(size_t)(keys[i + AHEAD] >> 16) << 4], 1);
        const uint32_t k = keys[i] == UINT32_MAX ? UINT32_MAX - 1 : keys[i];
        const uint64_t e = g | k;
        size_t j = k & mask;
        uint64_t v;
        while ((v = set[j]) != e && v >> 32 == g >> 32) /* a slot of another document's */
            j = (j + 1) & mask;                         /* stamp is empty for this one */
        if (v == e)
            continue;
        set[j] = e;
        nk++;
        anc[nall] = k;
        nall += ANCHOR(k);
        uint32_t sl[2];
        cm_at(k, sl);
        cm[sl[0]] += cm[sl[0]] < UINT32_MAX;
        cm[sl[1]] += cm[sl[1]] < UINT32_MAX;
    }
    return nall;
}

/* Puts the smallest k of a[0..n) (distinct) in a[0..k), ascending; returns min(n, k).
 * Quickselect (median of three, three-way partition) until the boundary lies in a range
 * of at most 16, then an insertion sort of the at most k + 16 in front: a document has
 * some 30-130 anchors, and inserting each into a sorted list of 32 moved 16 on average. */
static unsigned smallest_sorted(uint32_t *a, size_t n, unsigned k)
{
    size_t lo = 0, hi = n; /* [0, lo) < [lo, hi) < [hi, n), and lo <= k <= hi */
    while (n > k && hi - lo > 16) {
        uint32_t x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi - 1];
        uint32_t piv = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = lo, m = lo, j = hi; /* [lo, i) < piv, [i, m) == piv, [j, hi) > piv */
        while (m < j) {
            uint32_t v = a[m];
            if (v < piv) {
                a[m++] = a[i];
                a[i++] = v;
            } else if (v > piv) {
                a[m] = a[--j];
                a[j] = v;
            } else {
                m++;
            }
        }
        if (k < i) {
            hi = i;
        } else if (k > j) {
            lo = j;
        } else {
            hi = k; /* [0, k) are the k smallest */
            break;
        }
    }
    for (size_t i = 1; i < hi; i++) {
        uint32_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
    return n < k ? (unsigned)n : k;
}

/* The LSH key of band b of a signature: a hash of its PM_REUSE_ROWS values' low 16 bits. */
static inline uint32_t band_key(const uint32_t *sig, unsigned b)
{
    const uint32_t *v = sig + b * PM_REUSE_ROWS;
    uint64_t x = (uint64_t)b << 48;
    for (unsigned k = 0; k < PM_REUSE_ROWS; k++)
        x |= (uint64_t)(uint16_t)v[k] << (16 * k);
    return (uint32_t)(pm_reuse_mix64(x ^ 0x6c7368ull) >> 32);
}

/* Spills the buffered band keys: band 0's run, band 1's, ... (runs of bbuf_n keys; every
 * run but the last is BAND_BUF long, so band b's keys of run j lie at a known offset). */
static pm_status bands_flush(pm_reuse *r)
{
    if (!r->bbuf_n)
        return PM_OK;
    pm_status st = pm_array_reserve(&r->runs, &r->runs_cap, r->nruns + 1, sizeof *r->runs, 64,
                                    SIZE_MAX / sizeof *r->runs);
    if (st != PM_OK)
        return st;
    r->runs[r->nruns++] = (brun){r->bands.off + r->bands.len, (uint32_t)r->bfirst,
                                 (uint32_t)r->bbuf_n};
    for (unsigned b = 0; b < PM_REUSE_BANDS && st == PM_OK && r->bbuf_n; b++)
        st = spillf_write(&r->bands, r->bbuf + (size_t)b * BAND_BUF, r->bbuf_n * sizeof *r->bbuf);
    r->bbuf_n = 0;
    return st;
}

/* Spills the buffered entries of range part (abuf) into f as one chunk, noted in *ch. */
static pm_status chunk_flush(pm_reuse *r, spillf *f, achunk **ch, size_t *nch, size_t *chcap,
                             uint32_t part)
{
    uint32_t n = r->abuf_n[part];
    if (!n)
        return PM_OK;
    pm_status st = pm_array_reserve(ch, chcap, *nch + 1, sizeof **ch, 64, (size_t)1 << 28);
    if (st != PM_OK)
        return st;
    (*ch)[(*nch)++] = (achunk){f->off + f->len, n, part};
    r->abuf_n[part] = 0;
    return spillf_write(f, r->abuf + (size_t)part * APART_BUF, n * sizeof *r->abuf);
}

/* Spills the buffered postings of key range part as one chunk. */
static pm_status apost_flush(pm_reuse *r, uint32_t part)
{
    return chunk_flush(r, &r->apost, &r->chunks, &r->nchunks, &r->chunks_cap, part);
}

/* Reads back every chunk of range part of f into (*v)[*n ...) (grown as needed). */
static pm_status chunks_read(const spillf *f, const achunk *ch, size_t nch, uint32_t part,
                             uint64_t **v, size_t *cap, size_t *n)
{
    pm_status st = PM_OK;
    for (size_t c = 0; c < nch && st == PM_OK; c++) {
        if (ch[c].part != part)
            continue;
        if ((st = pm_array_reserve(v, cap, *n + ch[c].n, sizeof **v, 1024,
                                   SIZE_MAX / sizeof **v)) == PM_OK &&
            (st = spillf_read(f, *v + *n, ch[c].n * sizeof **v, ch[c].off)) == PM_OK)
            *n += ch[c].n;
    }
    return st;
}

/* smallest_sorted for keys that are hash bits (uniform): the candidates under a cut that
 * about 1.5 k + 8 of n pass are moved to the front first (branch-free swaps, so a[] stays
 * a permutation), and when at least k passed, the k smallest are among them; otherwise
 * (rare) the whole array is searched. The same k keys either way; the quickselect's
 * partition branches are coin tosses, and on ~120 keys a document they mispredicted. */
static unsigned smallest_sorted_uniform(uint32_t *a, size_t n, unsigned k)
{
    if (n <= 2 * (size_t)k + 16)
        return smallest_sorted(a, n, k);
    uint64_t cut = ((uint64_t)(k + k / 2 + 8) << 32) / n;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = a[i];
        a[i] = a[m];
        a[m] = v;
        m += v < cut;
    }
    return smallest_sorted(a, m >= k ? m : n, k);
}

static pm_status ck_create(pm_reuse *r);

static pm_status add(pm_reuse *r, const char *doc_id, int32_t date, pm_level level,
                     uint32_t region, uint32_t province, const uint32_t *sig, unsigned nsig,
                     const char *text, size_t text_len, const uint32_t *keys, size_t nkeys);

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* add, timed: the committer's share of the stage, beside the workers' signing (run stats)
 * and the finish, so a run can say what reuse cost it (make bench) */
pm_status pm_reuse_add(pm_reuse *r, const char *doc_id, int32_t date, pm_level level,
                       uint32_t region, uint32_t province, const uint32_t *sig, unsigned nsig,
                       const char *text, size_t text_len, const uint32_t *keys, size_t nkeys)
{
    double t = mono();
    pm_status st = add(r, doc_id, date, level, region, province, sig, nsig, text, text_len,
                       keys, nkeys);
    r->s.add_seconds += mono() - t;
    return st;
}

static pm_status add(pm_reuse *r, const char *doc_id, int32_t date, pm_level level,
                     uint32_t region, uint32_t province, const uint32_t *sig, unsigned nsig,
                     const char *text, size_t text_len, const uint32_t *keys, size_t nkeys)
{
    /* code points: counted from the 16-bit units when the worker gave the keys, decoded
     * (to hash them) when it did not (replayed and merged records) */
    size_t ncp = 0, need = r->o.min_chars > PM_REUSE_SHINGLE ? r->o.min_chars : PM_REUSE_SHINGLE;
    if (nsig == PM_REUSE_K && keys) {
        /* a code point is at most 4 bytes (a surrogate pair): a long text needs no count */
        ncp = text_len >= 4 * need ? need : pm_reuse_text_chars(text, text_len);
    } else if (nsig == PM_REUSE_K) {
        ncp = pm_reuse_decode(text, text_len, r->cp, r->o.max_chars);
    }
    if (ncp < r->o.min_chars || ncp < PM_REUSE_SHINGLE) {
        r->s.docs_short++;
        return PM_OK;
    }
    pm_status st;
    if (r->ckdir && !r->ck_open && (st = ck_create(r)) != PM_OK)
        return st;
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 1024;
        if (nc > UINT32_MAX - 1)
            return PM_ERR_TOO_BIG;
        rdoc *nd = realloc(r->d, nc * sizeof *nd);
        if (!nd)
            return PM_ERR_NOMEM;
        r->d = nd;
        uint8_t *ns = realloc(r->sig8, nc * PM_REUSE_K * sizeof *ns);
        if (!ns)
            return PM_ERR_NOMEM;
        r->sig8 = ns;
        r->cap = nc;
    }
    size_t idl = strnlen(doc_id, 65535);
    /* an id cut by a fixed-size field upstream may end inside a character: drop the
     * partial sequence, so the tables stay valid UTF-8 */
    idl = pm_utf8_complete(doc_id, idl);
    rdoc *d = &r->d[r->n];
    d->id_off = r->ids.len;
    d->id_len = (uint16_t)idl;
    st = pm_buf_append(&r->ids, doc_id, idl);
    if (st != PM_OK)
        return st;
    d->spill_off = r->spill_len;
    d->thash = r->ckdir ? (uint32_t)pm_hash64(text, text_len, CK_TEXT_SEED) : 0;
    d->text_len = (uint32_t)text_len;
    d->level = (uint8_t)level;
    d->date = date;
    /* unknown is level 0, not code 0 (country.h): unknown regions sort last and never
     * match a region */
    int known = r->country ? pm_country_record_region(r->country, level, region, (pm_ymd)date) !=
                                 PM_REGION_NONE
                           : level != 0;
    d->region = known ? region : UINT32_MAX;
    d->province = province;
    if (text_len && fwrite(text, 1, text_len, r->spill) != text_len)
        return PM_ERR_OUTPUT;
    r->spill_len += text_len;
    for (unsigned k = 0; k < PM_REUSE_K; k++)
        r->sig8[r->n * PM_REUSE_K + k] = (uint8_t)sig[k];
    if (!r->bbuf_n)
        r->bfirst = r->n;
    for (unsigned b = 0; b < PM_REUSE_BANDS; b++)
        r->bbuf[(size_t)b * BAND_BUF + r->bbuf_n] = band_key(sig, b);
    if (++r->bbuf_n == BAND_BUF && (st = bands_flush(r)) != PM_OK)
        return st;
    /* distinct sampled keys into the sketch, anchors kept: from the worker when it passed
     * them, else from the text (replayed and merged records); the same keys either way */
    keys_begin(r);
    size_t nall;
    if (keys) {
        nall = add_keys(r, keys, nkeys);
    } else {
        size_t nk = 0;
        for (size_t p = 0; p + PM_REUSE_SHINGLE <= ncp; p++) {
            uint64_t h = pm_reuse_shingle(r->cp + p);
            r->keys[nk] = PM_REUSE_KEY(h);
            nk += PM_REUSE_SAMPLED(h);
        }
        nall = add_keys(r, r->keys, nk);
    }
    /* containment anchors: the document's ANCHOR_K smallest anchor keys, ascending */
    unsigned na = smallest_sorted_uniform(r->anc, nall, ANCHOR_K);
    for (unsigned k = na; k < ANCHOR_K; k++)
        r->anc[k] = NO_ANCHOR;
    if ((st = spillf_write(&r->adoc, r->anc, ANCHOR_K * sizeof *r->anc)) != PM_OK)
        return st;
    for (unsigned k = 0; k < na; k++) { /* and each to its key range's postings */
        uint32_t part = r->anc[k] >> (32 - APART_BITS);
        r->abuf[(size_t)part * APART_BUF + r->abuf_n[part]++] = (uint64_t)r->anc[k] << 32 | r->n;
        if (r->abuf_n[part] == APART_BUF && (st = apost_flush(r, part)) != PM_OK)
            return st;
    }
    r->n++;
    r->s.docs++;
    return PM_OK;
}

/* ---- candidates ------------------------------------------------------------------------ */

/* Stable LSD radix passes over bits [lo, hi) of v[0..n), digits of w bits (count holds
 * 2^w + 1), tmp of n: both sorts below are runs of it. The passes go back and forth
 * between v and tmp; the result is copied into v only after an odd number of them. */
static void radix_digits(uint64_t *v, uint64_t *tmp, size_t n, unsigned lo, unsigned hi,
                         unsigned w, size_t *count)
{
    const uint64_t mask = ((uint64_t)1 << w) - 1;
    uint64_t *src = v, *dst = tmp;
    for (unsigned sh = lo; sh < hi; sh += w) {
        memset(count, 0, (mask + 2) * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(src[i] >> sh & mask) + 1]++;
        for (size_t k = 1; k <= mask + 1; k++)
            count[k] += count[k - 1];
        for (size_t i = 0; i < n; i++)
            dst[count[src[i] >> sh & mask]++] = src[i];
        uint64_t *t = src;
        src = dst, dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
}

/* Stable LSD radix sort of v[0..n) on bits [lo, hi), tmp of n. A pass costs about 3n plus
 * two sweeps of its count table: 16-bit digits (a 512 KB table) for large n, 11-bit ones
 * (16 KB, a third pass) below RADIX_SMALL, where clearing and summing the big table twice
 * a band and twice a key range was most of a small run's finish. Same order either way. */
#define RADIX_SMALL ((size_t)1 << 16)
static void radix_sort(uint64_t *v, uint64_t *tmp, size_t n, int lo, int hi, size_t *count)
{
    if (n) /* (v may be NULL) */
        radix_digits(v, tmp, n, (unsigned)lo, (unsigned)hi, n < RADIX_SMALL ? 11 : 16, count);
}

/* Jaccard estimated from the signatures (8-bit b-bit MinHash, Li & König 2010): the
 * share of equal values, corrected for chance 8-bit collisions. Eight values a step: the
 * equal bytes of a 64-bit word are the zero bytes of a ^ b. Against 16 bits, values that
 * differ collide in their low byte with chance 1/256, so a pair's equal count can only
 * grow: the screen below (20 of 96 equal, at either width) passes a superset of the pairs
 * it passed with 16 bits, and verification decides on the texts. */
static double sig_jaccard(const pm_reuse *r, uint32_t x, uint32_t y)
{
    const uint8_t *a = r->sig8 + (size_t)x * PM_REUSE_K, *b = r->sig8 + (size_t)y * PM_REUSE_K;
    const uint64_t lo7 = 0x7F7F7F7F7F7F7F7Full;
    unsigned eq = 0;
    for (unsigned k = 0; k + 8 <= PM_REUSE_K; k += 8) {
        uint64_t u, v;
        memcpy(&u, a + k, 8);
        memcpy(&v, b + k, 8);
        uint64_t t = u ^ v, z = ~(((t & lo7) + lo7) | t | lo7); /* high bit of zero bytes */
        eq += (unsigned)(((z >> 7) * 0x0101010101010101ull) >> 56); /* sum of the eight */
    }
    double p = (double)eq / PM_REUSE_K, c = 1.0 / 256.0;
    return (p - c) / (1.0 - c);
}

/* Appends pair x < y to c (cap grows by doubling); counts truncation at max_candidates. */
static pm_status push_pair(pm_reuse *r, uint64_t **c, size_t *nc, size_t *cap, uint64_t x,
                           uint64_t y)
{
    if (*nc >= r->o.max_candidates) {
        r->s.candidates_truncated = 1;
        r->lsh_cut = 1;
        return PM_OK;
    }
    r->lsh_raw++;
    if (*nc == *cap) {
        uint64_t *nn = realloc(*c, *cap * 2 * sizeof *nn);
        if (!nn)
            return PM_ERR_NOMEM;
        *c = nn;
        *cap *= 2;
    }
    (*c)[(*nc)++] = x << 32 | y;
    return PM_OK;
}

/* Stable LSD radix sort of pairs x << 32 | y (x, y < 2^bits) by (x, y): 11-bit digits
 * over the bits in use only. */
static void radix_pairs(uint64_t *v, uint64_t *tmp, size_t n, unsigned bits, size_t *count)
{
    if (!n)
        return; /* (v may be NULL) */
    radix_digits(v, tmp, n, 0, bits, 11, count);
    radix_digits(v, tmp, n, 32, 32 + bits, 11, count);
}

/* Sorts c[0..*nc) (documents below 2^bits) and keeps each pair once; with counts, only
 * pairs listed at least min_count times. tmp (*tcap) grows to the list's size. */
static pm_status sort_unique(uint64_t *c, size_t *nc, uint64_t **tmp, size_t *tcap,
                             size_t *count, unsigned min_count, unsigned bits)
{
    if (*nc > *tcap) {
        uint64_t *t2 = realloc(*tmp, *nc * sizeof *t2);
        if (!t2)
            return PM_ERR_NOMEM;
        *tmp = t2;
        *tcap = *nc;
    }
    radix_pairs(c, *tmp, *nc, bits, count);
    size_t u = 0;
    for (size_t i = 0; i < *nc;) {
        size_t j = i + 1;
        while (j < *nc && c[j] == c[i])
            j++;
        if (j - i >= min_count)
            c[u++] = c[i];
        i = j;
    }
    *nc = u;
    return PM_OK;
}

/* A pair of anchor bucket mates (x < y) into the pair spill, in the range of x >> xshift
 * (below APARTS). The spill holds these on disk and counts one range at a time, so they
 * may number XPAIR_FACTOR times max_candidates (at 3M generated documents 20M were not
 * enough: half the anchor candidates were cut) while a range in memory stays near the
 * in-memory list's old size. */
#define XPAIR_FACTOR 16
static pm_status xpair_push(pm_reuse *r, uint32_t x, uint32_t y, unsigned xshift)
{
    if (r->xraw / XPAIR_FACTOR >= r->o.max_candidates) {
        r->s.candidates_truncated = 1;
        r->xcut = 1;
        return PM_OK;
    }
    r->xraw++;
    uint32_t part = x >> xshift;
    r->abuf[(size_t)part * APART_BUF + r->abuf_n[part]++] = (uint64_t)x << 32 | y;
    if (r->abuf_n[part] < APART_BUF)
        return PM_OK;
    return chunk_flush(r, &r->xpair, &r->xchunks, &r->nxchunks, &r->xchunks_cap, part);
}

/* Every pair inside each run of equal keys (v sorted: key << 32 | document, documents
 * ascending in a run) of at most bucket_cap documents; larger runs are counted. With c
 * NULL the pairs go to the pair spill (xpair_push, by x >> xshift), unscreened. */
static pm_status bucket_pairs(pm_reuse *r, const uint64_t *v, size_t n, uint64_t **c,
                              size_t *nc, size_t *cap, size_t bucket_cap, uint64_t *capped,
                              uint64_t *capped_docs, uint64_t *largest, int screen_sig,
                              unsigned xshift)
{
    pm_status st = PM_OK;
    for (size_t i = 0; i < n && st == PM_OK;) {
        size_t j = i + 1;
        while (j < n && v[j] >> 32 == v[i] >> 32)
            j++;
        size_t sz = j - i;
        if (sz > *largest)
            *largest = sz;
        if (sz > bucket_cap) {
            (*capped)++;
            *capped_docs += sz;
            if (!c && (st = pm_array_reserve(&r->abig, &r->abig_cap, r->nabig + 1, sizeof *r->abig,
                                             256, SIZE_MAX / sizeof *r->abig)) == PM_OK)
                r->abig[r->nabig++] = (v[i] >> 32) << 32 | (sz < UINT32_MAX ? sz : UINT32_MAX);
        } else {
            for (size_t x = i; x < j && st == PM_OK; x++)
                for (size_t y = x + 1; y < j && st == PM_OK; y++) {
                    uint32_t dx = (uint32_t)v[x], dy = (uint32_t)v[y];
                    /* screened here, not after: bucket mates of formulaic text are many
                     * (tens of millions at 1M documents) and almost all far apart */
                    if (screen_sig && sig_jaccard(r, dx, dy) < SIG_SCREEN) {
                        r->s.candidates_screened++;
                        continue;
                    }
                    st = c ? push_pair(r, c, nc, cap, dx, dy) : xpair_push(r, dx, dy, xshift);
                }
        }
        i = j;
    }
    return st;
}

const char *pm_reuse_lsh_path_name(int path)
{
    switch (path) {
    case PM_REUSE_LSH_INCREMENTAL: return "incremental";
    case PM_REUSE_LSH_FULL_CAP: return "full: a bucket with a candidate crossed the cap";
    case PM_REUSE_LSH_FULL_LIMIT: return "full: max_candidates reached or within reach";
    case PM_REUSE_LSH_FULL_LAST: return "full: no usable candidates from the last finish";
    case PM_REUSE_LSH_FULL_LARGEST: return "full: the largest bucket turned boilerplate";
    default: return "full";
    }
}

/* The LSH candidates of documents [0, n) from the last finish's over [0, n0) (r->lp_*):
 * a bucket's pairs of old documents are the same as then unless the bucket crossed the
 * cap, so only the buckets the new documents join are looked at. Per band: the new
 * documents' keys sorted; the old documents' keys read back and those in a joined bucket
 * kept (a bitmap of the new keys' low bits, then a binary search); per joined bucket, every
 * pair with a new document is screened and pushed as the full pass would, and the figures
 * (screened, capped, largest) move by what changed. A bucket that crosses the cap drops its
 * old pairs: when none of them passed the screen (they are only counted) it is followed
 * here; otherwise, or when max_candidates could cut the full pass, *path says why and the
 * caller sorts every band instead. On success (path INCREMENTAL) *c holds the sorted,
 * unique list. */
static pm_status lsh_incremental(pm_reuse *r, uint64_t **c, size_t *nc, size_t *cap,
                                 uint64_t *tmp, size_t tcap, size_t *count, unsigned bits,
                                 int *path)
{
    const size_t n = r->n, n0 = (size_t)r->lp_n, m = n - n0, bcap = r->o.bucket_cap;
    *path = PM_REUSE_LSH_FULL_LAST;
    size_t q0 = 0; /* the first run of a new document */
    while (q0 < r->nruns && r->runs[q0].first < n0)
        q0++;
    if (!r->lp_valid || n0 > n || (q0 < r->nruns && r->runs[q0].first != n0) ||
        (q0 == r->nruns && m))
        return PM_OK;
    enum { BM_BITS = 18 };
    uint64_t *bm = calloc((size_t)1 << (BM_BITS - 6), sizeof *bm);
    uint32_t *kb = malloc(BAND_BUF * sizeof *kb);
    uint64_t *nv = malloc((m ? m : 1) * sizeof *nv), *om = NULL;
    size_t omn = 0, omcap = 0;
    uint64_t screened = 0, unscreened = 0, capped = 0, docs_capped = 0, largest = r->lp_largest;
    uint64_t raw0 = r->lsh_raw;
    pm_status st = bm && kb && nv && tcap >= m ? PM_OK : PM_ERR_NOMEM;
    int cut = 0;
    for (unsigned b = 0; b < PM_REUSE_BANDS && st == PM_OK && m && !cut; b++) {
        for (size_t q = q0; q < r->nruns && st == PM_OK; q++) {
            const brun *ru = &r->runs[q];
            st = spillf_read(&r->bands, kb, ru->m * sizeof *kb, ru->off + (uint64_t)b * ru->m * sizeof *kb);
            for (size_t i = 0; i < ru->m; i++)
                nv[ru->first - n0 + i] = (uint64_t)kb[i] << 32 | (ru->first + i);
        }
        if (st != PM_OK)
            break;
        radix_sort(nv, tmp, m, 32, 64, count); /* stable: documents ascending in a key */
        const uint64_t bmask = ((uint64_t)1 << BM_BITS) - 1;
        for (size_t i = 0; i < m; i++) {
            uint64_t k = (nv[i] >> 32) & bmask;
            bm[k >> 6] |= (uint64_t)1 << (k & 63);
        }
        omn = 0;
        for (size_t q = 0; q < q0 && st == PM_OK; q++) {
            const brun *ru = &r->runs[q];
            st = spillf_read(&r->bands, kb, ru->m * sizeof *kb, ru->off + (uint64_t)b * ru->m * sizeof *kb);
            for (size_t i = 0; i < ru->m && st == PM_OK; i++) {
                uint64_t k = kb[i] & bmask;
                if (!(bm[k >> 6] >> (k & 63) & 1))
                    continue;
                size_t lo = 0, hi = m; /* the first new key >= kb[i] */
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (nv[mid] >> 32 < kb[i])
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                if (lo < m && nv[lo] >> 32 == kb[i] &&
                    (st = pm_array_reserve(&om, &omcap, omn + 1, sizeof *om, 1024,
                                           SIZE_MAX / sizeof *om)) == PM_OK)
                    om[omn++] = (uint64_t)kb[i] << 32 | (ru->first + i);
            }
        }
        for (size_t i = 0; i < m; i++) { /* the bitmap back to zero, bit by bit */
            uint64_t k = (nv[i] >> 32) & bmask;
            bm[k >> 6] &= ~((uint64_t)1 << (k & 63));
        }
        if (st != PM_OK)
            break;
        if (omn > tcap) {
            st = PM_ERR_NOMEM; /* (tmp holds n entries, om at most n0) */
            break;
        }
        radix_sort(om, tmp, omn, 32, 64, count);
        /* the joined buckets: old members om[i..j), new ones nv[x..y), same key */
        for (size_t x = 0, i = 0; x < m && st == PM_OK && !cut;) {
            uint32_t key = (uint32_t)(nv[x] >> 32);
            size_t y = x;
            while (y < m && (uint32_t)(nv[y] >> 32) == key)
                y++;
            while (i < omn && (uint32_t)(om[i] >> 32) < key)
                i++;
            size_t j = i;
            while (j < omn && (uint32_t)(om[j] >> 32) == key)
                j++;
            size_t so = j - i, sn = so + (y - x);
            if (sn > largest)
                largest = sn;
            if (so > bcap) {
                docs_capped += y - x;
            } else if (sn > bcap) {
                capped++;
                docs_capped += sn;
                for (size_t a = i; a < j && !cut; a++) /* its old pairs leave the counts */
                    for (size_t z = a + 1; z < j && !cut; z++) {
                        if (sig_jaccard(r, (uint32_t)om[a], (uint32_t)om[z]) >= SIG_SCREEN)
                            cut = 1; /* ... and this one the candidates, maybe */
                        unscreened++;
                    }
                if (cut)
                    *path = PM_REUSE_LSH_FULL_CAP;
            } else {
                for (size_t e = x; e < y && st == PM_OK; e++) { /* (old, new) and (new, new) */
                    uint32_t dy = (uint32_t)nv[e];
                    for (size_t a = i; a < j + (e - x) && st == PM_OK; a++) {
                        uint32_t dx = a < j ? (uint32_t)om[a] : (uint32_t)nv[x + (a - j)];
                        if (sig_jaccard(r, dx, dy) < SIG_SCREEN) {
                            screened++;
                            continue;
                        }
                        st = push_pair(r, c, nc, cap, dx, dy);
                    }
                }
            }
            x = y;
            i = j;
        }
    }
    if (st == PM_OK && !cut && r->lp_raw + (r->lsh_raw - raw0) >= r->o.max_candidates) {
        cut = 1; /* the full pass might have been cut where this one was not */
        *path = PM_REUSE_LSH_FULL_LIMIT;
    }
    if (st == PM_OK && !cut) {
        /* the new pairs (listed once per band they share) made unique, then merged with the
         * last finish's (pairs of old documents only: the two lists never meet) */
        uint64_t *t2 = NULL;
        size_t t2cap = 0;
        st = sort_unique(*c, nc, &t2, &t2cap, count, 1, bits);
        free(t2);
        if (st == PM_OK)
            st = pm_array_reserve(c, cap, *nc + r->lp_nc + 1, sizeof **c, 1024, SIZE_MAX / sizeof **c);
        if (st == PM_OK) {
            size_t a = *nc, k = r->lp_nc, w = *nc + r->lp_nc;
            while (k) { /* merge from the back, in place */
                if (a && (*c)[a - 1] > r->lp_c[k - 1])
                    (*c)[--w] = (*c)[--a];
                else
                    (*c)[--w] = r->lp_c[--k];
            }
            *nc += r->lp_nc;
            r->s.candidates_screened = r->lp_screened + screened - unscreened;
            r->s.buckets_capped = r->lp_capped + capped;
            r->s.bucket_docs_capped = r->lp_docs_capped + docs_capped;
            r->s.largest_bucket = largest;
            r->lsh_raw = r->lp_raw + (r->lsh_raw - raw0);
            r->s.lsh_new_docs = m;
            *path = PM_REUSE_LSH_INCREMENTAL;
        }
    }
    if (*path != PM_REUSE_LSH_INCREMENTAL) { /* the full pass starts from nothing */
        *nc = 0;
        r->lsh_raw = raw0;
        r->lsh_cut = 0;
        r->s.candidates_truncated = 0; /* (only the LSH side has run yet) */
    }
    free(bm);
    free(kb);
    free(nv);
    free(om);
    return st;
}

static pm_status anchors_get(const pm_reuse *r, uint32_t x, uint32_t a[ANCHOR_K], unsigned *na,
                             uint32_t *bp);

static int cmp_vdoc(const void *p, const void *q)
{
    uint32_t x = ((const vdoc *)p)->idx, y = ((const vdoc *)q)->idx;
    return x < y ? -1 : x > y;
}

static pm_status big_push(pm_reuse *r, uint64_t e)
{
    pm_status st = pm_array_reserve(&r->abig, &r->abig_cap, r->nabig + 1, sizeof *r->abig, 256,
                                    SIZE_MAX / sizeof *r->abig);
    if (st == PM_OK)
        r->abig[r->nabig++] = e;
    return st;
}

/* Reads the postings of chunks [c0, c1) into *v (grown), *n of them. */
static pm_status postings_read(const pm_reuse *r, size_t c0, size_t c1, uint64_t **v, size_t *cap,
                               size_t *n)
{
    pm_status st = PM_OK;
    *n = 0;
    for (size_t c = c0; c < c1 && st == PM_OK; c++)
        if ((st = pm_array_reserve(v, cap, *n + r->chunks[c].n, sizeof **v, 1024,
                                   SIZE_MAX / sizeof **v)) == PM_OK &&
            (st = spillf_read(&r->apost, *v + *n, r->chunks[c].n * sizeof **v, r->chunks[c].off)) == PM_OK)
            *n += r->chunks[c].n;
    return st;
}

/* The first index of sorted a[0..n) whose key (the high 32 bits; with whole 0, the value)
 * is >= k. */
static size_t lower_key(const uint64_t *a, size_t n, uint64_t k, int whole)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((whole ? a[mid] : a[mid] >> 32) < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static inline int cm_bp(const uint32_t *cm, uint32_t key, uint64_t bp)
{
    uint32_t sl[2];
    cm_at(key, sl);
    uint32_t x = cm[sl[0]], y = cm[sl[1]];
    return (x < y ? x : y) > bp;
}

/* A key set, open addressing over mask + 1 slots (more than twice the keys), UINT32_MAX
 * empty (no key takes it: NO_ANCHOR). */
static inline size_t ks_slot(uint32_t k, size_t mask)
{
    return (size_t)(((uint64_t)k * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

static void ks_put(uint32_t *ks, size_t mask, uint32_t k)
{
    size_t i = ks_slot(k, mask);
    while (ks[i] != UINT32_MAX && ks[i] != k)
        i = (i + 1) & mask;
    ks[i] = k;
}

/* a bit of a 2^KF_BITS filter in front of the key set (32 KB) */
#define KF_BITS 18
#define KF_BIT(k) ((uint32_t)(((uint64_t)(k) * 0x9E3779B97F4A7C15ull) >> (64 - KF_BITS)))

static inline int ks_has(const uint32_t *ks, size_t mask, uint32_t k)
{
    for (size_t i = ks_slot(k, mask);; i = (i + 1) & mask) {
        if (ks[i] == k)
            return 1;
        if (ks[i] == UINT32_MAX)
            return 0;
    }
}

/* Whether key k's boilerplate verdict differs between the two sketches, from its line's
 * masks (lm: last sketch's counters over the last cut, this one's over this cut << 16):
 * what cm_bp(cm_old, k, bpo) != cm_bp(cm, k, bpn) says, without touching the sketches. */
static inline int ln_flip(uint32_t lm, uint32_t k)
{
    uint32_t sl[2];
    cm_at(k, sl);
    uint32_t j0 = sl[0] & 15, j1 = sl[1] & 15;
    int bo = (lm >> j0 & 1) & (lm >> j1 & 1), bn = (lm >> (16 + j0) & 1) & (lm >> (16 + j1) & 1);
    return bo != bn;
}

/* The old size of key k's bucket when the last finish listed it over the cap (r->lpa_big)
 * and neither sketch makes it boilerplate: then it makes no pair before or after, and the
 * figures need only its size, so its old members are not looked for. 0 otherwise. */
static uint64_t big_only(const pm_reuse *r, uint32_t k, uint64_t bpo, uint64_t bpn)
{
    size_t at = lower_key(r->lpa_big, r->lpa_nbig, k, 0);
    if (at == r->lpa_nbig || r->lpa_big[at] >> 32 != k)
        return 0;
    uint64_t size = r->lpa_big[at] & UINT32_MAX;
    if (size >= UINT32_MAX || cm_bp(r->cm_old, k, bpo) || cm_bp(r->cm, k, bpn))
        return 0; /* (saturated: not known) */
    assert(size > ANCHOR_CAP(r));
    return size;
}

/* Whether the last finish listed key k's bucket over the cap (r->lpa_big, by key). */
static int big_has(const pm_reuse *r, uint32_t k)
{
    size_t at = lower_key(r->lpa_big, r->lpa_nbig, k, 0);
    return at < r->lpa_nbig && r->lpa_big[at] >> 32 == k;
}

/* r->lm and r->fl (once a finish): per sketch line, its counters over the last cut in the
 * last sketch and over this cut in this one; a key is boilerplate when both its counters
 * are, so its verdict flipped only in a line whose masks differ, which few lines do. */
static pm_status flip_masks(pm_reuse *r)
{
    if (r->lm)
        return PM_OK;
    assert(r->cm_old);
    const uint64_t bpo = r->lpa_bp, bpn = r->s.boilerplate_df;
    r->lm = malloc(((size_t)1 << CM_LINE_BITS) * sizeof *r->lm);
    r->fl = calloc(((size_t)1 << CM_LINE_BITS) / 64, sizeof *r->fl);
    if (!r->lm || !r->fl) {
        free(r->lm), free(r->fl);
        r->lm = NULL, r->fl = NULL;
        return PM_ERR_NOMEM;
    }
    for (size_t l = 0; l < ((size_t)1 << CM_LINE_BITS); l++) {
        uint32_t mo = 0, mnw = 0;
        for (size_t j = 0; j < 16; j++) {
            mo |= (uint32_t)(r->cm_old[l << 4 | j] > bpo) << j;
            mnw |= (uint32_t)(r->cm[l << 4 | j] > bpn) << j;
        }
        r->lm[l] = mo | mnw << 16;
        r->fl[l >> 6] |= (uint64_t)(mo != mnw) << (l & 63);
    }
    return PM_OK;
}

static inline int key_flipped(const pm_reuse *r, uint32_t k)
{
    uint32_t l = k >> 16;
    return (r->fl[l >> 6] >> (l & 63) & 1) && ln_flip(r->lm[l], k);
}

/* The anchor candidates of documents [0, n) from the last finish's (r->lpa_*), exact: a
 * pair's count of shared valid anchors (not boilerplate, bucket of at most ANCHOR_CAP)
 * changes only through a key whose validity changed (new members, or the boilerplate cut
 * moved across its document frequency) or a new document. One pass over the old postings
 * finds the members of those keys: the new documents' keys (a filter, then a key set; not
 * those whose bucket the last finish listed over the cap and that stay not boilerplate:
 * their size is in the list) and the keys whose boilerplate verdict differs between the
 * last sketch and this one (flip_masks: only lines whose masks differ are looked at). The
 * pairs in their buckets are counted again from the two documents' anchor records; a key of
 * theirs not touched is valid as the last finish saw it (not boilerplate, not listed over
 * the cap), so no second pass. Pairs never touched keep the last finish's verdict. The
 * figures move by what changed; *path says why when it falls back (the caller then reads
 * every posting as before). */
static pm_status anchors_incremental(pm_reuse *r, uint64_t **a, size_t *na, size_t *acap,
                                     uint64_t **tmp, size_t *tcap, size_t *count, unsigned bits,
                                     int *path)
{
    const size_t acapb = ANCHOR_CAP(r);
    const uint64_t bpn = r->s.boilerplate_df, bpo = r->lpa_bp;
    *path = PM_REUSE_LSH_FULL_LAST;
    if (!r->lpa_valid || !r->cm_old || r->lpa_nchunks > r->nchunks)
        return PM_OK;
    const size_t c0 = (size_t)r->lpa_nchunks;
    uint32_t *ks = NULL; /* the new keys, open addressing (UINT32_MAX: none) */
    uint64_t *kf = calloc(((size_t)1 << KF_BITS) / 64, sizeof *kf); /* ks's keys, filtered */
    size_t ksmask = 0;
    uint64_t *np = NULL, *nk = NULL, *ov = NULL, *m = NULL, *pp = NULL, *ki = NULL;
    uint64_t *pw = NULL, *pg = NULL;
    size_t pwn = 0, pwcap = 0, pgn = 0, pgcap = 0;
    size_t npn = 0, npcap = 0, nkn = 0, ovcap = 0, ovn = 0, mn = 0, mcap = 0, ppn = 0, ppcap = 0;
    size_t kin = 0, kicap = 0;
    pm_status st = kf ? PM_OK : PM_ERR_NOMEM;
    if (st == PM_OK)
        st = flip_masks(r);
    const uint32_t *lm = r->lm;
    const uint64_t *fl = r->fl;
    int64_t dcapped = 0, ddocs = 0, dxraw = 0;
    uint64_t largest = r->lpa_largest;
    int fail = 0, shrunk = 0;
    uint64_t sized = 0; /* new keys big_only sizes */
    size_t bi = 0; /* r->lpa_big copied into r->abig up to here */
    r->nabig = 0;
    /* the new documents' postings by key (documents ascending), their distinct keys */
    if (st == PM_OK)
        st = postings_read(r, c0, r->nchunks, &np, &npcap, &npn);
    if (st == PM_OK && npn > *tcap) {
        uint64_t *t2 = realloc(*tmp, npn * sizeof *t2);
        if (!t2)
            st = PM_ERR_NOMEM;
        else
            *tmp = t2, *tcap = npn;
    }
    if (st == PM_OK) {
        radix_sort(np, *tmp, npn, 32, 64, count);
        ksmask = 63;
        while (ksmask + 1 < 2 * npn)
            ksmask = ksmask * 2 + 1;
        if (!(nk = malloc((npn ? npn : 1) * sizeof *nk)) || !(ks = malloc((ksmask + 1) * sizeof *ks)))
            st = PM_ERR_NOMEM;
        else
            memset(ks, 0xff, (ksmask + 1) * sizeof *ks);
    }
    /* (a key that is boilerplate by both sketches makes no pair and counts in no figure:
     * its old members, often thousands, are not needed) */
    for (size_t i = 0; st == PM_OK && i < npn; i++) {
        uint64_t k = np[i] >> 32;
        if ((nkn && nk[nkn - 1] == k) || (i && np[i - 1] >> 32 == k))
            continue;
        if (cm_bp(r->cm_old, (uint32_t)k, bpo) && cm_bp(r->cm, (uint32_t)k, bpn))
            continue;
        nk[nkn++] = k;
        if (big_only(r, (uint32_t)k, bpo, bpn)) {
            sized++; /* (its old members are not needed either: its size is known) */
            continue;
        }
        ks_put(ks, ksmask, (uint32_t)k);
        uint32_t f = KF_BIT((uint32_t)k);
        kf[f >> 6] |= (uint64_t)1 << (f & 63);
    }
    /* pass 1 over the old postings: members of new keys and of keys that flipped */
    for (size_t c = 0; c < c0 && st == PM_OK; c++) {
        if ((st = postings_read(r, c, c + 1, &ov, &ovcap, &ovn)) != PM_OK)
            break;
        /* (the filters fit the first-level cache: most postings are decided there) */
        if ((st = pm_array_reserve(&m, &mcap, mn + ovn + 1, sizeof *m, 1024, SIZE_MAX / sizeof *m)) != PM_OK)
            break;
        for (size_t i = 0; i < ovn; i++) {
            uint32_t k = (uint32_t)(ov[i] >> 32), f = KF_BIT(k), l = k >> 16;
            int take = (kf[f >> 6] >> (f & 63) & 1) && ks_has(ks, ksmask, k);
            if (!take && (fl[l >> 6] >> (l & 63) & 1))
                take = ln_flip(lm[l], k);
            m[mn] = ov[i];
            mn += (size_t)take;
        }
    }
    if (st == PM_OK && mn > *tcap) {
        uint64_t *t2 = realloc(*tmp, mn * sizeof *t2);
        if (!t2)
            st = PM_ERR_NOMEM;
        else
            *tmp = t2, *tcap = mn;
    }
    if (st == PM_OK)
        radix_sort(m, *tmp, mn, 32, 64, count);
    /* the touched keys: old members m[i..j), new ones np[x..y) */
    for (size_t i = 0, x = 0; st == PM_OK && !fail && (i < mn || x < npn);) {
        uint64_t km = i < mn ? m[i] >> 32 : UINT64_MAX, kn = x < npn ? np[x] >> 32 : UINT64_MAX;
        uint32_t k = (uint32_t)(km < kn ? km : kn);
        size_t j = i, y = x;
        while (j < mn && (uint32_t)(m[j] >> 32) == k)
            j++;
        while (y < npn && (uint32_t)(np[y] >> 32) == k)
            y++;
        size_t so = j - i;
        const uint64_t big = so ? 0 : big_only(r, k, bpo, bpn); /* members not read */
        if (big)
            so = (size_t)big;
        size_t sn = so + (y - x);
        int bo = cm_bp(r->cm_old, k, bpo), bn = cm_bp(r->cm, k, bpn);
        int vo = !bo && so <= acapb, vn = !bn && sn <= acapb;
        int co = !bo && so > acapb, cn = !bn && sn > acapb;
        assert(!big || (!vo && !vn)); /* (so the loops below never index its members) */
        dcapped += cn - co;
        ddocs += (cn ? (int64_t)sn : 0) - (co ? (int64_t)so : 0);
        dxraw += (vn ? (int64_t)(sn * (sn - 1) / 2) : 0) - (vo ? (int64_t)(so * (so - 1) / 2) : 0);
        if (!bn && sn > largest)
            largest = sn;
        if (so && !bo && bn && so >= r->lpa_largest)
            shrunk = 1; /* the largest bucket may have been this one */
        if (co || cn) { /* the buckets over the cap, by key: the old entry goes, a new one comes */
            while (bi < r->lpa_nbig && r->lpa_big[bi] >> 32 < k && st == PM_OK)
                st = big_push(r, r->lpa_big[bi++]);
            if (bi < r->lpa_nbig && r->lpa_big[bi] >> 32 == k)
                bi++;
            if (cn && st == PM_OK)
                st = big_push(r, (uint64_t)k << 32 | (sn < UINT32_MAX ? sn : UINT32_MAX));
        }
        if ((st = pm_array_reserve(&ki, &kicap, kin + 1, sizeof *ki, 1024, SIZE_MAX / sizeof *ki)) != PM_OK)
            break;
        ki[kin++] = (uint64_t)k << 32 | (uint64_t)vn;
        /* Pairs with a new document: every anchor of a new document is a touched key, so
         * such a pair's count is the number of valid touched buckets that hold it (listed
         * once for each, counted like the full pass's bucket mates). Pairs of old documents
         * change only in a bucket whose validity changed: counted again below. */
        for (size_t e = so; vn && e < sn && st == PM_OK; e++) {
            uint32_t dy = (uint32_t)np[x + e - so];
            for (size_t f = 0; f < e && st == PM_OK; f++) {
                uint32_t dx = f < so ? (uint32_t)m[i + f] : (uint32_t)np[x + f - so];
                if ((st = pm_array_reserve(&pw, &pwcap, pwn + 1, sizeof *pw, 1024,
                                           SIZE_MAX / sizeof *pw)) == PM_OK)
                    pw[pwn++] = (uint64_t)dx << 32 | dy;
            }
        }
        for (size_t e = 1; vo != vn && e < so && st == PM_OK; e++)
            for (size_t f = 0; f < e && st == PM_OK; f++) {
                uint64_t **l = vo ? &pp : &pg; /* lost a valid key, or gained one */
                size_t *ln = vo ? &ppn : &pgn, *lc = vo ? &ppcap : &pgcap;
                if ((st = pm_array_reserve(l, lc, *ln + 1, sizeof **l, 1024,
                                           SIZE_MAX / sizeof **l)) == PM_OK)
                    (*l)[(*ln)++] = (uint64_t)(uint32_t)m[i + f] << 32 | (uint32_t)m[i + e];
            }
        i = j;
        x = y;
    }
    while (st == PM_OK && !fail && bi < r->lpa_nbig)
        st = big_push(r, r->lpa_big[bi++]);
    /* the largest bucket: the largest over the cap when there is one; else the last one's
     * unless a bucket that could have been it turned boilerplate (its successor is not
     * known) */
    if (st == PM_OK && !fail && r->nabig) {
        largest = 0;
        for (size_t i = 0; i < r->nabig; i++)
            if ((r->abig[i] & UINT32_MAX) > largest)
                largest = r->abig[i] & UINT32_MAX;
    } else if (st == PM_OK && !fail && (shrunk || r->lpa_nbig)) {
        fail = 1;
        *path = PM_REUSE_LSH_FULL_LARGEST;
    }
    /* (a pair sharing several touched keys is listed once per key) */
    if (st == PM_OK && !fail)
        st = sort_unique(pp, &ppn, tmp, tcap, count, 1, bits);
    if (st == PM_OK && !fail)
        st = sort_unique(pg, &pgn, tmp, tcap, count, 1, bits);
    /* Only two kinds of old pairs can change sides: a candidate that lost a valid key,
     * and a non-candidate (count 0 or 1) that gained one; the others keep their verdict */
    if (st == PM_OK && !fail) {
        size_t w = 0;
        for (size_t t = 0, o = 0; t < ppn; t++) { /* lost one: only candidates matter */
            while (o < r->lpa_nc && r->lpa_c[o] < pp[t])
                o++;
            if (o < r->lpa_nc && r->lpa_c[o] == pp[t])
                pp[w++] = pp[t];
        }
        ppn = w;
        st = pm_array_reserve(&pp, &ppcap, ppn + pgn + 1, sizeof *pp, 1024, SIZE_MAX / sizeof *pp);
        for (size_t t = 0, o = 0; t < pgn && st == PM_OK; t++) { /* gained: non-candidates */
            while (o < r->lpa_nc && r->lpa_c[o] < pg[t])
                o++;
            if (!(o < r->lpa_nc && r->lpa_c[o] == pg[t]))
                pp[ppn++] = pg[t];
        }
        if (st == PM_OK)
            st = sort_unique(pp, &ppn, tmp, tcap, count, 1, bits);
    }
    if (st == PM_OK && !fail) /* pairs with a new document: those in ANCHOR_MIN valid buckets */
        st = sort_unique(pw, &pwn, tmp, tcap, count, ANCHOR_MIN, bits);
    /* the affected pairs' shared anchors: a touched key's validity is in ki; a key not
     * touched has no new member and did not flip (bo == bn), so its bucket is what the last
     * finish saw: valid unless boilerplate or listed over the cap (r->lpa_big) */
    unsigned char *keep = st == PM_OK && !fail ? malloc(ppn ? ppn : 1) : NULL;
    if (st == PM_OK && !fail && !keep)
        st = PM_ERR_NOMEM;
    for (size_t t = 0; t < ppn && st == PM_OK && !fail; t++) {
        uint32_t x = (uint32_t)(pp[t] >> 32), y = (uint32_t)pp[t];
        uint32_t ax[ANCHOR_K], ay[ANCHOR_K], mx, my;
        unsigned nx, ny, shared = 0;
        if ((st = anchors_get(r, x, ax, &nx, &mx)) != PM_OK ||
            (st = anchors_get(r, y, ay, &ny, &my)) != PM_OK)
            break;
        for (unsigned u = 0, v = 0; u < nx && v < ny;) {
            if (ax[u] < ay[v]) {
                u++;
                continue;
            }
            if (ay[v] < ax[u]) {
                v++;
                continue;
            }
            uint32_t k = ax[u];
            size_t at = lower_key(ki, kin, k, 0);
            if (at < kin && ki[at] >> 32 == k)
                shared += (unsigned)(ki[at] & 1);
            else
                shared += !cm_bp(r->cm, k, bpn) && !big_has(r, k);
            u++, v++;
        }
        keep[t] = shared >= ANCHOR_MIN;
    }
    if (st == PM_OK && !fail &&
        (int64_t)r->lpa_xraw + dxraw >= (int64_t)(XPAIR_FACTOR * r->o.max_candidates)) {
        fail = 1; /* the full pass might have been cut */
        *path = PM_REUSE_LSH_FULL_LIMIT;
    }
    if (st == PM_OK && !fail) {
        /* the last finish's pairs that no touched key met, then those met and kept */
        if ((st = pm_array_reserve(a, acap, r->lpa_nc + ppn + pwn + 1, sizeof **a, 1024,
                                   SIZE_MAX / sizeof **a)) == PM_OK) {
            size_t w = 0, t = 0;
            for (size_t i = 0; i < r->lpa_nc || t < ppn;) {
                uint64_t po = i < r->lpa_nc ? r->lpa_c[i] : UINT64_MAX;
                uint64_t pn = t < ppn ? pp[t] : UINT64_MAX;
                if (po < pn) {
                    (*a)[w++] = po, i++;
                } else {
                    if (keep[t])
                        (*a)[w++] = pn;
                    t++;
                    i += po == pn;
                }
            }
            /* ... and the pairs with a new document (none of the last finish's), merged in
             * from the back */
            size_t u = w, t2 = pwn;
            w += pwn;
            for (size_t z = w; t2;) {
                if (u && (*a)[u - 1] > pw[t2 - 1])
                    (*a)[--z] = (*a)[--u];
                else
                    (*a)[--z] = pw[--t2];
            }
            *na = w;
            r->s.anchor_buckets_capped = (uint64_t)((int64_t)r->lpa_capped + dcapped);
            r->s.anchor_bucket_docs_capped = (uint64_t)((int64_t)r->lpa_docs_capped + ddocs);
            r->s.largest_anchor_bucket = largest;
            r->xraw = (uint64_t)((int64_t)r->lpa_xraw + dxraw);
            r->s.anchor_keys_sized = sized;
            *path = PM_REUSE_LSH_INCREMENTAL;
        }
    }
    free(ks), free(kf), free(np), free(nk), free(ov), free(m), free(pp), free(ki);
    free(pw), free(pg);
    free(keep);
    return st;
}

/* Candidate pairs, each list sorted and unique: lsh from the signature bands (similar
 * texts), anc from shared containment anchors (a short text inside a longer one: its
 * anchors are among the longer one's smallest). Anchors that are boilerplate are left out;
 * the anchor postings are sorted in key ranges, so memory stays near one range's worth. */
static pm_status candidates(pm_reuse *r, uint64_t **lsh, size_t *nlsh, uint64_t **anc,
                            size_t *nanc)
{
    *lsh = *anc = NULL;
    *nlsh = *nanc = 0;
    size_t n = r->n, cap = 1024, nc = 0, acap = 1024, na = 0, tcap = n ? n : 1;
    uint64_t *c = malloc(cap * sizeof *c), *a = malloc(acap * sizeof *a);
    uint64_t *v = malloc((n ? n : 1) * sizeof *v), *tmp = malloc(tcap * sizeof *tmp);
    size_t *count = malloc(65537 * sizeof *count);
    pm_status st = PM_OK;
    if (!c || !a || !v || !tmp || !count) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    if (r->o.exhaustive) {
        for (size_t x = 0; x < n && st == PM_OK; x++)
            for (size_t y = x + 1; y < n && st == PM_OK; y++)
                st = push_pair(r, &c, &nc, &cap, x, y);
        goto done;
    }
    unsigned bits = 1;
    while (bits < 32 && ((size_t)1 << bits) < n)
        bits++;
    const unsigned xshift = bits > APART_BITS ? bits - APART_BITS : 0; /* x's pair range */
    size_t nu = 0; /* pairs unique after the last deduplication */
    uint32_t *kb = malloc(BAND_BUF * sizeof *kb);
    if (!kb)
        st = PM_ERR_NOMEM;
    int path = r->lp_loaded ? PM_REUSE_LSH_FULL_LAST : PM_REUSE_LSH_FULL;
    if (st == PM_OK && r->lp_valid)
        st = lsh_incremental(r, &c, &nc, &cap, tmp, tcap, count, bits, &path);
    r->s.lsh_path = path;
    for (unsigned b = 0; b < PM_REUSE_BANDS && st == PM_OK && path != PM_REUSE_LSH_INCREMENTAL; b++) {
        /* band b's keys, run by run from the spill (a run holds up to BAND_BUF documents,
         * the runs cover the documents in order) */
        for (size_t q = 0; q < r->nruns && st == PM_OK; q++) {
            const brun *ru = &r->runs[q];
            size_t j = ru->first, m = ru->m;
            assert(j + m <= n && (q == 0 ? j == 0 : j == r->runs[q - 1].first + r->runs[q - 1].m));
            st = spillf_read(&r->bands, kb, m * sizeof *kb, ru->off + (uint64_t)b * m * sizeof *kb);
            for (size_t i = 0; i < m; i++)
                v[j + i] = (uint64_t)kb[i] << 32 | (j + i);
        }
        if (st != PM_OK)
            break;
        radix_sort(v, tmp, n, 32, 64, count); /* stable: documents ascending in a bucket */
        st = bucket_pairs(r, v, n, &c, &nc, &cap, r->o.bucket_cap, &r->s.buckets_capped,
                          &r->s.bucket_docs_capped, &r->s.largest_bucket, 1, 0);
        /* deduplicate when the list has doubled (bucket mates recur from band to band):
         * memory stays within twice the unique pairs, sorting work near-linear */
        if (st == PM_OK && (nc > 2 * nu + ((size_t)1 << 20) || b + 1 == PM_REUSE_BANDS)) {
            st = sort_unique(c, &nc, &tmp, &tcap, count, 1, bits);
            nu = nc;
        }
    }
    free(kb);
    int apath = r->lp_loaded ? PM_REUSE_LSH_FULL_LAST : PM_REUSE_LSH_FULL;
    if (st == PM_OK && r->lpa_valid)
        st = anchors_incremental(r, &a, &na, &acap, &tmp, &tcap, count, bits, &apath);
    r->s.anchor_path = apath;
    const int afull = apath != PM_REUSE_LSH_INCREMENTAL;
    if (afull)
        r->nabig = 0; /* (the full pass lists them again) */
    /* anchors: the postings of one key range at a time, read back from the spill in the
     * order written (documents ascending), boilerplate left out */
    uint64_t *pv = NULL;
    size_t pcap = 0;
    for (uint32_t part = 0; st == PM_OK && afull && part < APARTS; part++) {
        size_t np = 0;
        for (size_t c = 0; c < r->nchunks && st == PM_OK; c++) {
            const achunk *ch = &r->chunks[c];
            if (ch->part != part)
                continue;
            if ((st = pm_array_reserve(&pv, &pcap, np + ch->n, sizeof *pv, 1024,
                                       SIZE_MAX / sizeof *pv)) != PM_OK ||
                (st = spillf_read(&r->apost, pv + np, ch->n * sizeof *pv, ch->off)) != PM_OK)
                break;
            size_t w = np;
            for (uint32_t k = 0; k < ch->n; k++) {
                uint64_t e = pv[np + k];
                pv[w] = e;
                w += cm_df(r, (uint32_t)(e >> 32)) <= r->s.boilerplate_df;
            }
            np = w;
        }
        if (st != PM_OK)
            break;
        if (np > tcap) {
            uint64_t *t2 = realloc(tmp, np * sizeof *t2);
            if (!t2) {
                st = PM_ERR_NOMEM;
                break;
            }
            tmp = t2;
            tcap = np;
        }
        radix_sort(pv, tmp, np, 32, 64, count);
        st = bucket_pairs(r, pv, np, NULL, NULL, NULL, ANCHOR_CAP(r),
                          &r->s.anchor_buckets_capped, &r->s.anchor_bucket_docs_capped,
                          &r->s.largest_anchor_bucket, 0, xshift);
    }
    /* the pairs of anchor bucket mates, one range of x at a time: those met at least
     * ANCHOR_MIN times (in as many buckets) are candidates. Equal pairs share x, so each
     * range counts its own, and the ranges ascend in x: appended in turn, the list comes
     * out sorted as one sort of all the pairs would give it, while memory holds only a
     * range's worth of them (at 1M documents there are tens of millions) */
    for (uint32_t part = 0; st == PM_OK && afull && part < APARTS; part++)
        st = chunk_flush(r, &r->xpair, &r->xchunks, &r->nxchunks, &r->xchunks_cap, part);
    if (st == PM_OK && afull)
        st = spillf_flush(&r->xpair);
    for (uint32_t part = 0; st == PM_OK && afull && part < APARTS; part++) {
        size_t np = 0;
        if ((st = chunks_read(&r->xpair, r->xchunks, r->nxchunks, part, &pv, &pcap, &np)) != PM_OK ||
            (st = sort_unique(pv, &np, &tmp, &tcap, count, ANCHOR_MIN, bits)) != PM_OK ||
            (st = pm_array_reserve(&a, &acap, na + np, sizeof *a, 1024, SIZE_MAX / sizeof *a)) != PM_OK)
            break;
        if (np)
            memcpy(a + na, pv, np * sizeof *pv);
        na += np;
    }
    free(pv);
done:
    free(v);
    free(tmp);
    free(count);
    if (st != PM_OK) {
        free(c);
        free(a);
        return st;
    }
    *lsh = c;
    *nlsh = nc;
    *anc = a;
    *nanc = na;
    return PM_OK;
}

/* ---- verification ---------------------------------------------------------------------- */

/* A loaded document: code points, and its distinct non-boilerplate sampled keys with the
 * first position of each, sorted by key. */
typedef struct feat {
    uint32_t *cp;
    size_t ncp;
    uint64_t *kp;            /* 44-bit key << 20 | position (KP_KEY, KP_POS) */
    uint64_t *h, *tmp;       /* scratch: shingle hashes, sort buffer */
    unsigned char *mask;     /* scratch: boilerplate characters */
    size_t nk;
    uint32_t idx;            /* document; UINT32_MAX = none loaded */
} feat;

static void bp_note(pm_reuse *r, uint32_t key, uint32_t df, const uint32_t *cp)
{
    if (r->nbp == BP_EXAMPLES)
        return;
    for (size_t i = 0; i < r->nbp; i++)
        if (r->bp[i].key == key)
            return;
    bp_ex *e = &r->bp[r->nbp++];
    e->key = key;
    e->df = df;
    memcpy(e->cp, cp, sizeof e->cp);
}

static int cmp_u32(const void *p, const void *q)
{
    uint32_t x = *(const uint32_t *)p, y = *(const uint32_t *)q;
    return x < y ? -1 : x > y;
}

static int cmp_long(const void *p, const void *q)
{
    long x = *(const long *)p, y = *(const long *)q;
    return x < y ? -1 : x > y;
}

#define KP_KEY(v) ((v) >> 20)
#define KP_POS(v) ((uint32_t)((v) & 0xFFFFF))

/* Sorts a document's shingles (*v)[0..n) by their 44-bit keys, stably (positions
 * ascending within a key), into *tmp, then swaps the two buffers: one counting pass on
 * the keys' top 11 bits (hash bits, so about one shingle a bucket for a full text), then
 * an insertion sort over the bucketed array, which only moves a shingle within its own
 * bucket. About 10 instructions a shingle; four 11-bit LSD passes (a 16 KB count table
 * cleared and summed each) cost about ten times that. Texts far longer than the default
 * --reuse-max-chars (more than SORT_BUCKETED shingles, buckets of several) take the LSD
 * passes, which cost the same whatever the keys. */
#define SORT_BUCKETED 8192
static void sort_keys(uint64_t **v, uint64_t **tmp, size_t n)
{
    if (!n)
        return; /* (v may be NULL) */
    uint64_t *src = *v, *dst = *tmp;
    if (n > SORT_BUCKETED) {
        size_t c[2049];
        radix_digits(src, dst, n, 20, 64, 11, c);
        return;
    }
    uint32_t count[2049];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++)
        count[(src[i] >> 53) + 1]++;
    for (size_t k = 1; k <= 2048; k++)
        count[k] += count[k - 1];
    for (size_t i = 0; i < n; i++)
        dst[count[src[i] >> 53]++] = src[i];
    for (size_t i = 1; i < n; i++) {
        uint64_t x = dst[i];
        size_t j = i;
        while (j > 0 && KP_KEY(dst[j - 1]) > KP_KEY(x)) {
            dst[j] = dst[j - 1];
            j--;
        }
        dst[j] = x;
    }
    *v = dst;
    *tmp = src;
}

/* Loads document idx: its code points and its distinct shingles (all of them, 44-bit
 * keys) that are not boilerplate, each with its first position. Boilerplate is decided on
 * the sampled shingles, whose document frequency the sketch knows: the characters they
 * cover are masked (gaps of under 5 characters between masked runs too: a sampled
 * shingle falls every 4 positions on average), and a shingle lying wholly in masked text
 * does not count. f->mask and f->h are scratch of max_chars + 8. */
static pm_status load(pm_reuse *r, feat *f, uint32_t idx, char *tbuf)
{
    if (f->idx == idx)
        return PM_OK;
    const rdoc *d = &r->d[idx];
    if (pread(fileno(r->spill), tbuf, d->text_len, (off_t)d->spill_off) != (ssize_t)d->text_len)
        return r->ckdir ? PM_ERR_STATE : PM_ERR_IO; /* (a checkpoint's texts cut short) */
    if (r->ckdir && (uint32_t)pm_hash64(tbuf, d->text_len, CK_TEXT_SEED) != d->thash)
        return PM_ERR_STATE; /* a checkpointed text damaged since it was written */
    f->ncp = pm_reuse_decode(tbuf, d->text_len, f->cp, r->o.max_chars);
    f->nk = 0;
    size_t ns = f->ncp >= PM_REUSE_SHINGLE ? f->ncp - PM_REUSE_SHINGLE + 1 : 0;
    memset(f->mask, 0, f->ncp + 1);
    int any = 0;
    /* a refresh checkpoint's finish notes what decided this load (vc_doc_*) */
    int cap = r->vcap_on && r->vslot && !r->vslot[idx];
    size_t k0 = r->vc.nkeys, b0 = r->vc.nbp;
    pm_status st = PM_OK;
    for (size_t p = 0; p < ns && st == PM_OK; p++) {
        uint64_t h = pm_reuse_shingle(f->cp + p);
        f->h[p] = h;
        if (!PM_REUSE_SAMPLED(h))
            continue;
        uint32_t k = PM_REUSE_KEY(h);
        if (k == UINT32_MAX)
            k--;
        if (cap && (st = pm_array_reserve(&r->vc.keys, &r->vc.kcap, r->vc.nkeys + 1,
                                          sizeof *r->vc.keys, 4096, SIZE_MAX / 4)) == PM_OK)
            r->vc.keys[r->vc.nkeys++] = k;
        uint32_t df = cm_df(r, k);
        if (df > r->s.boilerplate_df) {
            bp_note(r, k, df, f->cp + p);
            memset(f->mask + p, 1, PM_REUSE_SHINGLE);
            any = 1;
            if (cap && (st = pm_array_reserve(&r->vc.bp, &r->vc.bpcap, r->vc.nbp + 1,
                                              sizeof *r->vc.bp, 256, SIZE_MAX / sizeof *r->vc.bp)) == PM_OK) {
                bp_ex *e = &r->vc.bp[r->vc.nbp++];
                e->key = k, e->df = 0;
                memcpy(e->cp, f->cp + p, sizeof e->cp);
            }
        }
    }
    if (st == PM_OK && cap) { /* the keys distinct, sorted */
        uint32_t *kk = r->vc.keys + k0;
        size_t nk = r->vc.nkeys - k0, u = 0;
        qsort(kk, nk, sizeof *kk, cmp_u32);
        for (size_t q = 0; q < nk; q++)
            if (!u || kk[u - 1] != kk[q])
                kk[u++] = kk[q];
        r->vc.nkeys = k0 + u;
        if ((st = pm_array_reserve(&r->vc.d, &r->vc.dcap, r->vc.nd + 1, sizeof *r->vc.d, 256,
                                   SIZE_MAX / sizeof *r->vc.d)) == PM_OK) {
            r->vc.d[r->vc.nd] = (vdoc){idx, (uint32_t)f->ncp, k0, b0, (uint32_t)u,
                                       (uint32_t)(r->vc.nbp - b0)};
            r->vslot[idx] = (uint32_t)++r->vc.nd;
        }
    }
    if (st != PM_OK)
        return st;
    if (any) { /* close gaps of 1-4 characters between masked runs */
        size_t last = SIZE_MAX; /* last masked character */
        for (size_t q = 0; q < f->ncp; q++) {
            if (!f->mask[q])
                continue;
            if (last != SIZE_MAX && q - last > 1 && q - last <= PM_REUSE_SHINGLE)
                memset(f->mask + last + 1, 1, q - last - 1);
            last = q;
        }
    }
    size_t run = 0; /* masked characters ending at the current one */
    for (size_t q = 0; q < f->ncp; q++) {
        run = f->mask[q] ? run + 1 : 0;
        if (q + 1 < PM_REUSE_SHINGLE)
            continue;
        size_t p = q + 1 - PM_REUSE_SHINGLE;
        if (run >= PM_REUSE_SHINGLE)
            continue; /* wholly in boilerplate */
        f->kp[f->nk++] = (f->h[p] >> 20) << 20 | p;
    }
    sort_keys(&f->kp, &f->tmp, f->nk); /* stable: positions ascending within a key */
    size_t u = 0; /* distinct keys, first position kept (sorted: smallest position first) */
    for (size_t i = 0; i < f->nk; i++)
        if (!u || KP_KEY(f->kp[i]) != KP_KEY(f->kp[u - 1]))
            f->kp[u++] = f->kp[i];
    f->nk = u;
    f->idx = idx;
    return PM_OK;
}

/* Smith-Waterman with linear gaps over a[0..na) x b[0..nb), restricted to the diagonal
 * band j - i in [dlo, dhi] (the band the shared shingles lie on, widened): the best local
 * score, its matches and the spans it covers. Per cell: score, start point, matches. */
typedef struct swres {
    int score;
    uint32_t a0, a1, b0, b1, matches;
} swres;

typedef struct swcell {
    int h;
    uint32_t s, t, m;
} swcell;

static pm_status smith_waterman(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                                long dlo, long dhi, swres *res)
{
    memset(res, 0, sizeof *res);
    size_t w = nb + 1;
    swcell *rows = calloc(2 * w, sizeof *rows);
    if (!rows)
        return PM_ERR_NOMEM;
    for (size_t i = 1; i <= na; i++) {
        swcell *p = rows + ((i - 1) & 1) * w, *c = rows + (i & 1) * w;
        long jlo = (long)i + dlo, jhi = (long)i + dhi;
        if (jlo < 1)
            jlo = 1;
        if (jhi > (long)nb)
            jhi = (long)nb;
        if (jlo > (long)nb) /* the band has left the matrix */
            break;
        if (jhi < 1) /* not yet in it: both rows are still all zero */
            continue;
        /* Row c ends up valid on [jlo-1, jhi] with c[jhi+1] = 0, so the next row, whose
         * band is one to the right, reads only valid or zero cells. */
        c[jlo - 1] = (swcell){0, 0, 0, 0};
        if (jhi + 1 <= (long)nb)
            c[jhi + 1] = (swcell){0, 0, 0, 0};
        uint32_t ai = a[i - 1];
        for (long j = jlo; j <= jhi; j++) {
            int match = ai == b[j - 1];
            const swcell *dg = &p[j - 1], *up = &p[j], *lf = &c[j - 1];
            int vd = dg->h + (match ? 3 : -2), vu = up->h - 3, vl = lf->h - 3;
            swcell x = {0, 0, 0, 0};
            if (vd > 0) {
                x.h = vd;
                if (dg->h > 0)
                    x.s = dg->s, x.t = dg->t, x.m = dg->m + (uint32_t)match;
                else
                    x.s = (uint32_t)(i - 1), x.t = (uint32_t)(j - 1), x.m = (uint32_t)match;
            }
            if (vu > x.h)
                x.h = vu, x.s = up->s, x.t = up->t, x.m = up->m;
            if (vl > x.h)
                x.h = vl, x.s = lf->s, x.t = lf->t, x.m = lf->m;
            c[j] = x;
            if (x.h > res->score) {
                res->score = x.h;
                res->a0 = x.s, res->b0 = x.t, res->a1 = (uint32_t)i, res->b1 = (uint32_t)j;
                res->matches = x.m;
            }
        }
    }
    free(rows);
    return PM_OK;
}

/* Document order: (date, doc_id), unknown dates last. */
static int doc_before(const pm_reuse *r, uint32_t x, uint32_t y)
{
    const rdoc *a = &r->d[x], *b = &r->d[y];
    int32_t da = a->date ? a->date : INT32_MAX, db = b->date ? b->date : INT32_MAX;
    if (da != db)
        return da < db;
    size_t l = a->id_len < b->id_len ? a->id_len : b->id_len;
    int c = memcmp(r->ids.data + a->id_off, r->ids.data + b->id_off, l);
    if (c)
        return c < 0;
    return a->id_len < b->id_len;
}


/* The first test verify makes, on two sorted key lists. */
static int screen(const pm_reuse *r, const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, k = 0, shared = 0;
    while (i < na && k < nb) {
        uint64_t x = KP_KEY(a[i]), y = KP_KEY(b[k]);
        if (x < y)
            i++;
        else if (y < x)
            k++;
        else
            shared++, i++, k++;
    }
    if (shared < MIN_SHARED || !na || !nb)
        return 0;
    double cx = (double)shared / (double)na, cy = (double)shared / (double)nb;
    return (cx > cy ? cx : cy) >= r->o.threshold;
}

static pm_status verify(pm_reuse *r, feat *fx, feat *fy, pair *out, int *keep)
{
    *keep = 0;
    /* shared keys by merging the two sorted lists */
    size_t i = 0, k = 0, shared = 0;
    uint32_t xa = UINT32_MAX, xb = 0, ya = UINT32_MAX, yb = 0;
    long *diag = r->diag;
    while (i < fx->nk && k < fy->nk) {
        uint64_t a = KP_KEY(fx->kp[i]), b = KP_KEY(fy->kp[k]);
        if (a < b) {
            i++;
        } else if (b < a) {
            k++;
        } else {
            uint32_t pa = KP_POS(fx->kp[i]), pb = KP_POS(fy->kp[k]);
            diag[shared++] = (long)pb - (long)pa;
            xa = pa < xa ? pa : xa, xb = pa > xb ? pa : xb;
            ya = pb < ya ? pb : ya, yb = pb > yb ? pb : yb;
            i++, k++;
        }
    }
    if (shared < MIN_SHARED || !fx->nk || !fy->nk)
        return PM_OK;
    double cx = (double)shared / (double)fx->nk, cy = (double)shared / (double)fy->nk;
    if ((cx > cy ? cx : cy) < r->o.threshold)
        return PM_OK;
    /* align the windows that hold the shared shingles */
    size_t x0 = xa > SW_PAD ? xa - SW_PAD : 0, x1 = xb + PM_REUSE_SHINGLE + SW_PAD;
    size_t y0 = ya > SW_PAD ? ya - SW_PAD : 0, y1 = yb + PM_REUSE_SHINGLE + SW_PAD;
    if (x1 > fx->ncp)
        x1 = fx->ncp;
    if (y1 > fy->ncp)
        y1 = fy->ncp;
    /* the band: diagonals of the shared shingles, central 96%, widened by SW_PAD (a
     * stray coincidental match must not widen it to the whole matrix) */
    qsort(diag, shared, sizeof *diag, cmp_long);
    long dlo = diag[shared / 50], dhi = diag[shared - 1 - shared / 50];
    dlo += (long)x0 - (long)y0 - SW_PAD; /* into window coordinates: j - i */
    dhi += (long)x0 - (long)y0 + SW_PAD;
    swres sw;
    pm_status st = smith_waterman(fx->cp + x0, x1 - x0, fy->cp + y0, y1 - y0, dlo, dhi, &sw);
    if (st != PM_OK)
        return st;
    /* shared shingles scattered over two texts (formulaic articles, a common header) are
     * not a copy: the best local alignment must cover a share of the shorter text */
    size_t shorter = fx->ncp < fy->ncp ? fx->ncp : fy->ncp;
    if ((double)sw.matches < PM_REUSE_ALIGN_SHARE * (double)shorter ||
        sw.matches < (shorter < PM_REUSE_MIN_ALIGNED ? shorter : PM_REUSE_MIN_ALIGNED))
        return PM_OK; /* (a text under 100 characters must align whole) */
    int x_first = doc_before(r, fx->idx, fy->idx);
    const feat *fa = x_first ? fx : fy;
    out->a = x_first ? fx->idx : fy->idx;
    out->b = x_first ? fy->idx : fx->idx;
    out->j = (double)shared / (double)(fx->nk + fy->nk - shared);
    out->ca = x_first ? cx : cy;
    out->cb = x_first ? cy : cx;
    out->aligned = sw.matches;
    out->ncp_a = (uint32_t)(x_first ? fx->ncp : fy->ncp);
    out->ncp_b = (uint32_t)(x_first ? fy->ncp : fx->ncp);
    uint32_t sa = sw.a1 - sw.a0, sb = sw.b1 - sw.b0;
    out->span_a = x_first ? sa : sb;
    out->span_b = x_first ? sb : sa;
    size_t from = x_first ? x0 + sw.a0 : y0 + sw.b0;
    size_t span = x_first ? sa : sb;
    out->nex = (unsigned)(span < EXCERPT_CHARS ? span : EXCERPT_CHARS);
    memcpy(out->ex, fa->cp + from, out->nex * sizeof *out->ex);
    *keep = 1;
    return PM_OK;
}

/* ---- the last finish's verdicts (refresh checkpoint) -----------------------------------
 * A pair's verdict depends only on its two loads, and a load only on the text (which does
 * not change) and on which of its sampled shingles are boilerplate. So a pair the last
 * finish verified keeps its verdict when every sampled key of both documents has the same
 * boilerplate verdict under this sketch and cut as under the last; what those loads noted
 * for reuse_boilerplate.tsv is noted again in the same order (with today's frequencies). */

static pm_status vc_doc_copy(pm_reuse *r, size_t di)
{
    const vdoc *d = &r->pv.d[di];
    if (r->vslot[d->idx])
        return PM_OK;
    pm_status st = pm_array_reserve(&r->vc.d, &r->vc.dcap, r->vc.nd + 1, sizeof *r->vc.d, 256,
                                    SIZE_MAX / sizeof *r->vc.d);
    if (st == PM_OK)
        st = pm_array_reserve(&r->vc.keys, &r->vc.kcap, r->vc.nkeys + d->nkeys + 1,
                              sizeof *r->vc.keys, 4096, SIZE_MAX / 4);
    if (st == PM_OK)
        st = pm_array_reserve(&r->vc.bp, &r->vc.bpcap, r->vc.nbp + d->nbp + 1, sizeof *r->vc.bp,
                              256, SIZE_MAX / sizeof *r->vc.bp);
    if (st != PM_OK)
        return st;
    memcpy(r->vc.keys + r->vc.nkeys, r->pv.keys + d->key_off, d->nkeys * sizeof *r->vc.keys);
    memcpy(r->vc.bp + r->vc.nbp, r->pv.bp + d->bp_off, d->nbp * sizeof *r->vc.bp);
    r->vc.d[r->vc.nd] = (vdoc){d->idx, d->ncp, r->vc.nkeys, r->vc.nbp, d->nkeys, d->nbp};
    r->vc.nkeys += d->nkeys;
    r->vc.nbp += d->nbp;
    r->vslot[d->idx] = (uint32_t)++r->vc.nd;
    return PM_OK;
}

/* This finish's verdict on xy (rec: its record when kept, else NULL). */
static pm_status vc_pair(pm_reuse *r, uint64_t xy, const pair *rec)
{
    pm_status st = pm_array_reserve(&r->vc.p, &r->vc.pcap, r->vc.np + 1, sizeof *r->vc.p, 256,
                                    SIZE_MAX / sizeof *r->vc.p);
    if (st == PM_OK && rec)
        st = pm_array_reserve(&r->vc.rec, &r->vc.reccap, r->vc.nrec + 1, sizeof *r->vc.rec, 64,
                              SIZE_MAX / sizeof *r->vc.rec);
    if (st != PM_OK)
        return st;
    r->vc.p[r->vc.np++] = (vpair){xy, rec ? r->vc.nrec : UINT64_MAX};
    if (rec)
        r->vc.rec[r->vc.nrec++] = *rec;
    return PM_OK;
}

/* The last finish's document idx (its verdict documents are sorted by idx), or SIZE_MAX. */
static size_t pv_doc(const pm_reuse *r, uint32_t idx)
{
    size_t lo = 0, hi = r->pv.nd;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->pv.d[mid].idx < idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->pv.nd && r->pv.d[lo].idx == idx ? lo : SIZE_MAX;
}

/* 1 when document di's load comes out as in the last finish. */
static int pv_clean(pm_reuse *r, size_t di)
{
    if (r->pclean[di] >= 0)
        return r->pclean[di];
    const vdoc *d = &r->pv.d[di];
    const uint32_t *k = r->pv.keys + d->key_off;
    int clean = 1;
    if (flip_masks(r) != PM_OK) { /* (no memory for the masks: the sketches, as before) */
        for (uint32_t i = 0; i < d->nkeys && clean; i++)
            clean = cm_bp(r->cm_old, k[i], r->lpa_bp) == cm_bp(r->cm, k[i], r->s.boilerplate_df);
    } else {
        for (uint32_t i = 0; i < d->nkeys && clean; i++)
            clean = !key_flipped(r, k[i]);
    }
    r->pclean[di] = (signed char)clean;
    return clean;
}

static pm_status verdict_reuse(pm_reuse *r, uint64_t xy, pair *out, int *keep, int *reused)
{
    *keep = *reused = 0;
    size_t lo = 0, hi = r->pv.np;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->pv.p[mid].xy < xy)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == r->pv.np || r->pv.p[lo].xy != xy)
        return PM_OK; /* not verified last time */
    size_t dx = pv_doc(r, (uint32_t)(xy >> 32)), dy = pv_doc(r, (uint32_t)xy);
    if (dx == SIZE_MAX || dy == SIZE_MAX || !pv_clean(r, dx) || !pv_clean(r, dy))
        return PM_OK;
    size_t ds[2] = {dx, dy};
    for (int k = 0; k < 2; k++) { /* the loads' notes, x's then y's, as loading them would */
        const vdoc *d = &r->pv.d[ds[k]];
        for (uint32_t i = 0; i < d->nbp; i++) {
            const bp_ex *e = &r->pv.bp[d->bp_off + i];
            bp_note(r, e->key, cm_df(r, e->key), e->cp);
        }
    }
    pm_status st = vc_doc_copy(r, dx);
    if (st == PM_OK)
        st = vc_doc_copy(r, dy);
    if (st != PM_OK)
        return st;
    if (r->pv.p[lo].rec != UINT64_MAX) {
        *out = r->pv.rec[r->pv.p[lo].rec];
        *keep = 1;
    }
    *reused = 1;
    r->s.verdicts_reused++;
    return vc_pair(r, xy, *keep ? out : NULL);
}

/* The containment screen of a pair sharing anchors. A document keeps its ANCHOR_K smallest
 * anchors, so below the smaller of the two lists' last keys (when full) both lists are
 * complete samples of the same key range: there the shares of each side's anchors that
 * the other has estimate the two containments (boilerplate anchors left out). The pair is
 * verified when one estimate reaches half the threshold (a few anchors are a noisy
 * estimate; verification decides). */
/* Document x's anchors from the spill: how many, and which are boilerplate (bit k). */
static pm_status anchors_get(const pm_reuse *r, uint32_t x, uint32_t a[ANCHOR_K], unsigned *na,
                             uint32_t *bp)
{
    pm_status st = spillf_read(&r->adoc, a, ANCHOR_K * sizeof *a, (uint64_t)x * ANCHOR_K * sizeof *a);
    *na = 0;
    *bp = 0;
    if (st != PM_OK)
        return st;
    while (*na < ANCHOR_K && a[*na] != NO_ANCHOR) {
        *bp |= (uint32_t)(cm_df(r, a[*na]) > r->s.boilerplate_df) << *na;
        ++*na;
    }
    return PM_OK;
}

static pm_status anchor_screen(const pm_reuse *r, uint32_t x, uint32_t y, int *pass)
{
    uint32_t a[ANCHOR_K], b[ANCHOR_K], ma, mb;
    unsigned na, nb;
    pm_status st = anchors_get(r, x, a, &na, &ma);
    if (st == PM_OK)
        st = anchors_get(r, y, b, &nb, &mb);
    *pass = 0;
    if (st != PM_OK)
        return st;
    uint32_t ta = na == ANCHOR_K ? a[na - 1] : UINT32_MAX;
    uint32_t tb = nb == ANCHOR_K ? b[nb - 1] : UINT32_MAX;
    uint32_t tau = ta < tb ? ta : tb;
    unsigned i = 0, k = 0, cx = 0, cy = 0, shared = 0;
    while ((i < na && a[i] <= tau) || (k < nb && b[k] <= tau)) {
        int ia = i < na && a[i] <= tau, ib = k < nb && b[k] <= tau;
        if (ia && ib && a[i] == b[k]) {
            int bp = (ma >> i & 1) | (mb >> k & 1);
            cx += !bp, cy += !bp, shared += !bp;
            i++, k++;
        } else if (ia && (!ib || a[i] < b[k])) {
            cx += !(ma >> i & 1);
            i++;
        } else {
            cy += !(mb >> k & 1);
            k++;
        }
    }
    if (shared < ANCHOR_MIN)
        return PM_OK;
    double ex = (double)shared / (double)cx, ey = (double)shared / (double)cy;
    *pass = (ex > ey ? ex : ey) >= 0.5 * r->o.threshold;
    return PM_OK;
}

static int cmp_pair(const void *p, const void *q, void *ud)
{
    const pm_reuse *r = ud;
    const pair *x = p, *y = q;
    if (x->a != y->a)
        return doc_before(r, x->a, y->a) ? -1 : 1;
    if (x->b != y->b)
        return doc_before(r, x->b, y->b) ? -1 : 1;
    return 0;
}

static int cmp_edge(const void *p, const void *q, void *ud)
{
    const pm_reuse *r = ud;
    const pair *x = p, *y = q;
    uint32_t ox = r->d[x->a].region, oy = r->d[y->a].region;
    uint32_t dx = r->d[x->b].region, dy = r->d[y->b].region;
    if (ox != oy)
        return ox < oy ? -1 : 1;
    if (dx != dy)
        return dx < dy ? -1 : 1;
    return cmp_pair(p, q, ud);
}

static int cmp_bp(const void *p, const void *q)
{
    const bp_ex *x = p, *y = q;
    if (x->df != y->df)
        return x->df > y->df ? -1 : 1;
    return memcmp(x->cp, y->cp, sizeof x->cp);
}

static pm_status put_cps(pm_buf *b, const uint32_t *cp, size_t n)
{
    char tmp[4 * (EXCERPT_CHARS + PM_REUSE_SHINGLE) + 4];
    size_t o = 0;
    for (size_t i = 0; i < n && i < EXCERPT_CHARS + PM_REUSE_SHINGLE; i++) {
        o += pm_utf8_encode(cp[i], tmp + o);
    }
    return pm_tsv_field(b, tmp, o, 0);
}

void pm_reuse_set_country(pm_reuse *r, const pm_country *c)
{
    r->country = c;
}

static void put_date(pm_buf *b, int32_t d, pm_status *st)
{
    char buf[PM_YMD_BUF];
    if (*st == PM_OK && d)
        *st = pm_buf_append_str(b, pm_ymd_format(d, PM_YMD_YEAR, buf, sizeof buf));
}

/* a known region's code at the pack's width; "" for an unknown one */
static void put_code(const pm_reuse *r, pm_buf *b, uint32_t c, pm_status *st)
{
    char buf[PM_COUNTRY_CODE_BUF];
    if (*st == PM_OK && c != UINT32_MAX)
        *st = pm_buf_append_str(b, r->country ? pm_country_format_code(r->country, c, buf, sizeof buf)
                                              : (snprintf(buf, sizeof buf, "%u", (unsigned)c), buf));
}

static const char *level_key(const pm_reuse *r, unsigned level)
{
    return r->country ? pm_country_record_level_key(r->country, level) : "";
}

/* ---- refresh checkpoint --------------------------------------------------------------
 * With a checkpoint directory the four spills a later run needs (texts, band keys, anchor
 * records, anchor postings) are named files of one generation, GEN.texts, GEN.bands,
 * GEN.adoc, GEN.apost, appended to and never rewritten; finish adds GEN.SEQ.meta: the
 * in-memory state (documents, ids, 8-bit signatures, the sketch, the spills' lengths,
 * band runs and posting chunks). A refresh that starts from the checkpoint loads the meta,
 * verifies it and the band, anchor and posting spills against their digests, cuts the
 * spills back to the lengths the meta names (a killed run may have appended more) and
 * appends its own documents: its finish sees every document as a clean run's would. The
 * texts are the bulk (4 KB a document) and a finish reads few of them, so each carries a
 * check hash of its own, tested when it is read. Files of other generations and metas
 * older than the last go when a finish has written its own. */

static void ck_path(const pm_reuse *r, char *out, size_t n, const char *gen, const char *ext)
{
    snprintf(out, n, "%s/%s.%s", r->ckdir, gen, ext);
}

static const char *const CK_EXT[4] = {"texts", "bands", "adoc", "apost"};

static spillf *ck_spill(pm_reuse *r, int k)
{
    return k == 1 ? &r->bands : k == 2 ? &r->adoc : &r->apost;
}

/* Opens the four files of generation gen: created empty (len NULL), or existing and cut to
 * len[k] bytes, the band, anchor and posting spills verified against hash[k] on the way
 * (their digests then go on from there). The temporary spills, still empty, are closed. */
static pm_status ck_attach(pm_reuse *r, const char *gen, const uint64_t *len, const uint64_t *hash)
{
    int fd[4] = {-1, -1, -1, -1};
    pm_status st = PM_OK;
    char path[4200];
    char *buf = NULL;
    for (int k = 0; k < 4 && st == PM_OK; k++) {
        ck_path(r, path, sizeof path, gen, CK_EXT[k]);
        fd[k] = open(path, len ? O_RDWR | O_CLOEXEC : O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        struct stat sb;
        if (fd[k] < 0)
            st = len ? PM_ERR_STATE : PM_ERR_OUTPUT;
        else if (len && (fstat(fd[k], &sb) != 0 || (uint64_t)sb.st_size < len[k]))
            st = PM_ERR_STATE;
    }
    pm_hash64_ctx h[4];
    for (int k = 1; k < 4 && st == PM_OK; k++) {
        pm_hash64_init(&h[k], CK_SPILL_SEED);
        if (!len)
            continue;
        if (!buf && !(buf = malloc((size_t)1 << 20))) {
            st = PM_ERR_NOMEM;
            break;
        }
        for (uint64_t off = 0; off < len[k] && st == PM_OK;) {
            size_t m = len[k] - off < ((uint64_t)1 << 20) ? (size_t)(len[k] - off) : (size_t)1 << 20;
            spillf tmp = {fd[k], NULL, 0, 0, 0, 0, {{0}, 0, {0}, 0, 0}, NULL, 0};
            if ((st = spillf_read(&tmp, buf, m, off)) != PM_OK)
                st = PM_ERR_STATE;
            else
                pm_hash64_update(&h[k], buf, m);
            off += m;
        }
        if (st == PM_OK && pm_hash64_final(&h[k]) != hash[k])
            st = PM_ERR_STATE;
    }
    free(buf);
    for (int k = 0; k < 4 && st == PM_OK && len; k++)
        if (ftruncate(fd[k], (off_t)len[k]) != 0 || lseek(fd[k], 0, SEEK_END) < 0)
            st = PM_ERR_STATE;
    FILE *f = NULL;
    if (st == PM_OK && !(f = fdopen(fd[0], "r+b")))
        st = PM_ERR_NOMEM;
    if (st == PM_OK && fseeko(f, 0, SEEK_END) != 0)
        st = PM_ERR_STATE;
    if (st != PM_OK) {
        if (f)
            fclose(f);
        for (int k = f ? 1 : 0; k < 4; k++)
            if (fd[k] >= 0)
                close(fd[k]);
        return st;
    }
    /* the temporary spills are empty: nothing was added yet (texts) or written (spillf) */
    if (r->spill)
        fclose(r->spill);
    r->spill = f;
    if (r->spill_buf)
        setvbuf(r->spill, r->spill_buf, _IOFBF, SPILL_BUF);
    r->spill_len = len ? len[0] : 0;
    for (int k = 1; k < 4; k++) {
        spillf *s = ck_spill(r, k);
        assert(s->off == 0 && s->len == 0);
        if (s->fd >= 0)
            close(s->fd);
        s->fd = fd[k];
        s->off = len ? len[k] : 0;
        s->hashed = 1;
        s->h = h[k];
    }
    snprintf(r->ckgen, sizeof r->ckgen, "%s", gen);
    r->ck_open = 1;
    return PM_OK;
}

/* A new generation for a run that does not go on from a checkpoint. */
static pm_status ck_create(pm_reuse *r)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed[3] = {(uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec, (uint64_t)getpid()};
    char gen[24];
    snprintf(gen, sizeof gen, "%016llx", (unsigned long long)pm_hash64(seed, sizeof seed, 0x67656eull));
    r->seq = 0;
    return ck_attach(r, gen, NULL, NULL);
}

pm_status pm_reuse_checkpoint(pm_reuse *r, const char *dir, pm_errctx *err)
{
    if (r->n || r->s.docs_short || r->ckdir)
        return PM_ERR_ARG;
    size_t l = strlen(dir);
    if (!(r->ckdir = malloc(l + 8)))
        return PM_ERR_NOMEM;
    snprintf(r->ckdir, l + 8, "%s/reuse", dir);
    if (pm_outfile_mkdirs(r->ckdir) != 0) {
        pm_errctx_set(err, PM_ERR_OUTPUT, r->ckdir, "cannot create: %s", strerror(errno));
        free(r->ckdir);
        r->ckdir = NULL;
        return PM_ERR_OUTPUT;
    }
    return PM_OK;
}

typedef struct ck_head {
    char magic[8];
    uint64_t version, optlen, n, docs_short, nruns, nchunks, ids_len;
    uint64_t len[4], hash[4]; /* texts, bands, adoc, apost (hash[0] unused) */
    /* the LSH side of this finish (r->lp_* when loaded): candidates at the end */
    uint64_t lsh_valid, lsh_raw, lsh_screened, lsh_capped, lsh_docs_capped, lsh_largest, lsh_nc;
    /* its anchor side (r->lpa_*): the anchor candidates after the LSH ones */
    uint64_t anc_valid, anc_bp, anc_xraw, anc_capped, anc_docs_capped, anc_largest, anc_nc;
    uint64_t anc_nbig; /* and its buckets over the cap */
    /* its verdicts (vset): documents, their keys and boilerplate notes, pairs, records */
    uint64_t v_valid, v_nd, v_nkeys, v_nbp, v_np, v_nrec;
} ck_head;

/* Writes GEN.SEQ.meta (after the spills are flushed) and removes what no checkpoint can
 * use any more: other generations' files, metas before the last. */
static pm_status ck_write_meta(pm_reuse *r, pm_errctx *err, const uint64_t *cand, size_t ncand,
                               const uint64_t *anc, size_t nanc)
{
    pm_status st = PM_OK;
    if (!r->ck_open && (st = ck_create(r)) != PM_OK)
        return st;
    char opts[512], name[64];
    pm_reuse_options_describe(&r->o, opts, sizeof opts);
    ck_head h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, "PMREUSE", 8);
    h.version = CK_VERSION;
    h.optlen = strlen(opts);
    h.n = r->n;
    h.docs_short = r->s.docs_short;
    h.nruns = r->nruns;
    h.nchunks = r->nchunks;
    h.ids_len = r->ids.len;
    h.len[0] = r->spill_len;
    for (int k = 1; k < 4; k++) {
        h.len[k] = ck_spill(r, k)->off;
        h.hash[k] = pm_hash64_final(&ck_spill(r, k)->h);
    }
    h.lsh_valid = !r->o.exhaustive && !r->lsh_cut;
    h.lsh_raw = r->lsh_raw;
    h.lsh_screened = r->s.candidates_screened;
    h.lsh_capped = r->s.buckets_capped;
    h.lsh_docs_capped = r->s.bucket_docs_capped;
    h.lsh_largest = r->s.largest_bucket;
    h.lsh_nc = h.lsh_valid ? ncand : 0;
    h.anc_valid = !r->o.exhaustive && !r->xcut;
    h.anc_bp = r->s.boilerplate_df;
    h.anc_xraw = r->xraw;
    h.anc_capped = r->s.anchor_buckets_capped;
    h.anc_docs_capped = r->s.anchor_bucket_docs_capped;
    h.anc_largest = r->s.largest_anchor_bucket;
    h.anc_nc = h.anc_valid ? nanc : 0;
    h.anc_nbig = h.anc_valid ? r->nabig : 0;
    h.v_valid = r->vslot != NULL;
    if (h.v_valid) { /* documents by index, for the look-ups */
        qsort(r->vc.d, r->vc.nd, sizeof *r->vc.d, cmp_vdoc);
        h.v_nd = r->vc.nd, h.v_nkeys = r->vc.nkeys, h.v_nbp = r->vc.nbp;
        h.v_np = r->vc.np, h.v_nrec = r->vc.nrec;
    }
    snprintf(name, sizeof name, "%s.%llu.meta", r->ckgen, (unsigned long long)r->seq);
    pm_outfile *f = NULL;
    st = pm_outfile_open(&f, r->ckdir, name, err);
    if (st == PM_OK)
        pm_outfile_track(f);
    const void *part[] = {&h,    opts,  r->runs, r->chunks, r->ids.data, r->d, r->sig8, r->cm,
                          cand, anc, r->abig, r->vc.d, r->vc.keys, r->vc.bp, r->vc.p, r->vc.rec};
    size_t plen[] = {sizeof h, h.optlen, r->nruns * sizeof *r->runs, r->nchunks * sizeof *r->chunks,
                     r->ids.len, r->n * sizeof *r->d, r->n * PM_REUSE_K, CM_SIZE * sizeof *r->cm,
                     h.lsh_nc * sizeof *cand, h.anc_nc * sizeof *anc, h.anc_nbig * 8,
                     h.v_nd * sizeof(vdoc), h.v_nkeys * 4, h.v_nbp * sizeof(bp_ex),
                     h.v_np * sizeof(vpair), h.v_nrec * sizeof(pair)};
    for (size_t i = 0; st == PM_OK && i < sizeof plen / sizeof *plen; i++)
        if (plen[i])
            st = pm_outfile_write(f, part[i], plen[i], err);
    if (st == PM_OK) {
        pm_outfile_digest(f, &r->ck_meta_len, &r->ck_meta_hash);
        st = pm_outfile_commit_take(&f, err);
    }
    pm_outfile_abort(f);
    if (st != PM_OK) {
        r->ck_meta_len = 0;
        return st;
    }
    DIR *dd = opendir(r->ckdir);
    struct dirent *de;
    size_t gl = strlen(r->ckgen);
    char keep[2][64];
    snprintf(keep[0], sizeof keep[0], "%s", name);
    snprintf(keep[1], sizeof keep[1], "%s.%llu.meta", r->ckgen, (unsigned long long)(r->seq - 1));
    while (dd && (de = readdir(dd))) {
        const char *nm = de->d_name;
        size_t l = strlen(nm);
        if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0)
            continue;
        int mine = strncmp(nm, r->ckgen, gl) == 0 && nm[gl] == '.';
        int meta = l > 5 && strcmp(nm + l - 5, ".meta") == 0;
        if (mine && (!meta || strcmp(nm, keep[0]) == 0 || (r->seq && strcmp(nm, keep[1]) == 0)))
            continue;
        char full[4400];
        snprintf(full, sizeof full, "%s/%s", r->ckdir, nm);
        unlink(full);
    }
    if (dd)
        closedir(dd);
    return PM_OK;
}

/* What checkpoint.pmc keeps of it: the meta's name and digest. */
typedef struct ck_desc {
    uint64_t version;
    char gen[24];
    uint64_t seq, meta_len, meta_hash;
} ck_desc;

pm_status pm_reuse_save(const pm_reuse *r, pm_buf *out)
{
    if (!r->ckdir || !r->ck_meta_len)
        return PM_ERR_ARG; /* no checkpoint: the next refresh replays */
    ck_desc d;
    memset(&d, 0, sizeof d);
    d.version = CK_VERSION;
    memcpy(d.gen, r->ckgen, sizeof d.gen);
    d.seq = r->seq, d.meta_len = r->ck_meta_len, d.meta_hash = r->ck_meta_hash;
    return pm_buf_append(out, &d, sizeof d);
}

pm_status pm_reuse_load(pm_reuse *r, const void *p, size_t n)
{
    ck_desc d;
    if (!r->ckdir || r->ck_open || r->n || r->s.docs_short)
        return PM_ERR_ARG;
    if (n != sizeof d)
        return PM_ERR_STATE;
    memcpy(&d, p, sizeof d);
    d.gen[sizeof d.gen - 1] = 0;
    if (d.version != CK_VERSION || !d.gen[0] || strchr(d.gen, '/') || d.meta_len < sizeof(ck_head))
        return PM_ERR_STATE;
    char name[64], path[4200];
    snprintf(name, sizeof name, "%s.%llu.meta", d.gen, (unsigned long long)d.seq);
    snprintf(path, sizeof path, "%s/%s", r->ckdir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return PM_ERR_STATE;
    struct stat sb;
    void *m = fstat(fd, &sb) == 0 && (uint64_t)sb.st_size == d.meta_len
                  ? mmap(NULL, (size_t)d.meta_len, PROT_READ, MAP_PRIVATE, fd, 0)
                  : MAP_FAILED;
    close(fd);
    if (m == MAP_FAILED)
        return PM_ERR_STATE;
    pm_status st = PM_OK;
    const unsigned char *c = m, *end = c + d.meta_len;
    ck_head h;
    memcpy(&h, c, sizeof h);
    c += sizeof h;
    char opts[512];
    pm_reuse_options_describe(&r->o, opts, sizeof opts);
    /* every section's length, checked before any is read (a sum of products could wrap) */
    uint64_t rest = (uint64_t)(end - c);
    if (pm_hash64(m, (size_t)d.meta_len, PM_OUTFILE_SEED) != d.meta_hash ||
        memcmp(h.magic, "PMREUSE", 8) != 0 || h.version != CK_VERSION || h.optlen != strlen(opts) ||
        h.n > UINT32_MAX - 1 || h.nruns > rest / sizeof(brun) || h.nchunks > rest / sizeof(achunk) ||
        h.ids_len > rest || h.n > rest / (sizeof(rdoc) + PM_REUSE_K) || h.lsh_nc > rest / 8 ||
        h.anc_nc > rest / 8 || h.anc_nbig > rest / 8 || h.v_nd > rest / sizeof(vdoc) ||
        h.v_nkeys > rest / 4 || h.v_nbp > rest / sizeof(bp_ex) || h.v_np > rest / sizeof(vpair) ||
        h.v_nrec > rest / sizeof(pair) ||
        h.optlen + h.nruns * sizeof(brun) + h.nchunks * sizeof(achunk) + h.ids_len +
                h.n * (sizeof(rdoc) + PM_REUSE_K) + CM_SIZE * sizeof *r->cm + h.lsh_nc * 8 +
                (h.anc_nc + h.anc_nbig) * 8 + h.v_nd * sizeof(vdoc) + h.v_nkeys * 4 +
                h.v_nbp * sizeof(bp_ex) + h.v_np * sizeof(vpair) + h.v_nrec * sizeof(pair) != rest ||
        memcmp(c, opts, h.optlen) != 0)
        st = PM_ERR_STATE;
    c += st == PM_OK ? h.optlen : 0;
    size_t cap = h.n > 1024 ? (size_t)h.n : 1024;
    if (st == PM_OK && (pm_array_reserve(&r->runs, &r->runs_cap, h.nruns + 1, sizeof *r->runs, 64,
                                         SIZE_MAX / sizeof *r->runs) != PM_OK ||
                        pm_array_reserve(&r->chunks, &r->chunks_cap, h.nchunks + 1,
                                         sizeof *r->chunks, 64, (size_t)1 << 28) != PM_OK ||
                        !(r->d = malloc(cap * sizeof *r->d)) ||
                        !(r->sig8 = malloc(cap * PM_REUSE_K))))
        st = PM_ERR_NOMEM;
    if (st == PM_OK) {
        r->cap = cap;
        memcpy(r->runs, c, h.nruns * sizeof *r->runs), c += h.nruns * sizeof *r->runs;
        memcpy(r->chunks, c, h.nchunks * sizeof *r->chunks), c += h.nchunks * sizeof *r->chunks;
        st = pm_buf_append(&r->ids, (const char *)c, h.ids_len);
        c += h.ids_len;
    }
    if (st == PM_OK) {
        memcpy(r->d, c, h.n * sizeof *r->d), c += h.n * sizeof *r->d;
        memcpy(r->sig8, c, h.n * PM_REUSE_K), c += h.n * PM_REUSE_K;
        memcpy(r->cm, c, CM_SIZE * sizeof *r->cm), c += CM_SIZE * sizeof *r->cm;
        if (h.lsh_valid && !(r->lp_c = malloc((h.lsh_nc ? h.lsh_nc : 1) * sizeof *r->lp_c)))
            st = PM_ERR_NOMEM;
        else if (h.lsh_valid)
            memcpy(r->lp_c, c, h.lsh_nc * sizeof *r->lp_c);
        c += h.lsh_nc * 8;
        r->lp_nc = (size_t)h.lsh_nc;
        /* the anchor side: its candidates, and the sketch it judged boilerplate by */
        if (st == PM_OK && (h.anc_valid || h.v_valid) && !h.anc_valid &&
            !(r->cm_old = malloc(CM_SIZE * sizeof *r->cm_old)))
            st = PM_ERR_NOMEM;
        else if (st == PM_OK && !h.anc_valid && h.v_valid)
            memcpy(r->cm_old, r->cm, CM_SIZE * sizeof *r->cm);
        if (st == PM_OK && h.anc_valid &&
            (!(r->lpa_c = malloc((h.anc_nc ? h.anc_nc : 1) * sizeof *r->lpa_c)) ||
             !(r->lpa_big = malloc((h.anc_nbig ? h.anc_nbig : 1) * sizeof *r->lpa_big)) ||
             !(r->cm_old = malloc(CM_SIZE * sizeof *r->cm_old))))
            st = PM_ERR_NOMEM;
        if (st == PM_OK && h.anc_valid) {
            memcpy(r->lpa_c, c, h.anc_nc * sizeof *r->lpa_c);
            memcpy(r->lpa_big, c + h.anc_nc * 8, h.anc_nbig * sizeof *r->lpa_big);
            memcpy(r->cm_old, r->cm, CM_SIZE * sizeof *r->cm);
        }
        r->lpa_nc = (size_t)h.anc_nc;
        r->lpa_nbig = (size_t)h.anc_nbig;
        /* the verdicts (documents, keys, notes, pairs, records follow the lists) */
        const unsigned char *vp = c + (h.anc_nc + h.anc_nbig) * 8;
        vset *v = &r->pv;
        if (st == PM_OK && h.v_valid &&
            (!(v->d = malloc((h.v_nd + 1) * sizeof *v->d)) ||
             !(v->keys = malloc((h.v_nkeys + 1) * sizeof *v->keys)) ||
             !(v->bp = malloc((h.v_nbp + 1) * sizeof *v->bp)) ||
             !(v->p = malloc((h.v_np + 1) * sizeof *v->p)) ||
             !(v->rec = malloc((h.v_nrec + 1) * sizeof *v->rec))))
            st = PM_ERR_NOMEM;
        if (st == PM_OK && h.v_valid) {
            memcpy(v->d, vp, h.v_nd * sizeof *v->d), vp += h.v_nd * sizeof *v->d;
            memcpy(v->keys, vp, h.v_nkeys * 4), vp += h.v_nkeys * 4;
            memcpy(v->bp, vp, h.v_nbp * sizeof *v->bp), vp += h.v_nbp * sizeof *v->bp;
            memcpy(v->p, vp, h.v_np * sizeof *v->p), vp += h.v_np * sizeof *v->p;
            memcpy(v->rec, vp, h.v_nrec * sizeof *v->rec);
            v->nd = h.v_nd, v->nkeys = h.v_nkeys, v->nbp = h.v_nbp, v->np = h.v_np, v->nrec = h.v_nrec;
            for (size_t i = 0; i < v->nd && st == PM_OK; i++) /* every reference in bounds */
                if (v->d[i].idx >= h.n || v->d[i].key_off + v->d[i].nkeys > v->nkeys ||
                    v->d[i].bp_off + v->d[i].nbp > v->nbp || (i && v->d[i - 1].idx >= v->d[i].idx))
                    st = PM_ERR_STATE;
            for (size_t i = 0; i < v->np && st == PM_OK; i++)
                if ((v->p[i].rec != UINT64_MAX && v->p[i].rec >= v->nrec) ||
                    (i && v->p[i - 1].xy >= v->p[i].xy))
                    st = PM_ERR_STATE;
            for (size_t i = 0; i < v->nrec && st == PM_OK; i++)
                if (v->rec[i].a >= h.n || v->rec[i].b >= h.n || v->rec[i].nex > EXCERPT_CHARS)
                    st = PM_ERR_STATE;
        }
        r->nruns = h.nruns;
        r->nchunks = h.nchunks;
        /* the runs must cover the documents in order; every record lie within the spills */
        uint64_t next = 0;
        for (size_t q = 0; q < r->nruns && st == PM_OK; q++) {
            const brun *ru = &r->runs[q];
            if (ru->first != next || !ru->m ||
                ru->off + (uint64_t)ru->m * PM_REUSE_BANDS * 4 > h.len[1])
                st = PM_ERR_STATE;
            next += ru->m;
        }
        if (next != h.n || h.len[2] != h.n * ANCHOR_K * 4)
            st = PM_ERR_STATE;
        for (size_t q = 0; q < r->nchunks && st == PM_OK; q++)
            if (r->chunks[q].part >= APARTS || r->chunks[q].off + (uint64_t)r->chunks[q].n * 8 > h.len[3])
                st = PM_ERR_STATE;
        for (size_t x = 0; x < h.n && st == PM_OK; x++)
            if (r->d[x].spill_off + r->d[x].text_len > h.len[0] ||
                r->d[x].id_off + r->d[x].id_len > h.ids_len)
                st = PM_ERR_STATE;
    }
    munmap(m, (size_t)d.meta_len);
    if (st == PM_OK)
        st = ck_attach(r, d.gen, h.len, h.hash);
    if (st != PM_OK) {
        free(r->d), free(r->sig8), free(r->lp_c), free(r->lpa_c), free(r->cm_old), free(r->lpa_big);
        free(r->pv.d), free(r->pv.keys), free(r->pv.bp), free(r->pv.p), free(r->pv.rec);
        memset(&r->pv, 0, sizeof r->pv);
        r->d = NULL, r->sig8 = NULL, r->lp_c = NULL, r->lp_nc = 0;
        r->lpa_c = NULL, r->cm_old = NULL, r->lpa_big = NULL, r->lpa_nc = r->lpa_nbig = 0;
        r->cap = r->nruns = r->nchunks = 0;
        pm_buf_reset(&r->ids);
        memset(r->cm, 0, CM_SIZE * sizeof *r->cm);
        return st;
    }
    r->n = (size_t)h.n;
    r->lp_loaded = 1;
    r->lp_valid = h.lsh_valid != 0;
    r->lp_n = h.n, r->lp_raw = h.lsh_raw, r->lp_screened = h.lsh_screened;
    r->lp_capped = h.lsh_capped, r->lp_docs_capped = h.lsh_docs_capped;
    r->lp_largest = h.lsh_largest;
    r->lpa_valid = h.anc_valid != 0;
    r->lpa_bp = h.anc_bp, r->lpa_xraw = h.anc_xraw, r->lpa_capped = h.anc_capped;
    r->lpa_docs_capped = h.anc_docs_capped, r->lpa_largest = h.anc_largest;
    r->lpa_nchunks = h.nchunks;
    r->pv_ok = h.v_valid && r->cm_old;
    r->s.docs = h.n;
    r->s.docs_short = h.docs_short;
    r->seq = d.seq + 1;
    return PM_OK;
}

#define TRY(x) do { if ((st = (x)) != PM_OK) goto done; } while (0)

static pm_status flush_to(pm_outfile *f, pm_buf *b, int force, pm_errctx *err)
{
    if (!force && b->len < (1u << 20))
        return PM_OK;
    pm_status st = pm_outfile_write(f, b->data, b->len, err);
    pm_buf_reset(b);
    return st;
}

pm_status pm_reuse_finish(pm_reuse *r, pm_adopt *adopt, const char *dir, pm_errctx *err)
{
    pm_status st = PM_OK;
    uint64_t *cand = NULL, *anc = NULL;
    size_t ncand = 0, nanc = 0, npairs = 0, pcap = 0;
    pair *pairs = NULL;
    char *tbuf = NULL;
    size_t *koff = NULL;
    uint64_t *kall = NULL;
    feat fx = {0}, fy = {0};
    pm_outfile *fp = NULL, *fe = NULL, *fb = NULL;
    pm_buf b;
    pm_buf_init(&b, (size_t)1 << 30);

    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    double bp = ceil(r->o.boilerplate_share * (double)r->n);
    r->s.boilerplate_df = bp < 10 ? 10 : (uint64_t)bp;
    if (fflush(r->spill) != 0)
        TRY(PM_ERR_OUTPUT);
    for (uint32_t part = 0; part < APARTS; part++)
        TRY(apost_flush(r, part));
    TRY(bands_flush(r));
    TRY(spillf_flush(&r->bands));
    TRY(spillf_flush(&r->apost));
    TRY(spillf_flush(&r->adoc));
    spillf_map(&r->adoc); /* (nothing is added to it after this) */
    TRY(candidates(r, &cand, &ncand, &anc, &nanc));
    if (r->ckdir && !r->o.exhaustive) { /* note what verification decides, for a refresh */
        if (!(r->vslot = calloc(r->n ? r->n : 1, sizeof *r->vslot)))
            TRY(PM_ERR_NOMEM);
        r->vcap_on = 1;
        if (r->pv_ok && !(r->pclean = malloc(r->pv.nd ? r->pv.nd : 1)))
            TRY(PM_ERR_NOMEM);
        if (r->pv_ok)
            memset(r->pclean, -1, r->pv.nd ? r->pv.nd : 1);
    } else {
        r->pv_ok = 0;
    }
    r->s.candidates = ncand;
    r->s.candidates_anchor = nanc;
    size_t mc = (size_t)r->o.max_chars + 8;
    tbuf = malloc(mc * 4);
    feat *fs[2] = {&fx, &fy};
    for (int k = 0; k < 2; k++) {
        feat *f = fs[k];
        f->cp = malloc(mc * sizeof *f->cp);
        f->kp = malloc(mc * sizeof *f->kp);
        f->h = malloc(mc * sizeof *f->h);
        f->tmp = malloc(mc * sizeof *f->tmp);
        f->mask = malloc(mc);
        f->idx = UINT32_MAX;
        if (!f->cp || !f->kp || !f->h || !f->tmp || !f->mask)
            TRY(PM_ERR_NOMEM);
    }
    if (!tbuf)
        TRY(PM_ERR_NOMEM);
    if (r->o.exhaustive) { /* every document's keys in memory: all pairs are screened */
        koff = malloc((r->n + 1) * sizeof *koff);
        if (!koff)
            TRY(PM_ERR_NOMEM);
        koff[0] = 0;
        size_t kcap = 0;
        for (uint32_t x = 0; x < r->n; x++) {
            TRY(load(r, &fx, x, tbuf));
            if (koff[x] + fx.nk > kcap) {
                size_t nc = kcap ? kcap * 2 : 1u << 16;
                while (nc < koff[x] + fx.nk)
                    nc *= 2;
                uint64_t *nk = realloc(kall, nc * sizeof *nk);
                if (!nk)
                    TRY(PM_ERR_NOMEM);
                kall = nk;
                kcap = nc;
            }
            if (fx.nk)
                memcpy(kall + koff[x], fx.kp, fx.nk * sizeof *fx.kp);
            koff[x + 1] = koff[x] + fx.nk;
        }
    }
    /* the two sorted candidate lists merged: a pair from the bands is verified when
     * the signatures do not rule it out, a pair sharing anchors always */
    for (size_t i = 0, ia = 0; i < ncand || ia < nanc;) {
        uint64_t pv;
        int from_anchor = 0;
        if (ia < nanc && (i == ncand || anc[ia] <= cand[i])) {
            from_anchor = 1;
            pv = anc[ia++];
            if (i < ncand && cand[i] == pv)
                i++;
        } else {
            pv = cand[i++];
        }
        uint32_t x = (uint32_t)(pv >> 32), y = (uint32_t)pv;
        if (!koff && sig_jaccard(r, x, y) < SIG_SCREEN) {
            if (!from_anchor)
                continue; /* (not met: band pairs were screened when made) */
            int pass;
            TRY(anchor_screen(r, x, y, &pass));
            if (!pass) {
                r->s.candidates_anchor_screened++;
                continue; /* ... and the anchors do not say one holds the other */
            }
        }
        r->s.candidates_verified += !koff;
        if (koff && !screen(r, kall + koff[x], koff[x + 1] - koff[x], kall + koff[y],
                            koff[y + 1] - koff[y]))
            continue; /* verify would drop it: same keys, same rule */
        if (npairs == pcap) {
            size_t nc = pcap ? pcap * 2 : 256;
            pair *np = realloc(pairs, nc * sizeof *np);
            if (!np)
                TRY(PM_ERR_NOMEM);
            pairs = np;
            pcap = nc;
        }
        int keep = 0, reused = 0;
        if (r->pv_ok) /* the last finish's verdict, when both loads would be the same */
            TRY(verdict_reuse(r, pv, &pairs[npairs], &keep, &reused));
        if (!reused) {
            TRY(load(r, &fx, x, tbuf));
            TRY(load(r, &fy, y, tbuf));
            TRY(verify(r, &fx, &fy, &pairs[npairs], &keep));
            if (r->vcap_on)
                TRY(vc_pair(r, pv, keep ? &pairs[npairs] : NULL));
        }
        npairs += (size_t)keep;
    }
    r->vcap_on = 0;
    if (r->ckdir) /* the refresh checkpoint: what a later run needs to go on from here */
        TRY(ck_write_meta(r, err, cand, ncand, anc, nanc));
    r->s.pairs = npairs;
    if (npairs)
        qsort_r(pairs, npairs, sizeof *pairs, cmp_pair, r);

    TRY(pm_outfile_open(&fp, dir, "reuse_pairs.tsv", err));
    TRY(pm_buf_append_str(&b, "doc_id_a\tdoc_id_b\tregion_a\tregion_b\tlevel_a\tlevel_b\tdate_a\t"
                              "date_b\tjaccard\tcontainment_a\tcontainment_b\taligned_chars\t"
                              "aligned_share_a\taligned_share_b\tlag_years\trelation\texcerpt\n"));
    for (size_t i = 0; i < npairs; i++) {
        const pair *p = &pairs[i];
        const rdoc *a = &r->d[p->a], *d = &r->d[p->b];
        TRY(pm_tsv_field(&b, r->ids.data + a->id_off, a->id_len, 0));
        TRY(pm_buf_append_char(&b, '\t'));
        TRY(pm_tsv_field(&b, r->ids.data + d->id_off, d->id_len, 0));
        TRY(pm_buf_append_char(&b, '\t'));
        put_code(r, &b, a->region, &st);
        TRY(st);
        TRY(pm_buf_append_char(&b, '\t'));
        put_code(r, &b, d->region, &st);
        TRY(pm_buf_printf(&b, "\t%s\t%s\t", level_key(r, a->level), level_key(r, d->level)));
        put_date(&b, a->date, &st);
        TRY(pm_buf_append_char(&b, '\t'));
        put_date(&b, d->date, &st);
        TRY(pm_buf_printf(&b, "\t%.4f\t%.4f\t%.4f\t%u\t", p->j, p->ca, p->cb,
                          (unsigned)p->aligned));
        /* shares over the stored (normalised, capped) texts */
        TRY(pm_buf_printf(&b, "%.4f\t%.4f\t", p->ncp_a ? (double)p->span_a / (double)p->ncp_a : 0.0,
                          p->ncp_b ? (double)p->span_b / (double)p->ncp_b : 0.0));
        if (a->date && d->date)
            TRY(pm_buf_printf(&b, "%.4f", pm_decimal_year(d->date) - pm_decimal_year(a->date)));
        const char *rel = a->region != UINT32_MAX && a->region == d->region
                              ? "same_region"
                              : pm_adopt_relation(adopt, (pm_level)a->level, a->province,
                                                  (pm_level)d->level, d->province);
        TRY(pm_buf_printf(&b, "\t%s\t", rel));
        TRY(put_cps(&b, p->ex, p->nex));
        TRY(pm_buf_append_char(&b, '\n'));
        TRY(flush_to(fp, &b, 0, err));
        if (adopt)
            TRY(pm_adopt_reuse(adopt, r->ids.data + a->id_off, a->id_len,
                               r->ids.data + d->id_off, d->id_len));
    }
    TRY(flush_to(fp, &b, 1, err));

    /* region pairs */
    TRY(pm_outfile_open(&fe, dir, "reuse_edges.tsv", err));
    TRY(pm_buf_append_str(&b, "origin_node\tdestination_node\tpairs\tmean_jaccard\t"
                              "mean_containment\n"));
    if (npairs)
        qsort_r(pairs, npairs, sizeof *pairs, cmp_edge, r);
    for (size_t i = 0; i < npairs;) {
        uint32_t o = r->d[pairs[i].a].region, d = r->d[pairs[i].b].region;
        size_t j = i;
        double sj = 0, sc = 0;
        while (j < npairs && r->d[pairs[j].a].region == o && r->d[pairs[j].b].region == d) {
            sj += pairs[j].j;
            sc += pairs[j].ca > pairs[j].cb ? pairs[j].ca : pairs[j].cb;
            j++;
        }
        if (o != UINT32_MAX && d != UINT32_MAX) {
            put_code(r, &b, o, &st);
            TRY(st);
            TRY(pm_buf_append_char(&b, '\t'));
            put_code(r, &b, d, &st);
            TRY(pm_buf_printf(&b, "\t%zu\t%.4f\t%.4f\n", j - i, sj / (double)(j - i),
                              sc / (double)(j - i)));
        }
        i = j;
    }
    TRY(flush_to(fe, &b, 1, err));

    /* the boilerplate met while verifying */
    TRY(pm_outfile_open(&fb, dir, "reuse_boilerplate.tsv", err));
    TRY(pm_buf_append_str(&b, "shingle\tdoc_frequency_estimate\n"));
    qsort(r->bp, r->nbp, sizeof *r->bp, cmp_bp);
    for (size_t i = 0; i < r->nbp && i < 200; i++) {
        TRY(put_cps(&b, r->bp[i].cp, PM_REUSE_SHINGLE));
        TRY(pm_buf_printf(&b, "\t%u\n", (unsigned)r->bp[i].df));
    }
    TRY(flush_to(fb, &b, 1, err));
    TRY(pm_outfile_commit(fp, err));
    fp = NULL;
    TRY(pm_outfile_commit(fe, err));
    fe = NULL;
    TRY(pm_outfile_commit(fb, err));
    fb = NULL;
done:
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->s.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    r->s.cpu_seconds = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9;
    pm_outfile_abort(fp);
    pm_outfile_abort(fe);
    pm_outfile_abort(fb);
    pm_buf_free(&b);
    free(cand);
    free(anc);
    free(koff);
    free(kall);
    free(pairs);
    free(tbuf);
    free(fx.cp), free(fy.cp), free(fx.kp), free(fy.kp);
    free(fx.h), free(fy.h), free(fx.tmp), free(fy.tmp), free(fx.mask), free(fy.mask);
    release(r); /* (the figures stay) */
    if (st == PM_ERR_STATE && err && err->code == PM_OK)
        pm_errctx_set(err, st, r->ckdir, "the refresh checkpoint's text reuse files are damaged "
                      "(the checkpoint is dropped: run again, the stored files are replayed)");
    if (st != PM_OK && err && err->code == PM_OK)
        pm_errctx_set(err, st, dir, "text reuse");
    return st;
}
