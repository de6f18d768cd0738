#!/usr/bin/env python3
"""Cross-check Tenure's BTYD models (Sources/TenureCore/Predict/BTYD) against lifetimes 0.11.3.

Standalone. Needs lifetimes 0.11.3 with versions it works with, e.g.:
    python3 -m venv /tmp/ltvenv
    /tmp/ltvenv/bin/pip install lifetimes==0.11.3 "numpy<2" pandas==1.5.3 scipy==1.10.1
    /tmp/ltvenv/bin/python scripts/crosscheck/btyd_lifetimes.py [--timing bg.csv pareto.csv]

Reads the CDNOW summary and donations data from $TENURE_REFERENCE_DATA or <repo>/.reference-data
(scripts/fetch-reference-data.sh). Prints fitted parameters, total log-likelihoods in the data's own
time unit, and predictions for a few customers, for comparison with the Swift results.
--timing times BG/NBD (per customer and collapsed to weighted patterns) and Pareto/NBD fits on CSV
files with columns frequency,recency,T (e.g. written by the dev benchmark executable).
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import gammaln, betaln
from lifetimes import (BetaGeoFitter, BetaGeoBetaBinomFitter, GammaGammaFitter,
                       ModifiedBetaGeoFitter, ParetoNBDFitter)


def reference_folder() -> Path:
    env = os.environ.get("TENURE_REFERENCE_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / ".reference-data"


def bgnbd_total_ll(p, x, tx, T):
    """FHL (2005) eq. 6 summed, in the data's time unit (lifetimes reports a rescaled mean)."""
    r, alpha, a, b = p
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


CUSTOMERS = [(0, 0.0, 38.86), (2, 30.43, 38.86), (1, 1.71, 38.86), (5, 20.0, 38.86), (14, 37.0, 38.0)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timing", nargs=2, metavar=("BG_CSV", "PARETO_CSV"))
    args = parser.parse_args()
    folder = reference_folder() / "cdnow"
    if not folder.exists():
        sys.exit(f"reference data not found at {folder}: run scripts/fetch-reference-data.sh")
    out = {}
    d = pd.read_csv(folder / "cdnow_customers_summary.csv")
    x, tx, T = d["frequency"].values, d["recency"].values, d["T"].values

    bg = BetaGeoFitter().fit(x, tx, T)
    p = [bg.params_[k] for k in ("r", "alpha", "a", "b")]
    out["bgnbd"] = {
        "params": p, "total_ll": bgnbd_total_ll(p, x, tx, T),
        "p_alive": [float(bg.conditional_probability_alive(c[0], c[1], c[2])) for c in CUSTOMERS],
        "expected_39": [float(bg.conditional_expected_number_of_purchases_up_to_time(39, *c)) for c in CUSTOMERS],
        "unconditional_39": float(bg.expected_number_of_purchases_up_to_time(39)),
        "p_n_39": [float(bg.probability_of_n_purchases_up_to_time(39, n)) for n in range(4)],
    }

    pn = ParetoNBDFitter().fit(x, tx, T)
    out["pareto_nbd"] = {
        "params": [pn.params_[k] for k in ("r", "alpha", "s", "beta")],
        "p_alive": [float(pn.conditional_probability_alive(*c)) for c in CUSTOMERS],
        "expected_39": [float(pn.conditional_expected_number_of_purchases_up_to_time(39, *c)) for c in CUSTOMERS],
        "conditional_p_n_39": [float(pn.conditional_probability_of_n_purchases_up_to_time(n, 39, 2, 30.43, 38.86))
                               for n in range(4)],
        "unconditional_39": float(pn.expected_number_of_purchases_up_to_time(39)),
    }

    mbg = ModifiedBetaGeoFitter().fit(x, tx, T)
    out["mbg_nbd"] = {
        "params": [mbg.params_[k] for k in ("r", "alpha", "a", "b")],
        "p_alive": [float(mbg.conditional_probability_alive(*c)) for c in CUSTOMERS],
        "expected_39": [float(mbg.conditional_expected_number_of_purchases_up_to_time(39, *c)) for c in CUSTOMERS],
        "unconditional_39": float(mbg.expected_number_of_purchases_up_to_time(39)),
    }

    s = pd.read_csv(folder / "cdnow_customers_summary_with_transactions.csv")
    rep = s[s["x"] > 0]
    gg = GammaGammaFitter().fit(rep["x"], rep["zbar"])
    out["gamma_gamma"] = {
        "params": [gg.params_[k] for k in ("p", "q", "v")],
        "total_ll": -gg._negative_log_likelihood_ * len(rep),
        "expected_spend_x2_22.35": float(gg.conditional_expected_average_profit(pd.Series([2]), pd.Series([22.35])).iloc[0]),
    }

    dn = pd.read_csv(folder / "donations.csv")
    bb = BetaGeoBetaBinomFitter().fit(dn["frequency"], dn["recency"], dn["periods"], dn["weights"])
    rows = [(3, 5, 6), (0, 0, 6), (6, 6, 6), (1, 1, 6)]
    out["bgbb"] = {
        "params": [bb.params_[k] for k in ("alpha", "beta", "gamma", "delta")],
        "total_ll": -bb._negative_log_likelihood_ * dn["weights"].sum(),
        "p_alive_m1": [float(np.asarray(bb.conditional_probability_alive(1, *map(np.array, ([r[0]], [r[1]], [r[2]]))))[0])
                       for r in rows],
        "expected_next5": [float(np.asarray(bb.conditional_expected_number_of_purchases_up_to_time(
            5, *map(np.array, ([r[0]], [r[1]], [r[2]]))))[0]) for r in rows],
    }

    if args.timing:
        timing = {}
        b = pd.read_csv(args.timing[0])
        start = time.perf_counter()
        BetaGeoFitter().fit(b["frequency"], b["recency"], b["T"])
        timing["bgnbd_per_customer_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        g = b.groupby(["frequency", "recency", "T"]).size().rename("weights").reset_index()
        fitted = BetaGeoFitter().fit(g["frequency"], g["recency"], g["T"], weights=g["weights"])
        timing["bgnbd_collapsed_seconds_including_groupby"] = time.perf_counter() - start
        timing["bgnbd_patterns"] = len(g)
        timing["bgnbd_params"] = [fitted.params_[k] for k in ("r", "alpha", "a", "b")]
        pcsv = pd.read_csv(args.timing[1])
        start = time.perf_counter()
        fitted = ParetoNBDFitter().fit(pcsv["frequency"], pcsv["recency"], pcsv["T"])
        timing["pareto_nbd_per_customer_seconds"] = time.perf_counter() - start
        timing["pareto_nbd_params"] = [fitted.params_[k] for k in ("r", "alpha", "s", "beta")]
        out["timing"] = timing

    print(json.dumps(out, indent=1, default=float))


if __name__ == "__main__":
    main()
