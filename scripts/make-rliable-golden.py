#!/usr/bin/env python3
"""Golden values of rliable 1.2.0 for Tests/ComparisonTests (RliableGoldenTests), computed once.

The score matrices below are fixed numbers: 3 algorithms x 3 tasks x 5 runs of normalised scores
(some above 1, some ties), and for the learning curves 3 evaluation points of the same shape. The
script writes rliable's point estimates and its stratified-bootstrap intervals (percentile and BCa)
as JSON. The tests compare the point estimates up to float rounding and the intervals within a
tolerance that absorbs the bootstrap's randomness, without Python.

Made with:
  python3 -m venv /work/venvs/rliable
  /work/venvs/rliable/bin/pip install rliable==1.2.0      # pulled arch 7.2.0, numpy 2.4.6, scipy 1.17.1
  /work/venvs/rliable/bin/pip install "pandas<3"          # arch 7.2.0 does not import under pandas 3 (2.3.3 here)
  /work/venvs/rliable/bin/python scripts/make-rliable-golden.py \
      > Tests/ComparisonTests/Fixtures/rliable-golden.json
"""
import json
import sys
from importlib.metadata import version

import numpy as np
from rliable import library as rly
from rliable import metrics

REPS = 20000

# scores[algorithm] is num_runs x num_tasks, rliable's layout.
SCORES = {
    "alpha": [[0.10, 0.80, 1.10],
              [0.35, 0.62, 0.95],
              [0.22, 0.91, 1.30],
              [0.05, 0.48, 0.70],
              [0.41, 0.77, 0.88]],
    "beta": [[0.30, 0.50, 0.60],
             [0.30, 0.55, 0.72],
             [0.12, 0.81, 0.64],
             [0.44, 0.66, 0.95],
             [0.28, 0.49, 1.02]],
    "gamma": [[0.02, 0.15, 0.33],
              [0.09, 0.27, 0.18],
              [0.00, 0.40, 0.51],
              [0.13, 0.22, 0.29],
              [0.06, 0.35, 0.47]],
}

# curves[algorithm] is num_runs x num_tasks x num_points: the scores at three evaluation points.
CURVE_OFFSETS = [-0.4, -0.15, 0.0]


def aggregate(x):
    return np.array([metrics.aggregate_median(x), metrics.aggregate_iqm(x),
                     metrics.aggregate_mean(x), metrics.aggregate_optimality_gap(x)])


def as_list(value):
    return [float(v) for v in np.asarray(value).ravel()]


def main():
    np.random.seed(0)  # rliable's bootstraps draw from numpy's global generator
    scores = {name: np.array(rows) for name, rows in SCORES.items()}
    out = {"rliable": version("rliable"), "arch": version("arch"), "numpy": version("numpy"),
           "scipy": version("scipy"), "repetitions": REPS, "confidence": 0.95,
           "metrics": ["median", "iqm", "mean", "optimality_gap"], "scores": SCORES}

    points, percentile = rly.get_interval_estimates(scores, aggregate, reps=REPS)
    # BCa one metric at a time: arch 7.2.0's _get_acceleration centres the jackknife values on their
    # mean over every component of a vector statistic (jk_params.mean() without an axis), so the
    # four-metric function above would give each metric an acceleration that depends on the others.
    bca = {name: np.zeros((2, 4)) for name in scores}
    for index in range(4):
        single = lambda x, index=index: aggregate(x)[index:index + 1]
        _, intervals = rly.get_interval_estimates(scores, single, reps=REPS, method="bca")
        for name in scores:
            bca[name][:, index] = np.asarray(intervals[name])[:, 0]
    out["aggregates"] = {name: {"point": as_list(points[name]),
                                "percentile_low": as_list(percentile[name][0]),
                                "percentile_high": as_list(percentile[name][1]),
                                "bca_low": as_list(bca[name][0]),
                                "bca_high": as_list(bca[name][1])} for name in scores}

    pairs = {f"{x},{y}": [scores[x], scores[y]] for x in scores for y in scores if x != y}
    points, intervals = rly.get_interval_estimates(pairs, metrics.probability_of_improvement, reps=REPS)
    out["improvement"] = {key: {"point": as_list(points[key])[0], "low": as_list(intervals[key][0])[0],
                                "high": as_list(intervals[key][1])[0]} for key in pairs}

    taus = np.linspace(0.0, 1.25, 11)
    profiles, profile_cis = rly.create_performance_profile(scores, taus, reps=REPS)
    out["profile_thresholds"] = as_list(taus)
    out["profiles"] = {name: {"point": as_list(profiles[name]), "low": as_list(profile_cis[name][0]),
                              "high": as_list(profile_cis[name][1])} for name in scores}

    curves = {name: np.stack([np.clip(matrix + offset, 0, None) for offset in CURVE_OFFSETS], axis=-1)
              for name, matrix in scores.items()}
    out["curve_offsets"] = CURVE_OFFSETS

    def iqm_curve(x):
        return np.array([metrics.aggregate_iqm(x[..., point]) for point in range(x.shape[-1])])

    points, intervals = rly.get_interval_estimates(curves, iqm_curve, reps=REPS)
    out["iqm_curves"] = {name: {"point": as_list(points[name]), "low": as_list(intervals[name][0]),
                                "high": as_list(intervals[name][1])} for name in curves}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
