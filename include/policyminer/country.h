/* policyminer/country.h - a country pack: data in dictionaries/<cc>/ plus a small module.
 *
 * A pack is what a country adds to the generic pipeline (issue 13): its header
 * (dictionaries/<cc>/pack.tsv: level names, code width, national code, date words), its
 * gazetteer (regions as a dense index with an ancestor chain read from the file, never
 * computed from codes), its organ words, and a module (pipeline/country/<cc>/) that finds
 * the issuer, the date, the document number and the registration number in a text. Packs
 * are chosen by name through a registry ("cn", "kz"), as readers are chosen by format.
 *
 * Ownership: pm_country_open() returns a handle the caller frees with pm_country_free()
 * (NULL accepted). The handle is read-only after open and may be shared by threads. Every
 * const char * it returns (names, level keys, body keys) lives as long as the handle;
 * every span in a result points into the caller's text and lives as long as that text.
 * Functions that fill a result struct clear it first, so on "not found" it is all zero.
 *
 * Records and regions (how the rest of the pipeline refers to a region): a document's
 * record keeps a region CODE (uint32; KATO's 9 digits fit) and a record LEVEL, where record
 * level 0 = unknown and 1 + i = the pack's level i (so China keeps 1 central, 2 provincial,
 * 3 prefecture, 4 county). Unknown is level 0, never code 0: code 0 is a real code in some
 * packs (Kazakhstan's republic), so a code is only looked at when the level is >= 1, and a
 * record at level 1 (the pack's top level) is always the national region. A local record
 * (level >= 2) has a region only when its code is a local region of the pack: a level can
 * be known without its region (China's ambiguous 西湖区 is "county" with code 0), and then
 * the code names nothing, even where it is the national code. The "province" of a record
 * is its ancestor at the pack's level 1 (record level 2), none above it; the province code
 * a record stores is checked the same way (pm_country_record_province_code).
 * Consumers turn (level, code) into a dense index with pm_country_record_region() and never
 * compute on codes; codes print with pm_country_format_code() at the pack's width and
 * levels with pm_country_record_level_key().
 *
 * Status: the engine opens one pack per run (pm_run_options.country, "cn" by default; its
 * name and checksum are in the run fingerprint, and manifest.json carries them with the
 * code width and the level vocabulary). Every region consumer - counts, documents.tsv,
 * adoptions, edges, nodes, NetInf, the EHA panel, officials, text reuse, the report's level
 * names, `dict explain` - goes through the region API below (tests/unit/test_regions.c on a
 * 9-digit pack). China's pack (country/cn/cn_regions.c) fills the region store from China's
 * gazetteer; the classifier asks the same pack for the text half of every document
 * (pm_country_read_doc: date, own number, issuer, citations) and for its policy-name
 * rules: China's grammar in country/cn/ (cn_text.c, cn_issuer.c with the pack's
 * pm_gazetteer: gazetteer.h pm_country_gazetteer()), Kazakhstan's in country/kz/.
 */
#ifndef POLICYMINER_COUNTRY_H
#define POLICYMINER_COUNTRY_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/status.h"

typedef struct pm_country pm_country;
struct pm_doc;          /* reader.h */
struct pm_record;       /* classify.h */
struct pm_pname_pack;   /* discover.h */

#define PM_REGION_NONE ((uint32_t)-1) /* "no region" for a dense region index */
/* Record levels (see the top): 0 unknown, 1 + the pack's level index. */
#define PM_REC_UNKNOWN 0u
#define PM_REC_NATIONAL 1u /* the pack's level 0: the national region */
#define PM_REC_PROVINCE 2u /* the pack's level 1: a record's "province" is its ancestor here */
#define PM_COUNTRY_MAX_LEVELS 8

/* A date as the pack reads it: yyyymmdd (0 = unknown). */
typedef uint32_t pm_ymd;

/* A span of the caller's text [off, off+len). */
typedef struct pm_cspan {
    size_t off, len;
} pm_cspan;

/* One division of the pack's gazetteer. */
typedef struct pm_region {
    uint64_t code;       /* printed at the pack's code width */
    unsigned level;      /* index into the pack's level vocabulary (0 = national) */
    uint32_t parent;     /* dense index of the parent in force by default; NONE at the top */
    pm_ymd from, until;  /* in use from (inclusive) / until (exclusive); 0 = open */
    const char *name;    /* official name (first name column) */
    const char *name2;   /* second-language name, "" if none */
} pm_region;

/* What find_issuer returns. */
typedef struct pm_country_issuer {
    int found;           /* 1 if an issuer was found */
    unsigned level;      /* level index (0 = national/central) */
    uint32_t region;     /* dense region index; for central issuers the national region */
    const char *body;    /* the body kind key from the pack's organ list ("maslikhat"),
                            "" when no organ word was seen */
    pm_cspan span;       /* the stretch of text that decided (the requisite line) */
} pm_country_issuer;

/* The module vtable: one per country, in the registry. find_* return 1 when found, 0
 * when not, and never fail on bad text (any bytes are accepted). state is what load made. */
typedef struct pm_country_ops {
    const char *name; /* "kz" */
    /* Builds the module's read-only state from the loaded pack; NULL ops->load = none. */
    pm_status (*load)(void **state, const pm_country *c, const char *packdir, pm_errctx *err);
    void (*free)(void *state);
    int (*find_issuer)(const void *state, const pm_country *c, const char *text, size_t len,
                       pm_country_issuer *out);
    int (*find_date)(const void *state, const pm_country *c, const char *text, size_t len,
                     pm_ymd *out, pm_cspan *span);
    /* the act's own number, normalised into buf (NUL-terminated, truncated at cap) */
    int (*find_docno)(const void *state, const pm_country *c, const char *text, size_t len,
                      char *buf, size_t cap, pm_cspan *span);
    /* the justice registration number, apart from the act's own number */
    int (*find_regno)(const void *state, const pm_country *c, const char *text, size_t len,
                      char *buf, size_t cap, pm_cspan *span);
    /* The document-level text half classify/ calls (NULL = the generic reading below):
     * fills rec's date (when the <date> field gave none: rec->date_source is then NONE),
     * its own number, its issuer (record levels, see the top) and the regions it cites.
     * Spans point into doc; a number the pack rewrote (spacing normalised) goes to
     * numbuf (numcap bytes, the caller's scratch) and rec->docno points there. */
    void (*read_doc)(const void *state, const pm_country *c, const struct pm_doc *doc,
                     struct pm_record *rec, char *numbuf, size_t numcap);
    /* `dict explain`: which stretch of the text decided the issuer, with a short reason
     * (NULL hook = rec's issuer span is the whole answer). */
    void (*explain_issuer)(const void *state, const pm_country *c, const struct pm_doc *doc,
                           const struct pm_record *rec, void (*say)(void *ud, const char *what,
                                                                     const char *text, size_t len),
                           void *ud);
    /* Policy-name candidates for discovery (discover.h); NULL = discovery off. */
    const struct pm_pname_pack *pnames;
    /* web pages: the label a pack reads an issuer or a date after (NULL = none yet) */
    int (*web_labels)(const void *state, const char *html, size_t len,
                      const char *label, pm_cspan *out);
} pm_country_ops;

/* Registry: the module for a country name, NULL if unknown. */
const pm_country_ops *pm_country_lookup(const char *cc);
/* The i-th registered country name (sorted), NULL past the end. */
const char *pm_country_name_at(size_t i);

/* Opens the pack `cc` from dictdir/<cc>/: reads pack.tsv, the gazetteer it names (if any)
 * and calls the module's load. On failure *out is NULL and err says file and line. */
pm_status pm_country_open(pm_country **out, const char *cc, const char *dictdir,
                          pm_errctx *err);
void pm_country_free(pm_country *c); /* accepts NULL */
/* Opens the pack a dictionary directory names: cc when given (from dir/<cc>/, or dir
 * itself when dir is that pack's directory: -d dictionaries/kz), else the pack whose
 * directory dir is (its pack.tsv's name), else "cn" from dir/cn/. */
pm_status pm_country_open_dir(pm_country **out, const char *cc, const char *dir,
                              pm_errctx *err);

const char *pm_country_name(const pm_country *c);
const char *pm_country_checksum(const pm_country *c); /* "sha256:hex" over the pack files */
/* The pack's directory (dictdir/<cc>): its files (dictionaries, policy-name rules) load
 * from there. */
const char *pm_country_dir(const pm_country *c);
/* Where a pack file lives: the pack's directory when it holds `file`, else dict_dir (the
 * flat layout of older dictionary directories). */
const char *pm_country_file_dir(const pm_country *c, const char *dict_dir, const char *file);
/* The directory whose *.dict files a run of pack cc (NULL = the default) read, without
 * opening the pack: dict_dir when it is that pack's directory, else dict_dir/<cc> when it
 * holds *.dict files, else dict_dir (the flat layout). buf (cap bytes) may be used. */
const char *pm_country_dict_dir(const char *dict_dir, const char *cc, char *buf, size_t cap);
/* The same for an open pack: its directory when it holds *.dict files, else dict_dir. */
const char *pm_country_dicts_dir(const pm_country *c, const char *dict_dir);
/* The years the pack's documents are dated in (pack.tsv `year_first`, `year_last`; without them
 * PM_COUNTRY_YEAR_FIRST..PM_COUNTRY_YEAR_LAST): a date outside is no date of the corpus. */
#define PM_COUNTRY_YEAR_FIRST 1800
#define PM_COUNTRY_YEAR_LAST 2100
void pm_country_years(const pm_country *c, int *first, int *last);
unsigned pm_country_level_count(const pm_country *c);
const char *pm_country_level_key(const pm_country *c, unsigned level); /* "" if out of range */
unsigned pm_country_code_width(const pm_country *c);
uint32_t pm_country_national(const pm_country *c); /* dense index of the national region */
/* Writes code at the pack's width into buf ("%0*"): returns buf. */
char *pm_country_format_code(const pm_country *c, uint64_t code, char *buf, size_t cap);

/* Month words of the pack header: month m (1..12) in name column k (0, 1, ...); NULL if none. */
const char *pm_country_month_word(const pm_country *c, unsigned m, unsigned k);
/* Named values of the pack header ("date_year_word"...), NULL if absent. */
const char *pm_country_header(const pm_country *c, const char *key);

/* Regions: a dense index 0..count-1 in file order. A code may have several records (one
 * per period, as China's renamed divisions have); the code's canonical index is its last
 * record, what pm_country_region_find(c, code, 0) returns. */
size_t pm_country_region_count(const pm_country *c);
const pm_region *pm_country_region_at(const pm_country *c, uint32_t idx); /* NULL if out */
/* Parent of idx in force on date (0 = the default parent); NONE at the top. */
uint32_t pm_country_region_parent(const pm_country *c, uint32_t idx, pm_ymd date);
/* The ancestor of idx (or idx itself) at `level` on date; NONE if there is none. */
uint32_t pm_country_region_ancestor(const pm_country *c, uint32_t idx, unsigned level,
                                    pm_ymd date);
/* 1 if anc is idx or one of its ancestors on date. */
int pm_country_region_within(const pm_country *c, uint32_t idx, uint32_t anc, pm_ymd date);
/* The record of code in use on date; date 0 = the code's last record (its canonical
 * index); NONE if none. Binary search. */
uint32_t pm_country_region_find(const pm_country *c, uint64_t code, pm_ymd date);
/* The canonical index of idx's code (pm_country_region_find(code, 0)); NONE if out. */
uint32_t pm_country_region_canonical(const pm_country *c, uint32_t idx);
/* The regions of one pack level in index order: count, and the i-th (NONE past the end). */
size_t pm_country_level_size(const pm_country *c, unsigned level);
uint32_t pm_country_level_region(const pm_country *c, unsigned level, size_t i);
/* Neighbours from the pack's adjacency file (header key "adjacency": rows "code<TAB>code",
 * symmetric, compared on canonical indexes); a pack without one has no neighbours. */
int pm_country_region_neighbours(const pm_country *c, uint32_t a, uint32_t b);
size_t pm_country_adjacency_count(const pm_country *c); /* directed pairs loaded */

/* The report's tile grid (header key "tiles": rows "code<TAB>col<TAB>row<TAB>label", code
 * "-" for the tile of regions no other tile holds): where the pack's provinces sit on the
 * network map. None when the pack has no such file. */
typedef struct pm_country_tile {
    uint32_t region;   /* canonical region index; PM_REGION_NONE = the "other" tile */
    unsigned col, row;
    const char *label;
} pm_country_tile;
size_t pm_country_tile_count(const pm_country *c);
const pm_country_tile *pm_country_tile_at(const pm_country *c, size_t i); /* NULL if out */

/* Records (see the top): the dense index of a record's (level, code) on date: NONE for
 * level 0, the national region for level 1, else the record in force on date, falling
 * back to the code's canonical record; NONE when the code is no local region (a level
 * known without its region, as China's ambiguous 西湖区: the code is then 0). */
uint32_t pm_country_record_region(const pm_country *c, unsigned rec_level, uint64_t code,
                                  pm_ymd date);
/* The record's province: its ancestor at pack level 1 (from the region, not the code);
 * NONE at the top, for unknown records, and for packs with a single level. */
uint32_t pm_country_record_province(const pm_country *c, unsigned rec_level, uint64_t code,
                                    pm_ymd date);
/* The region a record's stored province code names: a region at pack level 1, for record
 * levels >= 2 only; NONE otherwise (a province may be known when the region is not). */
uint32_t pm_country_record_province_code(const pm_country *c, unsigned rec_level,
                                         uint64_t province_code);
/* "unknown" for record level 0, else the pack's level key (rec_level - 1); "unknown" past
 * the vocabulary. Record levels run 0 .. pm_country_level_count(). */
const char *pm_country_record_level_key(const pm_country *c, unsigned rec_level);
/* The code of region idx at the pack's width into buf ("" for NONE); returns buf. */
char *pm_country_format_region(const pm_country *c, uint32_t idx, char *buf, size_t cap);
#define PM_COUNTRY_CODE_BUF 24 /* enough for any code at any width (<= 19 digits) */

/* Name forms (the gazetteer's F rows), folded by the pack's fold at load. */
typedef struct pm_region_form {
    const char *text;   /* folded, NUL-terminated */
    size_t len;
    uint32_t region;
    pm_ymd from, until;
} pm_region_form;
size_t pm_country_form_count(const pm_country *c);
const pm_region_form *pm_country_form_at(const pm_country *c, size_t i);
/* Forms sorted by text: the range [*lo, *hi) of forms whose first 4 folded bytes equal
 * key4's (key4 must hold at least 4 bytes, or fewer when keylen < 4). */
void pm_country_form_range(const pm_country *c, const char *key4, size_t keylen,
                           size_t *lo, size_t *hi);

/* The module's entry points through the handle; 0 (not found) when the pack's module does
 * not provide one. */
int pm_country_find_issuer(const pm_country *c, const char *text, size_t len,
                           pm_country_issuer *out);
int pm_country_find_date(const pm_country *c, const char *text, size_t len, pm_ymd *out,
                         pm_cspan *span);
int pm_country_find_docno(const pm_country *c, const char *text, size_t len, char *buf,
                          size_t cap, pm_cspan *span);
int pm_country_find_regno(const pm_country *c, const char *text, size_t len, char *buf,
                          size_t cap, pm_cspan *span);
const pm_country_ops *pm_country_ops_of(const pm_country *c);

/* The text half of one document through the pack (classify.c): ops->read_doc, or the
 * generic reading - the date of find_date, the number of find_docno and the issuer of
 * find_issuer over the <issuer> field, else the body's head, else the title. */
void pm_country_read_doc(const pm_country *c, const struct pm_doc *doc, struct pm_record *rec,
                         char *numbuf, size_t numcap);
/* The pack's policy-name rules (NULL: none). */
const struct pm_pname_pack *pm_country_pnames(const pm_country *c);

/* Lower-case and fold Cyrillic for matching (А..Я → а..я, Ё → е, and the Kazakh letters
 * Ә Ғ Қ Ң Ө Ұ Ү Һ І to their nearest Russian letters), ASCII to lower case, tab / CR / LF
 * to a space and NBSP to two spaces. Every rewrite keeps the byte length, so offsets in
 * out are offsets in s. out must hold len+1 bytes; it is NUL-terminated. Returns len. */
size_t pm_country_fold(const char *s, size_t len, char *out);

#endif
