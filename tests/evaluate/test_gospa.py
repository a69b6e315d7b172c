"""GOSPA: analytic cases and agreement with Stone Soup's GOSPAMetric (the reference implementation)."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from bastion.evaluate.gospa import gospa


def test_analytic_cases():
    c = 10.0
    assert gospa(np.zeros((0, 3)), np.zeros((0, 3)), c).distance == 0.0
    # One missed truth costs c^p / 2 (p = 1): 5 m; p = 2: sqrt(50).
    assert gospa(np.zeros((0, 3)), np.zeros((1, 3)), c, p=1).distance == pytest.approx(5.0)
    assert gospa(np.zeros((0, 3)), np.zeros((1, 3)), c, p=2).distance == pytest.approx(np.sqrt(50.0))
    # A pair 3-4-0 apart: 5 m; a pair farther than c is one miss plus one false: c.
    r = gospa(np.array([[3.0, 4.0, 0.0]]), np.zeros((1, 3)), c)
    assert r.distance == pytest.approx(5.0) and r.n_missed == 0 and r.n_false == 0
    r = gospa(np.array([[30.0, 0.0, 0.0]]), np.zeros((1, 3)), c)
    assert r.distance == pytest.approx(10.0) and r.n_missed == 1 and r.n_false == 1


def _stonesoup_gospa(X, Y, c, p):
    from stonesoup.metricgenerator.ospametric import GOSPAMetric
    from stonesoup.types.state import State, StateVector

    stamp = datetime.datetime(2026, 1, 1)
    metric = GOSPAMetric(c=c, p=p)
    est = [State(StateVector(x), timestamp=stamp) for x in X]
    tru = [State(StateVector(y), timestamp=stamp) for y in Y]
    if not est and not tru:
        return None
    value, _ = metric.compute_gospa_metric(est, tru)
    return value.value


@pytest.mark.parametrize("p", [1.0, 2.0])
def test_agrees_with_stonesoup_on_random_sets(p):
    pytest.importorskip("stonesoup")
    rng = np.random.default_rng(11)
    c = 10.0
    for _ in range(60):
        m, n = rng.integers(0, 12, size=2)
        # Points spread over a few c so that pairs below, near and beyond the cut-off all occur.
        X = rng.uniform(-20.0, 20.0, (m, 3))
        Y = rng.uniform(-20.0, 20.0, (n, 3))
        ref = _stonesoup_gospa(X, Y, c, p)
        if ref is None:
            continue
        ours = gospa(X, Y, c, p)
        assert ours.distance == pytest.approx(ref["distance"], abs=1e-9, rel=1e-9)
        assert ours.localisation == pytest.approx(ref["localisation"], abs=1e-9, rel=1e-9)
        assert ours.missed == pytest.approx(ref["missed"], abs=1e-9, rel=1e-9)
        assert ours.false == pytest.approx(ref["false"], abs=1e-9, rel=1e-9)
