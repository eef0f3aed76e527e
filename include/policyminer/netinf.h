/* policyminer/netinf.h - NetInf: the diffusion network most likely to have produced a set
 * of cascades (Gomez-Rodriguez, Leskovec & Krause 2010, "Inferring networks of diffusion
 * and influence"), with the likelihood of the SNAP reference implementation.
 *
 * Input: events (cascade, node, time); a node adopts a cascade once (the earliest time
 * counts; later repeats are counted in pm_netinf_stats and ignored). Each node of a
 * cascade is explained either by its best parent in the network that adopted strictly
 * earlier, with log-weight log f(t_v - t_u; alpha), or by the background "epsilon" edge
 * with log-weight log(epsilon) (default 1e-64, as SNAP). The greedy step adds the edge
 * (u, v) with the largest marginal gain: the sum over cascades where u adopted strictly
 * before v of max(0, log f(t_v - t_u) - current best log-weight of v). Gains only shrink
 * as edges are added (submodular), so stale gains are upper bounds and lazy (CELF)
 * evaluation selects exactly the edge an exhaustive scan would.
 *
 * Transmission densities f(dt; alpha), dt > 0:
 *   exponential  alpha * exp(-alpha dt)
 *   powerlaw     (alpha - 1) * dt^-alpha     (alpha must exceed 1)
 *   rayleigh     alpha * dt * exp(-alpha dt^2 / 2)
 * computed in log form, so no underflow.
 *
 * Ties: among equal gains the edge whose (origin, destination) names come first in byte
 * order (strcmp) wins. Gains are summed over cascades in byte order of cascade ids, so
 * even gains that are equal in exact arithmetic compare equal, and the result does not
 * depend on input order. Within a cascade, nodes with tied times cannot be each other's
 * parent (and a cascade's first node only ever has the epsilon edge).
 *
 * Compatibility mode (compat = PM_NETINF_COMPAT_NETWORKINFERENCE) reproduces netinf() of
 * the R package NetworkInference 1.2.x (Desmarais et al.) instead, whose objective differs:
 * each node's score in a cascade is log(0.5 f(dt)) for a parent joined by a network edge
 * and, failing one, log(1e-10 f(dt)) for its nearest-scoring earlier node (any node that
 * adopted strictly earlier; tied times are never parents; a cascade's first nodes score
 * nothing). f is R's density in double precision: exponential alpha e^(-alpha dt), Rayleigh
 * (dt / alpha^2) e^(-dt^2 / (2 alpha^2)); no power law. The improvement of an edge is the
 * sum over the cascades (in byte order of their ids) of the gain in its destination's
 * score. Greedy selection takes the largest improvement, zero included; among equal ones
 * the edge whose (destination, origin) came last in first-appearance order of node names
 * (R's integer ids) wins. After each edge a Vuong-style test compares the per-cascade tree
 * scores before and after, as R does (its p-value, with R's normal approximation); with a
 * p-value cutoff the selection stops after the first edge whose p-value reaches it, else
 * after k edges (k beyond the possible edges is an error, as in R). alpha_auto derives the
 * exponential rate as R does when params is not given: the midpoint of 1 / mean(time since
 * the cascade's first event) and 1 / mean(time since the previous event).
 *
 * Ownership: the handle copies every string it is given; edges returned by
 * pm_netinf_edge() point into the handle and live until the next infer or free.
 */
#ifndef POLICYMINER_NETINF_H
#define POLICYMINER_NETINF_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/buf.h"
#include "policyminer/status.h"

typedef struct pm_netinf pm_netinf;

typedef enum pm_netinf_model {
    PM_NETINF_EXPONENTIAL = 0,
    PM_NETINF_POWERLAW = 1,
    PM_NETINF_RAYLEIGH = 2
} pm_netinf_model;

typedef enum pm_netinf_compat {
    PM_NETINF_COMPAT_SNAP = 0,            /* SNAP's likelihood and CELF (the default) */
    PM_NETINF_COMPAT_NETWORKINFERENCE = 1 /* R NetworkInference's objective (see above) */
} pm_netinf_compat;

typedef struct pm_netinf_options {
    pm_netinf_model model; /* default exponential */
    double alpha;          /* transmission rate (default 1; per time unit of the input) */
    double epsilon;        /* background edge weight (default 1e-64, as SNAP) */
    size_t max_pairs;      /* cap on (cascade, earlier, later) triples (default 1<<25) */
    double max_lag;        /* > 0: only pairs at most this far apart are candidate edges
                              (default 0 = no limit, as SNAP; SNAP mode only) */
    size_t max_parents;    /* > 0: a node's candidate parents in a cascade are only its
                              max_parents most recent strictly earlier adopters (within
                              max_lag), so pairs grow linearly, not quadratically, in a
                              cascade's size (default 0 = all, as SNAP; SNAP mode only) */
    pm_netinf_compat compat; /* default PM_NETINF_COMPAT_SNAP */
    double p_value_cutoff;   /* NetworkInference mode: in (0, 1] stops by the Vuong test
                                and k is ignored; 0 (default) = exactly k edges */
    int alpha_auto;          /* NetworkInference mode, exponential: derive alpha from the
                                data as R does without params (default 0) */
} pm_netinf_options;

void pm_netinf_options_default(pm_netinf_options *o);
/* "exponential" / "powerlaw" (also "power") / "rayleigh"; PM_ERR_ARG otherwise. */
pm_status pm_netinf_model_parse(const char *s, pm_netinf_model *out);
const char *pm_netinf_model_name(pm_netinf_model m);
/* "snap" / "networkinference"; PM_ERR_ARG otherwise. */
pm_status pm_netinf_compat_parse(const char *s, pm_netinf_compat *out);

typedef struct pm_netinf_stats {
    size_t events;       /* accepted (cascade, node) events */
    size_t duplicates;   /* repeated (cascade, node): the earliest time was kept */
    size_t cascades, nodes;
    size_t candidates;   /* distinct (u, v) with u strictly before v in some cascade */
    size_t pairs;        /* (cascade, u, v) triples */
    size_t pairs_capped; /* triples left out by max_parents (0 without it) */
    double alpha;        /* the rate the last inference used (derived with alpha_auto) */
} pm_netinf_stats;

/* One selected edge, in greedy order. */
typedef struct pm_netinf_edge {
    const char *origin, *destination;
    double gain;         /* marginal gain in log-likelihood when selected */
    uint32_t volume;     /* cascades in which origin became destination's best parent */
    double median_lag;   /* over those cascades; upper median for an even count (SNAP) */
    double mean_lag;
    double p_value;      /* NetworkInference mode: the Vuong test's p-value; else NAN */
} pm_netinf_edge;

pm_status pm_netinf_create(pm_netinf **out);
void pm_netinf_free(pm_netinf *n); /* accepts NULL */

/* Adds one event. PM_ERR_ARG for a non-finite time or an empty name (n unchanged);
 * PM_ERR_TOO_BIG beyond 2^31 events or names; PM_ERR_NOMEM. */
pm_status pm_netinf_add(pm_netinf *n, const char *cascade, const char *node, double time);
/* Registers a node that may adopt nothing (it then has degree 0 in leaders tables). */
pm_status pm_netinf_add_node(pm_netinf *n, const char *node);

/* Selects up to k edges (fewer when no edge has a positive gain). On failure no edges
 * are held and err says why (PM_ERR_TOO_BIG when the pairs exceed o->max_pairs,
 * PM_ERR_ARG for a powerlaw alpha <= 1, a non-positive alpha or epsilon; in
 * NetworkInference mode also for k beyond the possible edges, the power law, a cutoff
 * outside (0, 1], a rate that cannot be derived, or a delay of zero likelihood). */
pm_status pm_netinf_infer(pm_netinf *n, const pm_netinf_options *o, size_t k, pm_errctx *err);

size_t pm_netinf_edge_count(const pm_netinf *n);
const pm_netinf_edge *pm_netinf_edge_at(const pm_netinf *n, size_t i);
pm_netinf_stats pm_netinf_get_stats(const pm_netinf *n);

/* Appends the network table: header "origin_node destination_node marginal_gain volume
 * median_lag mean_lag" then one row per edge in greedy order, gains with 6 decimals.
 * After a NetworkInference-mode inference the columns are R's instead: "origin_node
 * destination_node improvement p_value", numbers with 15 significant digits. */
pm_status pm_netinf_write_tsv(const pm_netinf *n, pm_buf *out);

/* ---- cascade files (pipeline/diffusion/cascades_io.c) ---------------------------------- */
/* Column names to read; NULL fields mean cascade_id, node_name, event_time. */
typedef struct pm_cascade_columns {
    const char *cascade, *node, *time;
} pm_cascade_columns;

/* Called for each skipped line: err has file, line and the reason. */
typedef void (*pm_cascade_bad_fn)(void *ud, const pm_errctx *err);

typedef struct pm_cascade_read_stats {
    size_t lines;     /* data lines seen (after the header; blank lines not counted) */
    size_t rows;      /* events passed to pm_netinf_add */
    size_t malformed; /* lines skipped: too few fields, bad quoting, non-numeric time,
                         empty id or name, longer than the line cap */
    char delimiter;   /* ',' or '\t', sniffed from the header */
} pm_cascade_read_stats;

/* Reads a CSV or TSV cascade file with a header row into n. The delimiter is a tab when
 * the header contains one, else a comma; fields may be double-quoted ("" escapes a quote);
 * the three columns may appear in any order among others; CRLF and a UTF-8 BOM are
 * accepted. Lines longer than max_line bytes (0: 1 MiB) are skipped like malformed ones.
 * Malformed lines are counted in *rs and passed to bad (may be NULL); reading goes on.
 * Fails (err: file, line) when the file cannot be opened or read, the header lacks a
 * column, or n refuses an event (PM_ERR_TOO_BIG / PM_ERR_NOMEM). */
pm_status pm_cascades_read(pm_netinf *n, const char *path, const pm_cascade_columns *cols,
                           size_t max_line, pm_cascade_bad_fn bad, void *ud,
                           pm_cascade_read_stats *rs, pm_errctx *err);

#endif
