/* diffusion/netinf.c - NetInf network inference (see include/policyminer/netinf.h): SNAP's
 * objective with lazy evaluation, and R NetworkInference's objective (compat mode).
 *
 * Owns the interned names, the events, and at inference time a flat copy of every
 * cascade sorted by time, the candidate edges with the list of (earlier event, later
 * event) pairs that support each (CSR), each event's current best parent log-weight, and
 * a max-heap of (stale) gains for lazy evaluation. Everything is single-threaded and
 * summed in a fixed order, so results are reproducible bit for bit. Never prints.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/buf.h"
#include "policyminer/hash.h"
#include "policyminer/hmap.h"
#include "policyminer/netinf.h"
#include "policyminer/sinks.h"

#define MAX_ITEMS 0x7fffffffu

/* ---- u64 -> u32 map (core's pm_hmap, made on first use so a zeroed map is empty) ------ */
typedef struct u64map {
    pm_hmap *h;
} u64map;

static void map_free(u64map *m)
{
    pm_hmap_free(m->h);
    m->h = NULL;
}

/* Finds key; when absent inserts it with value `fresh`. *found tells which happened. */
static pm_status map_get(u64map *m, uint64_t key, uint32_t fresh, uint32_t *val, int *found)
{
    pm_status st = PM_OK;
    if (!m->h && (st = pm_hmap_create(&m->h, 0, MAX_ITEMS)) != PM_OK)
        return st;
    int added;
    uint64_t *v = pm_hmap_put(m->h, key, &added, &st);
    if (!v)
        return st;
    if (added)
        *v = fresh;
    *val = (uint32_t)*v;
    *found = !added;
    return PM_OK;
}

/* ---- interned strings ------------------------------------------------------------------ */
typedef struct strtab {
    char **s;
    size_t n, cap;
    pm_hmap *idx; /* name -> index in s */
} strtab;

static void strtab_free(strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
    pm_hmap_free(t->idx);
    memset(t, 0, sizeof *t);
}

static pm_status strtab_intern(strtab *t, const char *name, uint32_t *out)
{
    size_t len = strlen(name);
    pm_status st = PM_OK;
    if (!t->idx && (st = pm_hmap_create(&t->idx, 1, MAX_ITEMS)) != PM_OK)
        return st;
    const uint64_t *known = pm_hmap_get_bytes(t->idx, name, len);
    if (known) {
        *out = (uint32_t)*known;
        return PM_OK;
    }
    if ((st = pm_array_reserve(&t->s, &t->cap, t->n + 1, sizeof *t->s, 256, MAX_ITEMS)) != PM_OK)
        return st;
    char *copy = malloc(len + 1);
    if (!copy)
        return PM_ERR_NOMEM;
    memcpy(copy, name, len + 1);
    int added;
    uint64_t *v = pm_hmap_put_bytes(t->idx, name, len, &added, &st);
    if (!v) {
        free(copy);
        return st;
    }
    *v = t->n;
    t->s[t->n] = copy;
    *out = (uint32_t)t->n++;
    return PM_OK;
}

/* ---- the handle -------------------------------------------------------------------------- */
typedef struct event {
    uint32_t cascade, node;
    double time;
} event;

typedef struct cand {
    uint32_t u, v;     /* node ids */
    uint32_t first;    /* pairs[first .. first+count) */
    uint32_t count;
} cand;

typedef struct heapent {
    double gain;
    uint32_t cand;
    uint32_t stamp; /* greedy round the gain was computed in */
} heapent;

struct pm_netinf {
    strtab cascades, nodes;
    event *ev;
    size_t nev, evcap;
    u64map evidx; /* (cascade << 32 | node) -> event index */
    size_t duplicates;
    /* results */
    pm_netinf_edge *edges;
    size_t nedges;
    size_t ncand, npairs, ncapped;
    int compat;        /* the last inference ran in NetworkInference mode (output columns) */
    double alpha_used; /* the rate it used */
};

void pm_netinf_options_default(pm_netinf_options *o)
{
    o->model = PM_NETINF_EXPONENTIAL;
    o->alpha = 1.0;
    o->epsilon = 1e-64;
    o->max_pairs = (size_t)1 << 25;
    o->max_lag = 0;
    o->max_parents = 0;
    o->compat = PM_NETINF_COMPAT_SNAP;
    o->p_value_cutoff = 0;
    o->alpha_auto = 0;
}

pm_status pm_netinf_compat_parse(const char *s, pm_netinf_compat *out)
{
    if (strcmp(s, "snap") == 0)
        *out = PM_NETINF_COMPAT_SNAP;
    else if (strcmp(s, "networkinference") == 0)
        *out = PM_NETINF_COMPAT_NETWORKINFERENCE;
    else
        return PM_ERR_ARG;
    return PM_OK;
}

pm_status pm_netinf_model_parse(const char *s, pm_netinf_model *out)
{
    if (strcmp(s, "exponential") == 0 || strcmp(s, "exp") == 0)
        *out = PM_NETINF_EXPONENTIAL;
    else if (strcmp(s, "powerlaw") == 0 || strcmp(s, "power") == 0)
        *out = PM_NETINF_POWERLAW;
    else if (strcmp(s, "rayleigh") == 0)
        *out = PM_NETINF_RAYLEIGH;
    else
        return PM_ERR_ARG;
    return PM_OK;
}

const char *pm_netinf_model_name(pm_netinf_model m)
{
    switch (m) {
    case PM_NETINF_EXPONENTIAL: return "exponential";
    case PM_NETINF_POWERLAW: return "powerlaw";
    case PM_NETINF_RAYLEIGH: return "rayleigh";
    }
    return "unknown";
}

pm_status pm_netinf_create(pm_netinf **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? PM_OK : PM_ERR_NOMEM;
}

static void clear_edges(pm_netinf *n)
{
    free(n->edges);
    n->edges = NULL;
    n->nedges = 0;
    n->ncand = n->npairs = n->ncapped = 0;
    n->compat = 0;
    n->alpha_used = 0;
}

void pm_netinf_free(pm_netinf *n)
{
    if (!n)
        return;
    strtab_free(&n->cascades);
    strtab_free(&n->nodes);
    free(n->ev);
    map_free(&n->evidx);
    clear_edges(n);
    free(n);
}

pm_status pm_netinf_add_node(pm_netinf *n, const char *node)
{
    if (!node || !*node)
        return PM_ERR_ARG;
    uint32_t id;
    return strtab_intern(&n->nodes, node, &id);
}

pm_status pm_netinf_add(pm_netinf *n, const char *cascade, const char *node, double time)
{
    if (!cascade || !*cascade || !node || !*node || !isfinite(time))
        return PM_ERR_ARG;
    uint32_t c, v, e;
    int found;
    pm_status st = strtab_intern(&n->cascades, cascade, &c);
    if (st == PM_OK)
        st = strtab_intern(&n->nodes, node, &v);
    if (st != PM_OK)
        return st;
    if ((st = pm_array_reserve(&n->ev, &n->evcap, n->nev + 1, sizeof *n->ev, 1024, MAX_ITEMS)) !=
        PM_OK)
        return st;
    st = map_get(&n->evidx, ((uint64_t)c << 32) | v, (uint32_t)n->nev, &e, &found);
    if (st != PM_OK)
        return st;
    if (found) {
        n->duplicates++;
        if (time < n->ev[e].time)
            n->ev[e].time = time;
        return PM_OK;
    }
    n->ev[n->nev++] = (event){c, v, time};
    return PM_OK;
}

/* ---- inference ---------------------------------------------------------------------------- */

/* log f(dt; alpha) for dt > 0. */
static double log_density(pm_netinf_model m, double alpha, double dt)
{
    switch (m) {
    case PM_NETINF_EXPONENTIAL: return log(alpha) - alpha * dt;
    case PM_NETINF_POWERLAW: return log(alpha - 1.0) - alpha * log(dt);
    case PM_NETINF_RAYLEIGH: return log(alpha) + log(dt) - 0.5 * alpha * dt * dt;
    }
    return -INFINITY;
}

static int ev_cmp(const void *a, const void *b)
{
    const event *x = a, *y = b;
    if (x->cascade != y->cascade)
        return x->cascade < y->cascade ? -1 : 1;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return (x->node > y->node) - (x->node < y->node);
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Inference workspace, freed in one place. */
typedef struct work {
    event *ev;        /* sorted copy */
    double *best;     /* per event: current best parent log-weight */
    cand *cands;
    uint32_t *pairs;  /* 2 per pair: earlier event, later event */
    uint32_t *rank;   /* node id -> position in byte order of names */
    heapent *heap;
    size_t nheap;
    double *lags;
} work;

static void work_free(work *w)
{
    free(w->ev);
    free(w->best);
    free(w->cands);
    free(w->pairs);
    free(w->rank);
    free(w->heap);
    free(w->lags);
}

/* a ranks before b: larger gain, then smaller (origin, destination) names. */
static int heap_before(const work *w, const heapent *a, const heapent *b)
{
    if (a->gain != b->gain)
        return a->gain > b->gain;
    const cand *x = &w->cands[a->cand], *y = &w->cands[b->cand];
    if (x->u != y->u)
        return w->rank[x->u] < w->rank[y->u];
    return w->rank[x->v] < w->rank[y->v];
}

static void heap_push(work *w, heapent e)
{
    size_t i = w->nheap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!heap_before(w, &e, &w->heap[p]))
            break;
        w->heap[i] = w->heap[p];
        i = p;
    }
    w->heap[i] = e;
}

static heapent heap_pop(work *w)
{
    heapent top = w->heap[0], last = w->heap[--w->nheap];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const heapent *mv = &last;
        if (l < w->nheap && heap_before(w, &w->heap[l], mv)) {
            m = l;
            mv = &w->heap[l];
        }
        if (r < w->nheap && heap_before(w, &w->heap[r], mv))
            m = r;
        if (m == i)
            break;
        w->heap[i] = w->heap[m];
        i = m;
    }
    if (w->nheap)
        w->heap[i] = last;
    return top;
}

typedef struct named {
    const char *name;
    uint32_t id;
} named;

static int named_cmp(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* Each cascade's rank in byte order of the cascade ids (allocated; NULL = out of memory):
 * gains are summed in that order in both modes, so input order never changes a bit. */
static uint32_t *cascade_ranks(const pm_netinf *n)
{
    const uint32_t nc = n->cascades.n;
    named *order = malloc((nc ? nc : 1) * sizeof *order);
    uint32_t *rank = malloc((nc ? nc : 1) * sizeof *rank);
    if (!order || !rank) {
        free(order);
        free(rank);
        return NULL;
    }
    for (uint32_t i = 0; i < nc; i++)
        order[i] = (named){n->cascades.s[i], i};
    qsort(order, nc, sizeof *order, named_cmp);
    for (uint32_t i = 0; i < nc; i++)
        rank[order[i].id] = i;
    free(order);
    return rank;
}

static double cand_gain(const work *w, const cand *c, pm_netinf_model m, double alpha)
{
    double g = 0;
    for (uint32_t i = 0; i < c->count; i++) {
        const uint32_t *p = &w->pairs[2 * ((size_t)c->first + i)];
        double lw = log_density(m, alpha, w->ev[p[1]].time - w->ev[p[0]].time);
        if (lw > w->best[p[1]])
            g += lw - w->best[p[1]];
    }
    return g;
}

/* ---- NetworkInference compatibility (R package NetworkInference 1.2.x) ------------------
 * Reproduces R's netinf() edge for edge: the same scores computed with the same floating
 * point expressions and summed in the same order (cascades in byte order of their ids,
 * which is the order R's split() gives them; events by time, ties in input order), the
 * same tie rule, and the same Vuong test. Each round recomputes only the improvements of
 * the edges into the destination just re-parented, as R 1.2 does: no other score moved. */

#define NI_BETA 0.5     /* weight of an edge of the network */
#define NI_EPSILON 1e-10 /* weight of explaining a node by a non-network earlier node */

typedef struct ni_event {
    uint32_t cascade; /* rank in byte order of cascade ids */
    uint32_t node;
    uint32_t input;   /* position among the added events: R keeps input order on ties */
    double time;
} ni_event;

static int ni_event_cmp(const void *a, const void *b)
{
    const ni_event *x = a, *y = b;
    if (x->cascade != y->cascade)
        return x->cascade < y->cascade ? -1 : 1;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return (x->input > y->input) - (x->input < y->input);
}

typedef struct ni_cand {
    uint32_t child, parent; /* node ids (first-appearance order, R's integer ids) */
    uint32_t first, count;  /* pairs[first .. first+count) */
    double improvement;
    int used;
} ni_cand;

typedef struct ni_pair {
    uint32_t parent_ev, child_ev;
    double score; /* log(beta f(dt)): the child's score with this parent in the network */
} ni_pair;

/* R's densities, in double precision as NetworkInference 1.2 computes them. */
static double ni_density(pm_netinf_model m, double lambda, double x)
{
    if (m == PM_NETINF_RAYLEIGH)
        return (x / pow(lambda, 2)) * exp(-pow(x, 2) / (2 * pow(lambda, 2)));
    return lambda * exp(-1 * lambda * x);
}

/* The normal CDF approximation R's package uses (Abramowitz & Stegun 7.1.26), so that
 * p-values agree to the last digit rather than to erfc's accuracy. */
static double ni_normal_cdf(double x)
{
    int sign = x < 0 ? -1 : 1;
    x = fabs(x) / sqrt(2.0);
    double t = 1.0 / (1.0 + 0.3275911 * x);
    double y = 1.0 - (((((1.061405429 * t + -1.453152027) * t) + 1.421413741) * t +
                       -0.284496736) * t + 0.254829592) * t * exp(-x * x);
    return 0.5 * (1.0 + sign * y);
}

/* R's mean(): a long double sum, then one correction pass. */
static double ni_mean(const double *x, size_t n)
{
    long double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    s /= (long double)n;
    if (isfinite((double)s)) {
        long double t = 0;
        for (size_t i = 0; i < n; i++)
            t += x[i] - s;
        s += t / (long double)n;
    }
    return (double)s;
}

/* The package's Vuong-style test of the tree scores after an edge (x2) against before
 * (x1): one-sided, with a 1/n penalty for the edge (n converted to single precision as
 * the package does), Rcpp's two-pass sample variance and R's mean. As in R, where the
 * penalised vector is assigned back into the caller's storage, x2 keeps the penalty: a
 * cascade's stored score drifts by 1/n per edge until the cascade is re-scored, and the
 * next test sees that drift. liks is scratch of n doubles. */
static double ni_vuong(const double *x1, double *x2, double *liks, size_t n)
{
    const double pen = (double)(1.0f / (float)n);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        x2[i] = x2[i] - pen;
        liks[i] = x2[i] - x1[i];
        sum += liks[i];
    }
    const double m = ni_mean(liks, n);
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (liks[i] - m) * (liks[i] - m);
    const double sd = sqrt(ss / (double)(n - 1));
    return 1 - ni_normal_cdf(sum / (sd * sqrt((double)n)));
}

/* Tree score of a cascade: the sum of its nodes' scores in time order (first nodes,
 * NAN, count nothing). */
static double ni_tree_score(const double *cur, size_t from, size_t to)
{
    double s = 0;
    for (size_t i = from; i < to; i++)
        if (!isnan(cur[i]))
            s += cur[i];
    return s;
}

typedef struct ni_key {
    uint64_t key; /* child << 32 | parent */
    uint32_t cand;
} ni_key;

static int ni_key_cmp(const void *a, const void *b)
{
    uint64_t x = ((const ni_key *)a)->key, y = ((const ni_key *)b)->key;
    return (x > y) - (x < y);
}

/* Inference workspace, freed in one place. */
typedef struct ni_work {
    ni_event *ev;
    uint32_t *cstart;  /* cascade c holds ev[cstart[c] .. cstart[c+1]) */
    double *cur;       /* per event: current score, NAN when it has no earlier node */
    double *tree, *old_tree, *liks;
    ni_cand *cands;
    ni_key *order;     /* candidates sorted by (child, parent) */
    uint32_t *child_from; /* order[child_from[v] .. child_from[v+1]) have child v */
    ni_pair *pairs;
    double *lags;
    uint32_t *dense; /* (child, parent) -> candidate + 1, when nodes^2 is small */
} ni_work;

static void ni_work_free(ni_work *w)
{
    free(w->ev);
    free(w->cstart);
    free(w->cur);
    free(w->tree);
    free(w->old_tree);
    free(w->liks);
    free(w->cands);
    free(w->order);
    free(w->child_from);
    free(w->pairs);
    free(w->lags);
    free(w->dense);
}


/* R's starting rate without params: the midpoint of the rates that would fit a "fan"
 * (every node infected by the cascade's first) and a "chain" (each by the previous). */
static pm_status ni_auto_alpha(const ni_work *w, uint32_t ncasc, size_t nev, double *out,
                               pm_errctx *err)
{
    double *fan = malloc((nev ? nev : 1) * sizeof *fan);
    double *chain = malloc((nev ? nev : 1) * sizeof *chain);
    if (!fan || !chain) {
        free(fan);
        free(chain);
        return PM_ERR_NOMEM;
    }
    size_t m = 0;
    for (uint32_t c = 0; c < ncasc; c++)
        for (uint32_t i = w->cstart[c] + 1; i < w->cstart[c + 1]; i++) {
            fan[m] = w->ev[i].time - w->ev[w->cstart[c]].time;
            chain[m++] = w->ev[i].time - w->ev[i - 1].time;
        }
    double alpha = NAN;
    if (m) {
        double lambda_min = 1 / ni_mean(fan, m), lambda_max = 1 / ni_mean(chain, m);
        double two[2] = {lambda_max, lambda_min};
        alpha = ni_mean(two, 2);
    }
    free(fan);
    free(chain);
    if (!(alpha > 0) || !isfinite(alpha))
        return pm_errctx_set(err, PM_ERR_ARG, NULL,
                             "cannot derive the rate from the data (no cascade with two "
                             "distinct times); give alpha");
    *out = alpha;
    return PM_OK;
}

static pm_status infer_networkinference(pm_netinf *n, const pm_netinf_options *o, size_t k,
                                        pm_errctx *err)
{
    if (o->model == PM_NETINF_POWERLAW)
        return pm_errctx_set(err, PM_ERR_ARG, NULL,
                             "NetworkInference has no power-law model (exponential, rayleigh)");
    if (o->p_value_cutoff != 0 && !(o->p_value_cutoff > 0 && o->p_value_cutoff <= 1))
        return pm_errctx_set(err, PM_ERR_ARG, NULL, "the p-value cutoff must lie in (0, 1]");
    if (o->alpha_auto && o->model != PM_NETINF_EXPONENTIAL)
        return pm_errctx_set(err, PM_ERR_ARG, NULL,
                             "a derived rate is available for the exponential model only");
    if (!o->alpha_auto && (!(o->alpha > 0) || !isfinite(o->alpha)))
        return pm_errctx_set(err, PM_ERR_ARG, NULL, "alpha must be positive");
    size_t max_pairs = o->max_pairs > MAX_ITEMS ? MAX_ITEMS : o->max_pairs;

    ni_work w = {0};
    pm_status st = PM_OK;
    u64map cmap = {0};
    const size_t nev = n->nev, nnodes = n->nodes.n;
    const uint32_t ncasc = n->cascades.n;
    const int auto_edges = o->p_value_cutoff > 0;

    w.ev = malloc((nev ? nev : 1) * sizeof *w.ev);
    w.cur = malloc((nev ? nev : 1) * sizeof *w.cur);
    w.lags = malloc((nev ? nev : 1) * sizeof *w.lags);
    w.cstart = calloc((size_t)ncasc + 1, sizeof *w.cstart);
    w.tree = malloc(((size_t)ncasc + 1) * sizeof *w.tree);
    w.old_tree = malloc(((size_t)ncasc + 1) * sizeof *w.old_tree);
    w.liks = malloc(((size_t)ncasc + 1) * sizeof *w.liks);
    w.child_from = calloc(nnodes + 1, sizeof *w.child_from);
    if (nnodes <= 2048) /* at most 16 MB; a hash map beyond */
        if (!(w.dense = calloc(nnodes * nnodes + 1, sizeof *w.dense))) {
            st = PM_ERR_NOMEM;
            goto done;
        }
    if (!w.ev || !w.cur || !w.lags || !w.cstart || !w.tree || !w.old_tree || !w.liks ||
        !w.child_from) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    /* cascades in byte order of their ids (R's split() sorts them so) */
    {
        uint32_t *crank = cascade_ranks(n);
        if (!crank) {
            st = PM_ERR_NOMEM;
            goto done;
        }
        for (size_t i = 0; i < nev; i++)
            w.ev[i] = (ni_event){crank[n->ev[i].cascade], n->ev[i].node, (uint32_t)i,
                                 n->ev[i].time};
        free(crank);
    }
    qsort(w.ev, nev, sizeof *w.ev, ni_event_cmp);
    for (size_t i = 0; i < nev; i++)
        w.cstart[w.ev[i].cascade + 1]++;
    for (uint32_t c = 0; c < ncasc; c++)
        w.cstart[c + 1] += w.cstart[c];

    double lambda = o->alpha;
    if (o->alpha_auto && (st = ni_auto_alpha(&w, ncasc, nev, &lambda, err)) != PM_OK)
        goto done;
    n->alpha_used = lambda;

    /* Candidate edges (child, parent) with their pairs, cascades in order: count, then
     * fill, scoring each pair once both ways (with and without a network edge); the
     * starting trees take every node's best non-network earlier node. */
    for (size_t i = 0; i < nev; i++)
        w.cur[i] = NAN; /* no earlier node (yet) */
    size_t ncand = 0, candcap = 0, npairs = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t c = 0; c < ncasc; c++)
            for (uint32_t j = w.cstart[c]; j < w.cstart[c + 1]; j++)
                for (uint32_t i = w.cstart[c]; i < j && w.ev[i].time < w.ev[j].time; i++) {
                    uint32_t id;
                    int found;
                    if (w.dense) { /* few nodes: a direct (child, parent) table */
                        uint32_t *slot = &w.dense[(size_t)w.ev[j].node * nnodes + w.ev[i].node];
                        found = *slot != 0;
                        if (!found)
                            *slot = (uint32_t)ncand + 1;
                        id = *slot - 1;
                    } else {
                        uint64_t key = ((uint64_t)w.ev[j].node << 32) | w.ev[i].node;
                        if ((st = map_get(&cmap, key, (uint32_t)ncand, &id, &found)) != PM_OK)
                            goto done;
                    }
                    if (pass == 0) {
                        if (++npairs > max_pairs) {
                            st = pm_errctx_set(err, PM_ERR_TOO_BIG, NULL,
                                               "more than %zu (cascade, earlier, later) pairs; "
                                               "raise the pair cap or use fewer cascades",
                                               max_pairs);
                            goto done;
                        }
                        if (!found) {
                            st = pm_array_reserve(&w.cands, &candcap, ncand + 1,
                                                  sizeof *w.cands, 1024, MAX_ITEMS);
                            if (st != PM_OK)
                                goto done;
                            w.cands[ncand++] = (ni_cand){w.ev[j].node, w.ev[i].node, 0, 0, 0, 0};
                        }
                        w.cands[id].count++;
                    } else {
                        ni_cand *cd = &w.cands[id];
                        double y = ni_density(o->model, lambda, w.ev[j].time - w.ev[i].time);
                        w.pairs[cd->first + cd->count++] = (ni_pair){i, j, log(NI_BETA * y)};
                        double sc = log(NI_EPSILON * y);
                        if (isnan(w.cur[j]) || sc > w.cur[j])
                            w.cur[j] = sc;
                    }
                }
        if (pass == 0) {
            uint32_t off = 0;
            for (size_t c = 0; c < ncand; c++) {
                w.cands[c].first = off;
                off += w.cands[c].count;
                w.cands[c].count = 0;
            }
            w.pairs = malloc((npairs ? npairs : 1) * sizeof *w.pairs);
            w.order = malloc((ncand ? ncand : 1) * sizeof *w.order);
            if (!w.pairs || !w.order) {
                st = PM_ERR_NOMEM;
                goto done;
            }
        }
    }
    for (uint32_t c = 0; c < ncasc; c++) {
        for (uint32_t i = w.cstart[c]; i < w.cstart[c + 1]; i++)
            if (w.cur[i] == -INFINITY) { /* R stops here too */
                uint32_t j = i;
                while (w.ev[j].time >= w.ev[i].time)
                    j--; /* the nearest earlier node: there is one, or cur would be NAN */
                st = pm_errctx_set(err, PM_ERR_ARG, NULL,
                                   "a delay of %g has zero likelihood at alpha %g; adjust alpha",
                                   w.ev[i].time - w.ev[j].time, lambda);
                goto done;
            }
        w.tree[c] = ni_tree_score(w.cur, w.cstart[c], w.cstart[c + 1]);
    }
    n->ncand = ncand;
    n->npairs = npairs;
    n->ncapped = 0; /* max_parents is SNAP mode only */
    if (!auto_edges && k > ncand) {
        st = pm_errctx_set(err, PM_ERR_ARG, NULL,
                           "%zu edges asked for, but only %zu are possible (as R, an error)", k,
                           ncand);
        goto done;
    }
    size_t want = auto_edges ? ncand : k;
    n->edges = calloc(want ? want : 1, sizeof *n->edges);
    if (!n->edges) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t c = 0; c < ncand; c++) {
        w.order[c] = (ni_key){((uint64_t)w.cands[c].child << 32) | w.cands[c].parent, (uint32_t)c};
        w.child_from[w.cands[c].child + 1]++;
    }
    qsort(w.order, ncand, sizeof *w.order, ni_key_cmp);
    for (size_t v = 0; v < nnodes; v++)
        w.child_from[v + 1] += w.child_from[v];

    /* improvement of an edge: its destination's gain, cascade by cascade, in order */
    for (size_t c = 0; c < ncand; c++) {
        ni_cand *cd = &w.cands[c];
        double imp = 0;
        for (uint32_t p = cd->first; p < cd->first + cd->count; p++)
            if (w.pairs[p].score > w.cur[w.pairs[p].child_ev])
                imp += w.pairs[p].score - w.cur[w.pairs[p].child_ev];
        cd->improvement = imp;
    }

    while (n->nedges < want) {
        /* the largest improvement; ties go to the last in (child, parent) order, as R */
        double max_imp = 0;
        size_t best = SIZE_MAX;
        for (size_t r = 0; r < ncand; r++) {
            const ni_cand *cd = &w.cands[w.order[r].cand];
            if (!cd->used && cd->improvement >= max_imp) {
                max_imp = cd->improvement;
                best = w.order[r].cand;
            }
        }
        if (best == SIZE_MAX)
            break;
        ni_cand *bc = &w.cands[best];
        memcpy(w.old_tree, w.tree, (size_t)ncasc * sizeof *w.tree);
        size_t nl = 0;
        double lagsum = 0;
        for (uint32_t p = bc->first; p < bc->first + bc->count; p++) {
            const ni_pair *pr = &w.pairs[p];
            if (!(pr->score > w.cur[pr->child_ev]))
                continue;
            w.cur[pr->child_ev] = pr->score;
            uint32_t c = w.ev[pr->child_ev].cascade;
            w.tree[c] = ni_tree_score(w.cur, w.cstart[c], w.cstart[c + 1]);
            double dt = w.ev[pr->child_ev].time - w.ev[pr->parent_ev].time;
            w.lags[nl++] = dt;
            lagsum += dt;
        }
        bc->used = 1;
        double pv = ni_vuong(w.old_tree, w.tree, w.liks, ncasc);
        qsort(w.lags, nl, sizeof *w.lags, dbl_cmp);
        pm_netinf_edge *ed = &n->edges[n->nedges++];
        ed->origin = n->nodes.s[bc->parent];
        ed->destination = n->nodes.s[bc->child];
        ed->gain = max_imp;
        ed->volume = (uint32_t)nl;
        ed->median_lag = nl ? w.lags[nl / 2] : 0;
        ed->mean_lag = nl ? lagsum / (double)nl : 0;
        ed->p_value = pv;
        /* only the edges into this destination can have changed */
        for (uint32_t r = w.child_from[bc->child]; r < w.child_from[bc->child + 1]; r++) {
            ni_cand *cd = &w.cands[w.order[r].cand];
            if (cd->used)
                continue;
            double imp = 0;
            for (uint32_t p = cd->first; p < cd->first + cd->count; p++)
                if (w.pairs[p].score > w.cur[w.pairs[p].child_ev])
                    imp += w.pairs[p].score - w.cur[w.pairs[p].child_ev];
            cd->improvement = imp;
        }
        if (auto_edges && pv >= o->p_value_cutoff)
            break;
    }
    n->compat = 1;

done:
    map_free(&cmap);
    ni_work_free(&w);
    if (st != PM_OK) {
        clear_edges(n);
        if (err && err->code == PM_OK)
            pm_errctx_set(err, st, NULL, "network inference (NetworkInference mode)");
    }
    return st;
}

pm_status pm_netinf_infer(pm_netinf *n, const pm_netinf_options *opt, size_t k, pm_errctx *err)
{
    pm_netinf_options o;
    if (opt)
        o = *opt;
    else
        pm_netinf_options_default(&o);
    clear_edges(n);
    if (o.compat == PM_NETINF_COMPAT_NETWORKINFERENCE)
        return infer_networkinference(n, &o, k, err);
    if (!(o.alpha > 0) || !isfinite(o.alpha) || !(o.epsilon > 0) || !isfinite(o.epsilon))
        return pm_errctx_set(err, PM_ERR_ARG, NULL, "alpha and epsilon must be positive");
    if (o.model == PM_NETINF_POWERLAW && !(o.alpha > 1))
        return pm_errctx_set(err, PM_ERR_ARG, NULL, "the power-law model needs alpha > 1");
    if (o.max_pairs > MAX_ITEMS)
        o.max_pairs = MAX_ITEMS;

    work w = {0};
    pm_status st = PM_OK;
    const size_t nev = n->nev, nnodes = n->nodes.n;
    const double logeps = log(o.epsilon);
    u64map cmap = {0};

    w.ev = malloc((nev ? nev : 1) * sizeof *w.ev);
    w.best = malloc((nev ? nev : 1) * sizeof *w.best);
    w.rank = malloc((nnodes ? nnodes : 1) * sizeof *w.rank);
    if (!w.ev || !w.best || !w.rank) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    if (nev)
        memcpy(w.ev, n->ev, nev * sizeof *w.ev);
    /* Cascades are laid out in byte order of their ids, so every gain is summed in an
     * order that does not depend on input order (equal gains stay bit-equal). */
    {
        uint32_t *crank = cascade_ranks(n);
        if (!crank) {
            st = PM_ERR_NOMEM;
            goto done;
        }
        for (size_t i = 0; i < nev; i++)
            w.ev[i].cascade = crank[w.ev[i].cascade];
        free(crank);
    }
    qsort(w.ev, nev, sizeof *w.ev, ev_cmp);
    for (size_t i = 0; i < nev; i++)
        w.best[i] = logeps;
    /* rank[node] = position of its name in byte order (the tie-break) */
    {
        named *order = malloc((nnodes ? nnodes : 1) * sizeof *order);
        if (!order) {
            st = PM_ERR_NOMEM;
            goto done;
        }
        for (uint32_t i = 0; i < nnodes; i++)
            order[i] = (named){n->nodes.s[i], i};
        qsort(order, nnodes, sizeof *order, named_cmp);
        for (uint32_t i = 0; i < nnodes; i++)
            w.rank[order[i].id] = i;
        free(order);
    }

    /* Pass 1: candidate edges and their pair counts; pass 2: fill the pair lists. Events
     * of a cascade are in time order, so the strictly earlier ones of j are [s, lt) and
     * the ones within max_lag [lo, lt); max_parents keeps the last of them. */
    size_t ncand = 0, candcap = 0, npairs = 0, ncapped = 0;
    uint32_t *pid = NULL; /* per pair: its candidate, so pass 2 need not look it up again */
    size_t pidcap = 0, pk = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t s = 0; s < nev;) {
            size_t e = s, lt = s, lo = s;
            while (e < nev && w.ev[e].cascade == w.ev[s].cascade)
                e++;
            for (size_t j = s; j < e; j++) {
                while (lt < j && w.ev[lt].time < w.ev[j].time)
                    lt++;
                while (o.max_lag > 0 && lo < lt && w.ev[j].time - w.ev[lo].time > o.max_lag)
                    lo++;
                size_t from = lo; /* those before lo are all too far apart */
                if (o.max_parents && lt - lo > o.max_parents) {
                    from = lt - o.max_parents;
                    if (pass == 0)
                        ncapped += from - lo;
                }
                for (size_t i = from; i < lt; i++) {
                    if (o.max_lag > 0 && w.ev[j].time - w.ev[i].time > o.max_lag)
                        continue; /* too far apart to count as influence */
                    uint32_t id;
                    int found;
                    if (pass == 1) /* the same pairs in the same order: pass 0 kept each id */
                        id = pid[pk++], found = 1;
                    else if ((st = map_get(&cmap, ((uint64_t)w.ev[i].node << 32) | w.ev[j].node,
                                           (uint32_t)ncand, &id, &found)) != PM_OK)
                        goto done;
                    if (pass == 0) {
                        if (npairs + 1 > o.max_pairs) {
                            st = pm_errctx_set(err, PM_ERR_TOO_BIG, NULL,
                                               "more than %zu (cascade, earlier, later) pairs; "
                                               "raise the pair cap or use fewer cascades",
                                               o.max_pairs);
                            goto done;
                        }
                        if ((st = pm_array_reserve(&pid, &pidcap, npairs + 1, sizeof *pid, 4096,
                                                   SIZE_MAX / sizeof *pid)) != PM_OK)
                            goto done;
                        pid[npairs++] = id;
                        if (!found) {
                            st = pm_array_reserve(&w.cands, &candcap, ncand + 1,
                                                  sizeof *w.cands, 1024, MAX_ITEMS);
                            if (st != PM_OK)
                                goto done;
                            w.cands[ncand++] = (cand){w.ev[i].node, w.ev[j].node, 0, 0};
                        }
                        w.cands[id].count++;
                    } else {
                        cand *c = &w.cands[id];
                        uint32_t *p = &w.pairs[2 * ((size_t)c->first + c->count++)];
                        p[0] = (uint32_t)i;
                        p[1] = (uint32_t)j;
                    }
                }
            }
            s = e;
        }
        if (pass == 0) {
            uint32_t off = 0;
            for (size_t c = 0; c < ncand; c++) {
                w.cands[c].first = off;
                off += w.cands[c].count;
                w.cands[c].count = 0;
            }
            w.pairs = malloc((npairs ? npairs : 1) * 2 * sizeof *w.pairs);
            w.heap = malloc((ncand ? ncand : 1) * sizeof *w.heap);
            w.lags = malloc((nev ? nev : 1) * sizeof *w.lags);
            n->edges = calloc(k < ncand ? (k ? k : 1) : (ncand ? ncand : 1), sizeof *n->edges);
            if (!w.pairs || !w.heap || !w.lags || !n->edges) {
                st = PM_ERR_NOMEM;
                goto done;
            }
        }
    }
    free(pid);
    pid = NULL;
    n->ncand = ncand;
    n->npairs = npairs;
    n->ncapped = ncapped;
    n->alpha_used = o.alpha;

    /* Greedy selection with lazy evaluation: an entry whose gain was computed in this
     * round and is still on top beats every other entry's upper bound. */
    for (size_t c = 0; c < ncand; c++) {
        double g = cand_gain(&w, &w.cands[c], o.model, o.alpha);
        if (g > 0)
            heap_push(&w, (heapent){g, (uint32_t)c, 0});
    }
    for (uint32_t round = 0; n->nedges < k && w.nheap > 0;) {
        heapent top = heap_pop(&w);
        const cand *c = &w.cands[top.cand];
        if (top.stamp != round) {
            top.gain = cand_gain(&w, c, o.model, o.alpha);
            top.stamp = round;
            if (top.gain > 0)
                heap_push(&w, top);
            continue;
        }
        /* select: re-parent every later event this edge explains better */
        size_t nl = 0;
        double sum = 0;
        for (uint32_t i = 0; i < c->count; i++) {
            const uint32_t *p = &w.pairs[2 * ((size_t)c->first + i)];
            double dt = w.ev[p[1]].time - w.ev[p[0]].time;
            double lw = log_density(o.model, o.alpha, dt);
            if (lw > w.best[p[1]]) {
                w.best[p[1]] = lw;
                w.lags[nl++] = dt;
                sum += dt;
            }
        }
        qsort(w.lags, nl, sizeof *w.lags, dbl_cmp);
        pm_netinf_edge *ed = &n->edges[n->nedges++];
        ed->origin = n->nodes.s[c->u];
        ed->destination = n->nodes.s[c->v];
        ed->gain = top.gain;
        ed->volume = (uint32_t)nl;
        ed->median_lag = nl ? w.lags[nl / 2] : 0;
        ed->mean_lag = nl ? sum / (double)nl : 0;
        ed->p_value = NAN;
        round++;
    }

done:
    free(pid);
    map_free(&cmap);
    work_free(&w);
    if (st != PM_OK) {
        clear_edges(n);
        if (err && err->code == PM_OK)
            pm_errctx_set(err, st, NULL, "network inference");
    }
    return st;
}

size_t pm_netinf_edge_count(const pm_netinf *n)
{
    return n->nedges;
}

const pm_netinf_edge *pm_netinf_edge_at(const pm_netinf *n, size_t i)
{
    return i < n->nedges ? &n->edges[i] : NULL;
}

pm_netinf_stats pm_netinf_get_stats(const pm_netinf *n)
{
    pm_netinf_stats s = {n->nev,  n->duplicates, n->cascades.n, n->nodes.n,
                         n->ncand, n->npairs,     n->ncapped, n->alpha_used};
    return s;
}

/* R writes doubles with 15 significant digits; NaN as NaN. */
static pm_status append_r_double(pm_buf *out, double x)
{
    if (isnan(x))
        return pm_buf_append_str(out, "NaN");
    if (isinf(x))
        return pm_buf_append_str(out, x > 0 ? "Inf" : "-Inf");
    return pm_buf_printf(out, "%.15g", x);
}

static pm_status write_tsv_networkinference(const pm_netinf *n, pm_buf *out)
{
    pm_status st = pm_buf_append_str(out, "origin_node\tdestination_node\timprovement\tp_value\n");
    for (size_t i = 0; st == PM_OK && i < n->nedges; i++) {
        const pm_netinf_edge *e = &n->edges[i];
        st = pm_tsv_field(out, e->origin, strlen(e->origin), 0);
        if (st == PM_OK)
            st = pm_buf_append_char(out, '\t');
        if (st == PM_OK)
            st = pm_tsv_field(out, e->destination, strlen(e->destination), 0);
        if (st == PM_OK)
            st = pm_buf_append_char(out, '\t');
        if (st == PM_OK)
            st = append_r_double(out, e->gain);
        if (st == PM_OK)
            st = pm_buf_append_char(out, '\t');
        if (st == PM_OK)
            st = append_r_double(out, e->p_value);
        if (st == PM_OK)
            st = pm_buf_append_char(out, '\n');
    }
    return st;
}

pm_status pm_netinf_write_tsv(const pm_netinf *n, pm_buf *out)
{
    if (n->compat)
        return write_tsv_networkinference(n, out);
    pm_status st = pm_buf_append_str(
        out, "origin_node\tdestination_node\tmarginal_gain\tvolume\tmedian_lag\tmean_lag\n");
    for (size_t i = 0; st == PM_OK && i < n->nedges; i++) {
        const pm_netinf_edge *e = &n->edges[i];
        st = pm_tsv_field(out, e->origin, strlen(e->origin), 0);
        if (st == PM_OK)
            st = pm_buf_append_char(out, '\t');
        if (st == PM_OK)
            st = pm_tsv_field(out, e->destination, strlen(e->destination), 0);
        if (st == PM_OK)
            st = pm_buf_printf(out, "\t%.6f\t%u\t%.6f\t%.6f\n", e->gain, e->volume,
                               e->median_lag, e->mean_lag);
    }
    return st;
}
