/* country/kz/kz_internal.h - shared by the Kazakhstan module's files only: the module
 * state (organ words, folded month words), the requisite locator and the scanners. */
#ifndef PM_KZ_INTERNAL_H
#define PM_KZ_INTERNAL_H

#include <stddef.h>
#include "policyminer/country.h"

#define KZ_HEAD 4096      /* the requisite line sits at the top: only this much is read */
#define KZ_MAX_ORGANS 256
#define KZ_WORD_MAX 64

typedef enum kz_wkind { KZ_W_BODY, KZ_W_ACT_RU, KZ_W_ACT_KK, KZ_W_STOP } kz_wkind;

typedef struct kz_word {
    char text[KZ_WORD_MAX]; /* folded */
    size_t len;
    kz_wkind kind;
    int central;            /* body words: 1 = the republic */
    char body[24];          /* body key */
} kz_word;

typedef struct kz_state {
    kz_word words[KZ_MAX_ORGANS];
    size_t nwords;
    char month_ru[12][KZ_WORD_MAX], month_kk[12][KZ_WORD_MAX]; /* folded */
    char year_ru[KZ_WORD_MAX], year_kk[KZ_WORD_MAX];
} kz_state;

typedef struct kz_date {
    size_t off, end;   /* in the folded head (= offsets in the text) */
    pm_ymd ymd;
    int kk_year_first; /* «2016 жылғы 19 шілдедегі» */
    int kk_registration; /* «2008 жылы 7 ақпанда»: a registration date, not an act date */
} kz_date;

typedef struct kz_req {
    int found;
    int kk;                  /* the Kazakh word order */
    size_t start, end;       /* the requisite window in the text */
    size_t tail_end;         /* a fallback tail after it («…, Маслихат X области») */
    kz_date date;
    size_t no_off, no_end;   /* the act's own number (0,0 if none) */
} kz_req;

/* 1 if f[i] starts a word (the byte before is not a letter or digit) */
int kz_word_start(const char *f, size_t i);
/* the next date at or after `from` in the folded head f[0..n); 1 if found */
int kz_next_date(const kz_state *s, const char *f, size_t n, size_t from, kz_date *d);
/* at f[i] a number sign («№», «N») followed by a number: writes the normalised number from
 * the original text t into buf and the end offset; 1 if found */
int kz_number_at(const char *t, size_t n, size_t i, char *buf, size_t cap, size_t *end);
/* the next «№» at or after from and before lim; returns its offset or (size_t)-1 */
size_t kz_find_numsign(const char *t, size_t from, size_t lim);
/* the longest organ / act / stop word of kind k at f[i]; NULL if none */
const kz_word *kz_word_at(const kz_state *s, const char *f, size_t n, size_t i, int kind);
/* finds the act's requisite in the folded head; 1 if found */
int kz_locate(const kz_state *s, const char *t, const char *f, size_t n, kz_req *r);

int kz_find_issuer(const void *state, const pm_country *c, const char *text, size_t len,
                   pm_country_issuer *out);
int kz_find_date(const void *state, const pm_country *c, const char *text, size_t len,
                 pm_ymd *out, pm_cspan *span);
int kz_find_docno(const void *state, const pm_country *c, const char *text, size_t len,
                  char *buf, size_t cap, pm_cspan *span);
int kz_find_regno(const void *state, const pm_country *c, const char *text, size_t len,
                  char *buf, size_t cap, pm_cspan *span);

/* The policy-name rules of Kazakh titles (kz_policyname.c), for discovery. */
struct pm_pname_pack;
extern const struct pm_pname_pack pm_pname_pack_kz;

#endif
