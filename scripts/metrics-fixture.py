# Reference values for test/eval/score/metrics.test.ts and test/eval/score/significance.test.ts, from
# scikit-learn (classification metrics) and SciPy (exact binomial test).
#
# Regenerate (from the repo root; needs Python 3 with numpy, scipy and scikit-learn, e.g.
# `apt-get install -y python3-scipy python3-sklearn`):
#   python3 scripts/metrics-fixture.py
# Writes test/eval/score/fixtures/metrics.json:
#   metrics:  [{name, prob, label, subset|null, expected: {accuracy, balanced_accuracy,
#               precision_up, recall_up, precision_down, recall_down, auc, log_loss, brier, mcc}}]
#   binomtest: [{k, n, p, pvalue}]   scipy.stats.binomtest(k, n, p, alternative="two-sided")
#
# Conventions asked of scikit-learn (they match src/eval/metrics.ts):
#   predicted class = prob > 0.5 (so prob == 0.5 predicts "down"), computed here, not by sklearn;
#   precision/recall "down" = pos_label=0;
#   log_loss on probabilities clipped to [1e-7, 1 - 1e-7] here first (sklearn's own eps has
#   changed between versions; after this clip it has no further effect);
#   subset: metrics of prob[subset], label[subset] (indices may repeat, as in a bootstrap resample).
# Every case has both classes among its labels and both predicted classes, so every metric is
# defined (sklearn's 0-for-undefined conventions, where ours give NaN, never come into play).
# Floats are written with Python's repr (shortest round-trip), so the TypeScript side reads the
# exact doubles used here.

import json
import os
import sys

import numpy as np
import scipy
import sklearn
from scipy.stats import binomtest
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    brier_score_loss,
    log_loss,
    matthews_corrcoef,
    precision_score,
    recall_score,
    roc_auc_score,
)

EPS = 1e-7
rng = np.random.default_rng(20240611)


def labels_for(prob, skill):
    """Labels loosely related to prob: P(label 1) = 0.5 + skill * (prob - 0.5)."""
    return (rng.random(prob.size) < 0.5 + skill * (prob - 0.5)).astype(int)


def expected(prob, label):
    pred = (prob > 0.5).astype(int)
    return {
        "accuracy": accuracy_score(label, pred),
        "balanced_accuracy": balanced_accuracy_score(label, pred),
        "precision_up": precision_score(label, pred, pos_label=1),
        "recall_up": recall_score(label, pred, pos_label=1),
        "precision_down": precision_score(label, pred, pos_label=0),
        "recall_down": recall_score(label, pred, pos_label=0),
        "auc": roc_auc_score(label, prob),
        "log_loss": log_loss(label, np.clip(prob, EPS, 1 - EPS), labels=[0, 1]),
        "brier": brier_score_loss(label, prob),
        "mcc": matthews_corrcoef(label, pred),
    }


def case(name, prob, label, subset=None):
    p = prob if subset is None else prob[subset]
    y = label if subset is None else label[subset]
    assert 0 < y.sum() < y.size and 0 < (p > 0.5).sum() < p.size, name
    return {
        "name": name,
        "prob": [float(v) for v in prob],
        "label": [int(v) for v in label],
        "subset": None if subset is None else [int(i) for i in subset],
        "expected": {k: float(v) for k, v in expected(p, y).items()},
    }


cases = []

# Continuous probabilities, some skill.
p = rng.uniform(0.2, 0.8, 60)
cases.append(case("continuous, n=60", p, labels_for(p, 1.0)))

# Two decimals: many ties in prob, some across the classes.
p = np.round(rng.uniform(0.3, 0.7, 150), 2)
cases.append(case("2-decimal ties, n=150", p, labels_for(p, 1.5)))

# One decimal: heavy ties, exact 0.5 (predicts down), 0 and 1 (clipped in log loss).
p = np.round(rng.uniform(0.0, 1.0, 200), 1)
cases.append(case("1-decimal ties incl. 0, 0.5, 1, n=200", p, labels_for(p, 0.6)))

# Imbalanced: about one positive in five, overconfident probabilities.
p = rng.beta(0.7, 0.7, 45)
cases.append(case("imbalanced, n=45", p, (rng.random(45) < 0.2 + 0.2 * p).astype(int)))

# Subsets of one sample: a sorted sub-range-like selection, and a resample with repeats.
p = np.round(rng.uniform(0.25, 0.75, 120), 3)
y = labels_for(p, 1.2)
cases.append(case("subset: every third of n=120", p, y, np.arange(1, 120, 3)))
cases.append(case("subset: resample with repeats of n=120", p, y, rng.integers(0, 120, 90)))

binom_cases = [
    (600, 1000, 0.5), (102, 200, 0.5), (100, 200, 0.5), (530, 1000, 0.5), (5, 20, 0.5),
    (0, 15, 0.5), (15, 15, 0.5), (65, 100, 0.5), (30, 40, 0.6), (540, 1000, 0.53),
    (45, 100, 0.53), (3, 10, 0.3), (7, 25, 0.1), (2660, 5000, 0.52), (1, 3, 0.5), (4900, 10000, 0.5), (13, 30, 0.37),
]
binom = [{"k": k, "n": n, "p": q, "pvalue": float(binomtest(k, n, q).pvalue)} for k, n, q in binom_cases]

out = {
    "generator": "scripts/metrics-fixture.py",
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__},
    "metrics": cases,
    "binomtest": binom,
}
dest = sys.argv[1] if len(sys.argv) > 1 else "test/eval/score/fixtures/metrics.json"
os.makedirs(os.path.dirname(dest), exist_ok=True)
with open(dest, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"scikit-learn {sklearn.__version__}, scipy {scipy.__version__}: wrote {len(cases)} metric cases, {len(binom)} binomial tests to {dest}")
