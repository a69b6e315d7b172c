"""Gating and assignment against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from bastion.track.associate import (
    _solve_clusters_dense,
    _solve_clusters_sparse,
    candidate_pairs,
    clusters,
    gnn,
)


@pytest.mark.parametrize(("n_tracks", "n_dets"), [(300, 400), (20, 30)])  # kd-tree path, all-distances path
def test_candidate_pairs_equal_brute_force(n_tracks, n_dets):
    rng = np.random.default_rng(1)
    side = 1000.0 * np.sqrt(n_tracks / 300.0)  # keep the density, so small cases have pairs too
    tracks = rng.uniform(0, side, (n_tracks, 3))
    dets = rng.uniform(0, side, (n_dets, 3))
    radius = rng.uniform(10, 120, n_tracks)
    ti, dj = candidate_pairs(tracks, radius, dets, k_nearest=4)
    d = np.linalg.norm(tracks[:, None] - dets[None], axis=2)
    expect = set(zip(*np.nonzero(d <= radius[:, None]), strict=True))
    assert set(zip(ti.tolist(), dj.tolist(), strict=True)) == expect


def test_clusters_equal_connected_components():
    rng = np.random.default_rng(2)
    nt, nd = 200, 220
    draws = zip(rng.integers(0, nt, 300), rng.integers(0, nd, 300), strict=True)
    pairs = {(int(a), int(b)) for a, b in draws}
    ti, dj = map(np.array, zip(*sorted(pairs), strict=True))
    lab = clusters(ti, dj, nt, nd)
    g = coo_matrix((np.ones(len(ti)), (ti, dj + nt)), shape=(nt + nd, nt + nd))
    ref = connected_components(g, directed=False)[1][ti]
    # Same partition of the pairs (labels may differ).
    n_joint = len(set(zip(lab.tolist(), ref.tolist(), strict=True)))
    assert n_joint == len(set(ref.tolist())) == len(set(lab.tolist()))


def _total(ti, dj, cost, miss, at, ad):
    chosen = {(a, b) for a, b in zip(at.tolist(), ad.tolist(), strict=True)}
    c = sum(cost[k] for k in range(len(ti)) if (ti[k], dj[k]) in chosen)
    return c + sum(miss[t] for t in set(ti.tolist()) - set(at.tolist()))


def test_gnn_equals_one_global_assignment():
    rng = np.random.default_rng(3)
    for _ in range(20):
        nt, nd = 40, 45
        draws = zip(rng.integers(0, nt, 90), rng.integers(0, nd, 90), strict=True)
        pairs = {(int(a), int(b)) for a, b in draws}
        ti, dj = map(np.array, zip(*sorted(pairs), strict=True))
        cost = rng.uniform(-3, 10, len(ti))
        miss = rng.uniform(2, 9, nt)
        at, ad = gnn(ti, dj, cost, miss, nt, nd)
        assert len(set(at.tolist())) == len(at) and len(set(ad.tolist())) == len(ad)
        # Reference: one dense assignment over everything, with a miss column per track.
        C = np.full((nt, nd + nt), 1e9)
        C[ti, dj] = cost
        C[np.arange(nt), nd + np.arange(nt)] = miss
        r, c = linear_sum_assignment(C)
        used = set(ti.tolist())
        ref = sum(C[a, b] for a, b in zip(r, c, strict=True) if a in used)
        assert abs(_total(ti, dj, cost, miss, at, ad) - ref) < 1e-9
        lab = clusters(ti, dj, nt, nd)
        t1, d1 = _solve_clusters_dense(ti, dj, cost, lab, miss)
        t2, d2 = _solve_clusters_sparse(ti, dj, cost, lab, miss)
        assert abs(_total(ti, dj, cost, miss, t1, d1) - _total(ti, dj, cost, miss, t2, d2)) < 1e-9
