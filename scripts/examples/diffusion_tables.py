#!/usr/bin/python3
"""Load policyminer's diffusion tables with pandas: headline shares and adoption curves.

    /usr/bin/python3 scripts/examples/diffusion_tables.py OUTDIR

OUTDIR is a `policyminer run -o OUTDIR` directory. Prints, for the named experiments:
  1. the headline shares (where experiments start, how many are never copied, how many
     regions copy the others within three years, how many the centre later takes up),
     recomputed from experiments.tsv and checked against diffusion_summary.tsv;
  2. adoption curves: cumulative adopters 0, 1, 2, 3, 5 and 10 years after the pioneer;
  3. the strongest inferred ties (network.tsv) and the leading regions (leaders.tsv);
  4. if eha_panel.tsv is there, the yearly adoption hazard with and without an adopter in
     a neighbouring province - the raw contrast a pooled logit would model.
Needs Debian's python3-pandas. `make test` runs it on the golden diffusion case and
compares its output with tests/golden/diffusion/examples.expected.
"""
import os
import sys

import pandas as pd


def read(outdir, name):
    # keep region codes as text: 320200 is a name, not a number
    return pd.read_csv(os.path.join(outdir, name), sep="\t", dtype={
        "node_name": str, "pioneer_code": str, "origin_node": str,
        "destination_node": str, "province_code": str, "cascade_id": str})


def main(outdir):
    exp = read(outdir, "experiments.tsv")
    exp = exp[exp["kind"] == "experiment"]
    n = len(exp)
    print(f"experiments: {n}")
    if n == 0:
        return 0

    # 1. headline shares
    for level in ["central", "provincial", "prefecture", "county"]:
        print(f"share originating at {level} level: {(exp['pioneer_level'] == level).mean():.4f}")
    copied = exp[exp["n_adopters"] > 1]
    never = 1 - len(copied) / n
    mean3 = copied["adopters_3y"].mean() if len(copied) else float("nan")
    local = exp[exp["pioneer_level"] != "central"]
    later_central = local["bottom_up"].mean() if len(local) else float("nan")
    print(f"share never copied: {never:.4f}")
    print(f"mean adopters within 3 years, if copied: {mean3:.4f}")
    print(f"share of local experiments later adopted by the centre: {later_central:.4f}")
    summ = read(outdir, "diffusion_summary.tsv")
    summ = summ[summ["kind"] == "experiment"].set_index("statistic")["value"]
    for stat, mine in [("share_never_copied", never), ("mean_adopters_3y_if_copied", mean3),
                       ("share_local_later_central", later_central)]:
        if abs(float(summ[stat]) - mine) > 5e-5:
            print(f"MISMATCH {stat}: diffusion_summary.tsv {summ[stat]} vs {mine:.4f}")
            return 1
    print("diffusion_summary.tsv agrees")

    # 2. adoption curves
    ad = read(outdir, "adoptions.tsv")
    ad = ad[ad["cascade_id"].isin(exp["cascade_id"])].copy()
    ad["lag"] = ad["event_time"] - ad.groupby("cascade_id")["event_time"].transform("min")
    horizons = [0, 1, 2, 3, 5, 10]
    print("adoption curves (cumulative adopters by years after the pioneer):")
    print("  cascade_id " + " ".join(f"{h:>3}y" for h in horizons))
    for cid, g in ad.groupby("cascade_id", sort=True):
        counts = [int((g["lag"] <= h).sum()) for h in horizons]
        print(f"  {cid} " + " ".join(f"{c:>4}" for c in counts))

    # 3. network and leaders
    net = read(outdir, "network.tsv")
    print(f"inferred ties: {len(net)}; by relation: " + ", ".join(
        f"{k} {v}" for k, v in sorted(net["relation"].value_counts().items())))
    for _, e in net.head(3).iterrows():
        print(f"  {e['origin_node']} -> {e['destination_node']} gain {e['marginal_gain']:.3f} "
              f"lag {e['mean_lag']:.4f} ({e['relation']})")
    lead = read(outdir, "leaders.tsv")
    lead = lead.sort_values(["experiments_pioneered", "mean_adoption_rank", "node_name"],
                            ascending=[False, True, True])
    print("leading regions (pioneered, mean rank, out-degree):")
    for _, r in lead.head(3).iterrows():
        print(f"  {r['node_name']} {r['experiments_pioneered']} {r['mean_adoption_rank']:.2f} "
              f"{r['out_degree']}")

    # 4. event-history panel
    path = os.path.join(outdir, "eha_panel.tsv")
    if os.path.exists(path):
        eha = read(outdir, "eha_panel.tsv")
        with_nb = eha[eha["prior_neighbouring"] > 0]["adopted"]
        without = eha[eha["prior_neighbouring"] == 0]["adopted"]
        print(f"panel rows: {len(eha)}, adoptions: {int(eha['adopted'].sum())}")
        print(f"hazard with a neighbouring-province adopter: {with_nb.mean():.4f} "
              f"({len(with_nb)} region-years)")
        print(f"hazard without: {without.mean():.4f} ({len(without)} region-years)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
