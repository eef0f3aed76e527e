/* readers/jsonl.c - JSON Lines exports (.jsonl, .jsonl.gz): one JSON object per line.
 *
 * Split: cut at '\n' (a trailing '\r' is dropped, a UTF-8 byte-order mark on the first line
 * too); a line longer than --max-doc-bytes is rejected and skipped to its end without being
 * buffered; blank lines are skipped and counted, not rejected; gzip damage loses the line
 * it cuts.
 * Parse: strict UTF-8, then jansson (duplicate keys refused, \u0000 refused); the object's
 * fields are picked through the field map (--map, default: each key under its own name).
 * A string is taken as is, an integer in decimal, null as absent, an array of strings (a
 * body given as paragraphs) joined with newlines; anything else rejects the line.
 * Every bad line is one reject and loses only itself.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/buf.h"
#include "policyminer/utf8.h"
#include "readers_internal.h"

#define READ_BLOCK (1u << 20)
#define NKEYS 9
#define NAME_MAX_LEN 128

static const char *const KEYS[NKEYS] = {"id", "title", "issuer", "docno", "date",
                                        "region", "url", "part_of", "body"};
enum { K_ID, K_TITLE, K_ISSUER, K_DOCNO, K_DATE, K_REGION, K_URL, K_PART_OF, K_BODY };

/* ---- the field map -------------------------------------------------------------------- */

typedef struct fmap {
    char name[NKEYS][NAME_MAX_LEN]; /* "" = not mapped */
} fmap;

static pm_status parse_map(const char *spec, fmap *m, char *why, size_t whylen)
{
    for (int k = 0; k < NKEYS; k++)
        snprintf(m->name[k], NAME_MAX_LEN, "%s", KEYS[k]);
    if (!spec)
        return PM_OK;
    int seen[NKEYS] = {0};
    for (const char *p = spec; *p;) {
        size_t l = strcspn(p, ",");
        const char *eq = memchr(p, '=', l);
        if (!eq) {
            snprintf(why, whylen, "'%.*s' is not key=field", (int)l, p);
            return PM_ERR_ARG;
        }
        size_t kl = (size_t)(eq - p);
        int k = -1;
        for (int i = 0; i < NKEYS; i++)
            if (strlen(KEYS[i]) == kl && memcmp(KEYS[i], p, kl) == 0)
                k = i;
        if (k < 0) {
            snprintf(why, whylen, "unknown key '%.*s' (keys: id title issuer docno date region url part_of body)",
                     (int)kl, p);
            return PM_ERR_ARG;
        }
        if (seen[k]++) {
            snprintf(why, whylen, "key '%s' mapped twice", KEYS[k]);
            return PM_ERR_ARG;
        }
        size_t vl = l - kl - 1;
        if (vl >= NAME_MAX_LEN) {
            snprintf(why, whylen, "field name for '%s' too long", KEYS[k]);
            return PM_ERR_ARG;
        }
        memcpy(m->name[k], eq + 1, vl);
        m->name[k][vl] = '\0';
        p += l;
        if (*p == ',')
            p++;
    }
    return PM_OK;
}

pm_status pm_jsonl_map_check(const char *spec, char *why, size_t whylen)
{
    fmap m;
    if (whylen)
        why[0] = '\0';
    return parse_map(spec, &m, why, whylen);
}

/* ---- sniffing ------------------------------------------------------------------------- */

static int jsonl_sniff(const char *h, size_t n)
{
    size_t i = 0;
    if (n >= 3 && memcmp(h, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n'))
        i++;
    return i < n && h[i] == '{';
}

/* ---- splitting ------------------------------------------------------------------------ */

typedef struct jsplit {
    pm_limits lim;
    pm_buf buf;
    size_t head, scan;  /* live window [head, len); newline search resumes at scan */
    uint64_t buf_off;
    size_t consume;
    int eof, skipping, first;
    uint64_t skip_off;
    pm_status gz_err;
    uint64_t gz_err_off;
    uint64_t nlines;
} jsplit;

#define JB(s) ((s)->buf.data + (s)->head)
#define JL(s) ((s)->buf.len - (s)->head)

static pm_status jsplit_create(void **state, const pm_limits *lim)
{
    jsplit *s = calloc(1, sizeof *s);
    if (!s)
        return PM_ERR_NOMEM;
    s->lim = *lim;
    s->first = 1;
    pm_buf_init(&s->buf, (size_t)lim->max_doc_bytes + 2 * READ_BLOCK + 16);
    if (pm_buf_reserve(&s->buf, READ_BLOCK) != PM_OK) {
        free(s);
        return PM_ERR_NOMEM;
    }
    *state = s;
    return PM_OK;
}

static void jsplit_free(void *state)
{
    jsplit *s = state;
    if (!s)
        return;
    pm_buf_free(&s->buf);
    free(s);
}

static void jdrop(jsplit *s, size_t n)
{
    s->head += n;
    s->buf_off += n;
    s->scan = s->scan > n ? s->scan - n : 0;
}

static pm_status jmore(jsplit *s, pm_gz *in)
{
    return pm_window_more(&s->buf, &s->head, in, READ_BLOCK, &s->eof, &s->gz_err, &s->gz_err_off);
}

static int blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return 0;
    return 1;
}

static pm_status jsplit_next(void *state, pm_gz *in, pm_raw *raw, pm_reject *rej,
                             pm_split_result *res)
{
    jsplit *s = state;
    if (s->consume) {
        jdrop(s, s->consume);
        s->consume = 0;
    }
    for (;;) {
        if (s->first && JL(s) >= 3) {
            if (memcmp(JB(s), "\xEF\xBB\xBF", 3) == 0)
                jdrop(s, 3);
            s->first = 0;
        }
        const char *nl = JL(s) > s->scan ? memchr(JB(s) + s->scan, '\n', JL(s) - s->scan) : NULL;
        if (s->skipping) { /* the rest of an oversized line */
            if (nl) {
                jdrop(s, (size_t)(nl - JB(s)) + 1);
                s->skipping = 0;
                continue;
            }
            jdrop(s, JL(s));
            if (s->eof) {
                *res = PM_SPLIT_END;
                return PM_OK;
            }
            if (s->gz_err != PM_OK)
                s->gz_err = PM_OK; /* the line is already rejected */
            pm_status st = jmore(s, in);
            if (st != PM_OK)
                return st;
            continue;
        }
        size_t len;
        if (nl)
            len = (size_t)(nl - JB(s));
        else if (JL(s) > s->lim.max_doc_bytes) {
            pm_reject_set(rej, PM_ERR_DOC_TOO_BIG, s->buf_off, NULL, 0,
                          "line longer than --max-doc-bytes; skipped without buffering");
            s->skipping = 1;
            s->nlines++;
            jdrop(s, JL(s));
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        } else if (s->gz_err != PM_OK) {
            /* the line in progress is cut by the damage */
            pm_reject_set(rej, s->gz_err, s->buf_off, NULL, 0,
                          "line cut by gzip damage at compressed offset %llu",
                          (unsigned long long)s->gz_err_off);
            s->gz_err = PM_OK;
            int had = JL(s) > 0;
            jdrop(s, JL(s));
            if (!had)
                continue; /* damage fell between lines: nothing of ours was lost */
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        } else if (s->eof) {
            if (JL(s) == 0) {
                *res = PM_SPLIT_END;
                return PM_OK;
            }
            len = JL(s); /* last line without a newline */
        } else {
            s->scan = JL(s);
            pm_status st = jmore(s, in);
            if (st != PM_OK)
                return st;
            continue;
        }
        size_t adv = nl ? len + 1 : len;
        size_t l = len;
        if (l && JB(s)[l - 1] == '\r')
            l--;
        if (blank(JB(s), l)) {
            pm_reject_set(rej, PM_OK, s->buf_off, NULL, 0, "blank line");
            s->consume = adv;
            s->scan = 0;
            *res = PM_SPLIT_SKIP;
            return PM_OK;
        }
        s->nlines++;
        if (l > s->lim.max_doc_bytes || (s->lim.max_docs_per_file && s->nlines > s->lim.max_docs_per_file)) {
            int big = l > s->lim.max_doc_bytes;
            pm_reject_set(rej, big ? PM_ERR_DOC_TOO_BIG : PM_ERR_TOO_MANY_DOCS, s->buf_off, NULL, 0,
                          big ? "line longer than --max-doc-bytes" : "beyond --max-docs-per-file");
            s->consume = adv;
            s->scan = 0;
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        raw->p = JB(s);
        raw->len = l;
        raw->offset = s->buf_off;
        s->consume = adv;
        s->scan = 0;
        *res = PM_SPLIT_RECORD;
        return PM_OK;
    }
}

/* ---- parsing -------------------------------------------------------------------------- */

typedef struct jscratch {
    fmap map;
    pm_buf arena;
    pm_hosts *hosts;
} jscratch;

static pm_status jparse_create(void **scratch, const pm_limits *lim)
{
    jscratch *j = calloc(1, sizeof *j);
    if (!j)
        return PM_ERR_NOMEM;
    char why[160];
    pm_status st = parse_map(lim->field_map, &j->map, why, sizeof why);
    if (st == PM_OK)
        st = pm_hosts_load(&j->hosts, lim->dict_dir);
    if (st != PM_OK) {
        free(j);
        return st;
    }
    pm_buf_init(&j->arena, (size_t)lim->max_doc_bytes * 2 + 4096);
    *scratch = j;
    return PM_OK;
}

static void jparse_free(void *scratch)
{
    jscratch *j = scratch;
    if (!j)
        return;
    pm_hosts_free(j->hosts);
    pm_buf_free(&j->arena);
    free(j);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

/* Appends v's text to the arena; 0 when its type cannot be a text field. */
static int value_text(jscratch *j, const json_t *v, int allow_array, pm_status *st)
{
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING:
        *st = pm_buf_append(&j->arena, json_string_value(v), json_string_length(v));
        return 1;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *st = pm_buf_append_str(&j->arena, num);
        return 1;
    case JSON_ARRAY:
        if (!allow_array)
            return 0;
        for (size_t i = 0; i < json_array_size(v) && *st == PM_OK; i++) {
            const json_t *e = json_array_get(v, i);
            if (!json_is_string(e))
                return 0;
            if (i)
                *st = pm_buf_append_char(&j->arena, '\n');
            if (*st == PM_OK)
                *st = pm_buf_append(&j->arena, json_string_value(e), json_string_length(e));
        }
        return 1;
    default:
        return 0;
    }
}

static pm_status jparse(void *scratch, const pm_raw *raw, pm_doc *doc, pm_reject *rej)
{
    jscratch *j = scratch;
    memset(doc, 0, sizeof *doc);
    size_t bad;
    if (!pm_utf8_valid(raw->p, raw->len, &bad)) {
        pm_reject_set(rej, PM_ERR_UTF8, raw->offset, NULL, 0, "%s at byte %zu of the line",
                      raw->p[bad] == 0 ? "NUL byte" : "invalid UTF-8", bad);
        return PM_ERR_UTF8;
    }
    json_error_t err;
    json_t *root = json_loadb(raw->p, raw->len, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        pm_reject_set(rej, PM_ERR_JSON, raw->offset, NULL, 0, "column %d: %s", err.column, err.text);
        return PM_ERR_JSON;
    }
    if (!json_is_object(root)) {
        pm_reject_set(rej, PM_ERR_JSON, raw->offset, NULL, 0, "the line is %s, not an object",
                      type_name(root));
        json_decref(root);
        return PM_ERR_JSON;
    }
    pm_buf_reset(&j->arena);
    size_t off[NKEYS], len[NKEYS];
    int set[NKEYS] = {0};
    pm_status st = PM_OK;
    int bad_key = -1;
    for (int k = 0; k < NKEYS && st == PM_OK; k++) {
        if (!j->map.name[k][0])
            continue;
        json_t *v = json_object_get(root, j->map.name[k]);
        if (!v || json_is_null(v))
            continue;
        off[k] = j->arena.len;
        if (!value_text(j, v, k == K_BODY, &st)) {
            bad_key = k;
            break;
        }
        len[k] = j->arena.len - off[k];
        set[k] = len[k] > 0;
        if (st == PM_OK)
            st = pm_buf_append_char(&j->arena, '\0');
    }
    /* the id, for the reject row, before root goes */
    char id[128] = "";
    if (set[K_ID] && st == PM_OK)
        snprintf(id, sizeof id, "%.*s", (int)(len[K_ID] < 127 ? len[K_ID] : 127), j->arena.data + off[K_ID]);
    if (bad_key >= 0) {
        const json_t *v = json_object_get(root, j->map.name[bad_key]);
        pm_reject_set(rej, PM_ERR_JSON, raw->offset, id, strlen(id), "field \"%s\" (%s) is %s",
                      j->map.name[bad_key], KEYS[bad_key], type_name(v));
        json_decref(root);
        return PM_ERR_JSON;
    }
    json_decref(root);
    if (st == PM_ERR_TOO_BIG) {
        pm_reject_set(rej, PM_ERR_DOC_TOO_BIG, raw->offset, id, strlen(id), "fields exceed the cap");
        return PM_ERR_DOC_TOO_BIG;
    }
    if (st != PM_OK)
        return st;
    if (!set[K_ID]) {
        pm_reject_set(rej, PM_ERR_NO_ID, raw->offset, NULL, 0, "no \"%s\" field (the id; see --map)",
                      j->map.name[K_ID][0] ? j->map.name[K_ID] : "id");
        return PM_ERR_NO_ID;
    }
    if (!set[K_REGION] && set[K_URL]) {
        const char *code = pm_hosts_region(j->hosts, j->arena.data + off[K_URL], len[K_URL]);
        if (code) {
            off[K_REGION] = j->arena.len;
            len[K_REGION] = strlen(code);
            set[K_REGION] = 1;
            if ((st = pm_buf_append(&j->arena, code, len[K_REGION])) != PM_OK)
                return st == PM_ERR_TOO_BIG ? PM_ERR_DOC_TOO_BIG : st;
        }
    }
    pm_str *out[NKEYS] = {&doc->id, &doc->title, &doc->issuer, &doc->docno, &doc->date,
                          &doc->region_code, &doc->url, &doc->part_of, &doc->body};
    for (int k = 0; k < NKEYS; k++)
        if (set[k]) {
            out[k]->p = j->arena.data + off[k];
            out[k]->len = len[k];
        }
    return PM_OK;
}

const pm_format pm_format_jsonl = {
    .name = "jsonl",
    .sniff = jsonl_sniff,
    .split_create = jsplit_create,
    .split_next = jsplit_next,
    .split_free = jsplit_free,
    .parse_create = jparse_create,
    .parse = jparse,
    .parse_free = jparse_free,
};
