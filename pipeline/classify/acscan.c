/* classify/acscan.c - Aho-Corasick over byte strings: one pass over a text reports every
 * occurrence of every literal.
 *
 * Built as a full DFA over byte classes (bytes that occur in some literal get their own
 * class, all others share class 0), with a dense uint32 transition table, so the scan is
 * one table load per byte. Output uses "dictionary links" (nearest suffix state with
 * outputs) instead of copied output lists. ASCII letters are case-folded (literals are
 * added lower-cased; 'A' shares the class of 'a'), which only adds candidates - the
 * confirming regex decides. Read-only after pm_ac_build.
 */
#include <stdlib.h>
#include <string.h>

#include "prefilter.h"

typedef struct node {
    uint32_t next_sparse; /* first child edge during construction */
    uint32_t fail;
    uint32_t dict;        /* nearest suffix state with outputs, or 0 */
    uint32_t out;         /* first output, or UINT32_MAX */
} node;

typedef struct edge {
    uint32_t to;
    uint32_t next;
    unsigned char byte;
} edge;

typedef struct outl {
    uint32_t id;
    uint32_t next;
} outl;

struct pm_ac {
    node *nodes;
    size_t nn, ncap;
    edge *edges;
    size_t ne, ecap;
    outl *outs;
    size_t no, ocap;
    uint16_t cls[256];
    size_t ncls;
    uint32_t *delta; /* nn x ncls */
    uint16_t *delta16; /* the same table in half the cache when nn < 65536 */
    size_t maxlit;     /* longest literal, bytes */
    int built;
};

static pm_status new_node(pm_ac *ac, uint32_t *id)
{
    if (ac->nn == ac->ncap) {
        size_t nc = ac->ncap ? ac->ncap * 2 : 1024;
        node *n = realloc(ac->nodes, nc * sizeof *n);
        if (!n)
            return PM_ERR_NOMEM;
        ac->nodes = n;
        ac->ncap = nc;
    }
    ac->nodes[ac->nn] = (node){UINT32_MAX, 0, 0, UINT32_MAX};
    *id = (uint32_t)ac->nn++;
    return PM_OK;
}

pm_status pm_ac_create(pm_ac **out)
{
    pm_ac *ac = calloc(1, sizeof *ac);
    if (!ac)
        return PM_ERR_NOMEM;
    uint32_t root;
    if (new_node(ac, &root) != PM_OK) {
        free(ac);
        return PM_ERR_NOMEM;
    }
    *out = ac;
    return PM_OK;
}

void pm_ac_free(pm_ac *ac)
{
    if (!ac)
        return;
    free(ac->nodes);
    free(ac->edges);
    free(ac->outs);
    free(ac->delta);
    free(ac->delta16);
    free(ac);
}

static uint32_t child(const pm_ac *ac, uint32_t s, unsigned char b)
{
    for (uint32_t e = ac->nodes[s].next_sparse; e != UINT32_MAX; e = ac->edges[e].next)
        if (ac->edges[e].byte == b)
            return ac->edges[e].to;
    return UINT32_MAX;
}

pm_status pm_ac_add(pm_ac *ac, const char *s, size_t n, uint32_t id)
{
    if (ac->built || n == 0)
        return PM_ERR_ARG;
    if (n > ac->maxlit)
        ac->maxlit = n;
    uint32_t cur = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b - 'A' + 'a'); /* the scan folds ASCII case */
        uint32_t c = child(ac, cur, b);
        if (c == UINT32_MAX) {
            pm_status st = new_node(ac, &c);
            if (st != PM_OK)
                return st;
            if (ac->ne == ac->ecap) {
                size_t nc = ac->ecap ? ac->ecap * 2 : 1024;
                edge *ne = realloc(ac->edges, nc * sizeof *ne);
                if (!ne)
                    return PM_ERR_NOMEM;
                ac->edges = ne;
                ac->ecap = nc;
            }
            ac->edges[ac->ne] = (edge){c, ac->nodes[cur].next_sparse, b};
            ac->nodes[cur].next_sparse = (uint32_t)ac->ne++;
        }
        cur = c;
    }
    if (ac->no == ac->ocap) {
        size_t nc = ac->ocap ? ac->ocap * 2 : 1024;
        outl *no = realloc(ac->outs, nc * sizeof *no);
        if (!no)
            return PM_ERR_NOMEM;
        ac->outs = no;
        ac->ocap = nc;
    }
    ac->outs[ac->no] = (outl){id, ac->nodes[cur].out};
    ac->nodes[cur].out = (uint32_t)ac->no++;
    return PM_OK;
}

pm_status pm_ac_build(pm_ac *ac)
{
    /* byte classes */
    memset(ac->cls, 0, sizeof ac->cls);
    ac->ncls = 1;
    for (size_t e = 0; e < ac->ne; e++) {
        unsigned char b = ac->edges[e].byte;
        if (!ac->cls[b])
            ac->cls[b] = (uint16_t)ac->ncls++;
    }
    for (int c = 'A'; c <= 'Z'; c++) /* ASCII case-insensitive scan */
        ac->cls[c] = ac->cls[c - 'A' + 'a'];
    size_t nc = ac->ncls;
    ac->delta = calloc(ac->nn * nc, sizeof *ac->delta);
    uint32_t *queue = malloc(ac->nn * sizeof *queue);
    if (!ac->delta || !queue) {
        free(queue);
        return PM_ERR_NOMEM;
    }
    /* BFS: delta[s][c] = child if any, else delta[fail(s)][c] */
    size_t qh = 0, qt = 0;
    for (uint32_t e = ac->nodes[0].next_sparse; e != UINT32_MAX; e = ac->edges[e].next) {
        uint32_t c = ac->edges[e].to;
        ac->delta[ac->cls[ac->edges[e].byte]] = c;
        ac->nodes[c].fail = 0;
        ac->nodes[c].dict = 0;
        queue[qt++] = c;
    }
    while (qh < qt) {
        uint32_t s = queue[qh++];
        uint32_t f = ac->nodes[s].fail;
        memcpy(&ac->delta[(size_t)s * nc], &ac->delta[(size_t)f * nc], nc * sizeof *ac->delta);
        for (uint32_t e = ac->nodes[s].next_sparse; e != UINT32_MAX; e = ac->edges[e].next) {
            uint32_t c = ac->edges[e].to;
            size_t k = ac->cls[ac->edges[e].byte];
            uint32_t cf = ac->delta[(size_t)f * nc + k];
            ac->nodes[c].fail = cf == c ? 0 : cf;
            ac->nodes[c].dict = ac->nodes[ac->nodes[c].fail].out != UINT32_MAX
                                    ? ac->nodes[c].fail : ac->nodes[ac->nodes[c].fail].dict;
            ac->delta[(size_t)s * nc + k] = c;
            queue[qt++] = c;
        }
    }
    free(queue);
    /* the class of bytes in no literal always returns to the root */
    for (size_t s = 0; s < ac->nn; s++)
        ac->delta[s * nc] = 0;
    if (ac->nn < 32768) {
        /* 16-bit table; bit 15 marks states that report something, so the scan touches
         * the node array only when there is a hit to report */
        ac->delta16 = malloc(ac->nn * nc * sizeof *ac->delta16);
        if (ac->delta16) {
            for (size_t i = 0; i < ac->nn * nc; i++) {
                uint32_t t = ac->delta[i];
                int reports = ac->nodes[t].out != UINT32_MAX || ac->nodes[t].dict != 0;
                ac->delta16[i] = (uint16_t)(t | (reports ? 0x8000u : 0));
            }
            free(ac->delta);
            ac->delta = NULL;
        }
    }
    ac->built = 1;
    return PM_OK;
}

size_t pm_ac_states(const pm_ac *ac) { return ac->nn; }

#define AC_SCAN_LOOP(TABLE)                                                               \
    for (size_t i = 0; i < n; i++) {                                                      \
        s = TABLE[(size_t)s * nc + cls[p[i]]];                                            \
        if (!s)                                                                           \
            continue;                                                                     \
        for (uint32_t t = nodes[s].out != UINT32_MAX ? s : nodes[s].dict; t;              \
             t = nodes[t].dict)                                                           \
            for (uint32_t o = nodes[t].out; o != UINT32_MAX; o = ac->outs[o].next)        \
                hit(ud, ac->outs[o].id, i + 1);                                                  \
    }

static void report(const pm_ac *ac, uint32_t s, size_t end,
                   void (*hit)(void *ud, uint32_t id, size_t end), void *ud)
{
    const node *nodes = ac->nodes;
    for (uint32_t t = nodes[s].out != UINT32_MAX ? s : nodes[s].dict; t; t = nodes[t].dict)
        for (uint32_t o = nodes[t].out; o != UINT32_MAX; o = ac->outs[o].next)
            hit(ud, ac->outs[o].id, end);
}

#define LANES 4

void pm_ac_scan(const pm_ac *ac, const char *text, size_t n,
                void (*hit)(void *ud, uint32_t id, size_t end), void *ud)
{
    const uint16_t *cls = ac->cls;
    const size_t nc = ac->ncls;
    const unsigned char *p = (const unsigned char *)text;
    if (!ac->delta16) {
        const node *nodes = ac->nodes;
        const uint32_t *d = ac->delta;
        uint32_t s = 0;
        AC_SCAN_LOOP(d)
        return;
    }
    const uint16_t *d = ac->delta16;
    /* A big table does not fit in L1/L2, and each step waits for the previous load. Long
     * texts are cut into LANES pieces scanned in lockstep, so their cache misses overlap;
     * each piece after the first starts maxlit-1 bytes early, in the root state, and
     * reports only occurrences ending inside its own piece: every occurrence is reported
     * exactly once, though not in text order. */
    size_t lo[LANES], hi[LANES], pos[LANES];
    uint32_t v[LANES];
    int lanes = n >= (size_t)LANES * 2048 && ac->maxlit < 1024 ? LANES : 1;
    size_t piece = n / (size_t)lanes;
    for (int k = 0; k < lanes; k++) {
        lo[k] = (size_t)k * piece;
        hi[k] = k == lanes - 1 ? n : lo[k] + piece;
        pos[k] = k && lo[k] >= ac->maxlit - 1 ? lo[k] - (ac->maxlit - 1) : 0;
        v[k] = 0;
    }
    if (lanes == LANES) {
        size_t steps = hi[0] - pos[0];
        for (int k = 1; k < LANES; k++)
            if (hi[k] - pos[k] < steps)
                steps = hi[k] - pos[k];
        for (size_t j = 0; j < steps; j++) {
            for (int k = 0; k < LANES; k++)
                v[k] = d[(size_t)(v[k] & 0x7fffu) * nc + cls[p[pos[k] + j]]];
            uint32_t any = 0;
            for (int k = 0; k < LANES; k++)
                any |= v[k];
            if (__builtin_expect((any & 0x8000u) != 0, 0))
                for (int k = 0; k < LANES; k++)
                    if ((v[k] & 0x8000u) && pos[k] + j >= lo[k])
                        report(ac, v[k] & 0x7fffu, pos[k] + j + 1, hit, ud);
        }
        for (int k = 0; k < LANES; k++)
            pos[k] += steps;
    }
    for (int k = 0; k < lanes; k++) {
        uint32_t w = v[k];
        for (size_t i = pos[k]; i < hi[k]; i++) {
            w = d[(size_t)(w & 0x7fffu) * nc + cls[p[i]]];
            if ((w & 0x8000u) && i >= lo[k])
                report(ac, w & 0x7fffu, i + 1, hit, ud);
        }
    }
}
