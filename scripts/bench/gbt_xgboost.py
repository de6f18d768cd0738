#!/usr/bin/env python3
"""Times XGBoost's `hist` learner on the synthetic churn data that Tenure's `LearnBenchmark` uses.

Both sides compute the data from the same counter-based formula (SplitMix64 of seed, row and column;
see Sources/TenureCore/Predict/Learn/SyntheticChurnData.swift), so no file changes hands. Training
rows are 0..<rows, test rows are rows..<rows+test_rows.

    python3 scripts/bench/gbt_xgboost.py --rows 1000000 --features 40 --trees 200 --depth 6 --seed 42

Prints one JSON object: generation and training seconds, test AUC, and the settings used.
"""
import argparse
import json
import time

import numpy as np

MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def splitmix64(x):
    x = x + GOLDEN
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def uniform(seed, rows, column):
    """U(0,1) for each row index in `rows` (uint64 array) and one column: 53 random bits."""
    key = np.uint64(seed) * GOLDEN + rows * np.uint64(1024) + np.uint64(column)
    return (splitmix64(key) >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def generate(seed, start, count, features):
    """Returns (X float32 [count, features], y uint8) exactly as SyntheticChurnData.generate."""
    assert features >= 10, "the label formula uses the first 10 features"
    with np.errstate(over="ignore"):
        rows = np.arange(start, start + count, dtype=np.uint64)
        x = np.empty((count, features), dtype=np.float64)
        for j in range(features):
            u = uniform(seed, rows, j)
            kind = j % 4
            if kind == 0:
                v = u
            elif kind == 1:
                v = 10.0 * u * u
            elif kind == 2:
                v = np.floor(8.0 * u)
            else:
                v = 4.0 * u - 2.0
            if j % 5 == 3:
                v = np.where(uniform(seed, rows, features + j) < 0.1, np.nan, v)
            x[:, j] = v
        x = x.astype(np.float32).astype(np.float64)  # the label sees the stored (Float) values
        logit = -1.0 + 3.0 * (x[:, 0] - 0.5) + (0.3 * x[:, 1] - 1.5)
        logit += np.where(np.isin(x[:, 2], [2.0, 5.0, 7.0]), 1.2, -0.2)
        logit += np.where(np.isnan(x[:, 3]), 0.8, 0.5 - 0.5 * x[:, 3] * x[:, 3])
        logit += 2.0 * (x[:, 4] - 0.5) * x[:, 7]
        logit += np.where(x[:, 5] > 5.0, 0.7, 0.0)
        logit += 0.5 * x[:, 6] / 7.0
        logit += np.where(np.isnan(x[:, 8]), 0.0, x[:, 8] - 0.5)
        logit += np.where(x[:, 9] > 0.0, 0.4 * x[:, 9], 0.0)
        p = 1.0 / (1.0 + np.exp(-logit))
        y = (uniform(seed, rows, 2 * features + 1) < p).astype(np.uint8)
    return x.astype(np.float32), y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--test-rows", type=int, default=200_000)
    ap.add_argument("--features", type=int, default=40)
    ap.add_argument("--trees", type=int, default=200)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--learning-rate", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dump-head", type=int, default=0, help="also print the first N training rows")
    args = ap.parse_args()

    import xgboost as xgb
    from sklearn.metrics import roc_auc_score

    t0 = time.perf_counter()
    x_train, y_train = generate(args.seed, 0, args.rows, args.features)
    x_test, y_test = generate(args.seed, args.rows, args.test_rows, args.features)
    generation = time.perf_counter() - t0

    model = xgb.XGBClassifier(
        tree_method="hist", max_depth=args.depth, n_estimators=args.trees, nthread=args.threads,
        max_bin=256, learning_rate=args.learning_rate, reg_lambda=1.0, min_child_weight=1.0,
        subsample=1.0, colsample_bytree=1.0, random_state=args.seed)
    t0 = time.perf_counter()
    model.fit(x_train, y_train)
    training = time.perf_counter() - t0
    t0 = time.perf_counter()
    scores = model.predict_proba(x_test)[:, 1]
    scoring = time.perf_counter() - t0
    out = {
        "library": f"xgboost {xgb.__version__}", "rows": args.rows, "test_rows": args.test_rows,
        "features": args.features, "trees": args.trees, "depth": args.depth,
        "learning_rate": args.learning_rate, "threads": args.threads, "seed": args.seed,
        "train_positive_rate": float(y_train.mean()),
        "generation_seconds": generation, "training_seconds": training, "scoring_seconds": scoring,
        "test_auc": float(roc_auc_score(y_test, scores)),
    }
    if args.dump_head:
        out["head"] = [[None if np.isnan(v) else float(v) for v in row] + [int(y)]
                       for row, y in zip(x_train[: args.dump_head], y_train[: args.dump_head])]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
