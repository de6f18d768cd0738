#!/usr/bin/env python3
"""Cross-checks Tenure's learning code against scikit-learn (called by the Swift tests).

    learn_sklearn.py metrics SCORES.csv      # columns: label (0/1), score  -> AUC, AP, Brier, log loss
    learn_sklearn.py logistic DESIGN.csv L2  # columns: label, z1..zp (already standardized) -> sklearn fit

Prints one JSON object. Exits with status 3 when scikit-learn is not installed.
"""
import json
import sys

try:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score
except ImportError:
    sys.exit(3)


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return data[:, 0].astype(int), data[:, 1:]


def main():
    mode, path = sys.argv[1], sys.argv[2]
    y, x = load(path)
    if mode == "metrics":
        s = x[:, 0]
        out = {
            "roc_auc": roc_auc_score(y, s),
            "average_precision": average_precision_score(y, s),
            "brier": brier_score_loss(y, s),
            "log_loss": log_loss(y, s),
        }
    elif mode == "logistic":
        l2 = float(sys.argv[3])
        model = LogisticRegression(C=1.0 / l2, tol=1e-12, max_iter=100000, solver="lbfgs")
        model.fit(x, y)
        out = {"intercept": float(model.intercept_[0]), "coefficients": model.coef_[0].tolist()}
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
