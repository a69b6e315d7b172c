"""Gating and association.

Gating is two-stage so that its cost grows with the number of nearby pairs, not tracks x detections:
a kd-tree (``scipy.spatial.cKDTree``) over detection points returns, for each track, the detections
within a per-track radius; the exact chi-square test then runs on those candidate pairs only.

Global nearest neighbour (GNN) is solved per cluster: the connected components of the bipartite gated
graph (``scipy.sparse.csgraph``). Clusters with a single track or a single detection are decided for all
at once with a sort; only clusters with at least two tracks and two detections reach
``scipy.optimize.linear_sum_assignment``, with a "miss" column per track so that a track can prefer
missing to a poor detection.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching
from scipy.spatial import cKDTree

_FORBIDDEN = 1e12
BRUTE_FORCE_PAIRS = 4096  # tracks x plots up to which candidate_pairs skips the kd-tree


def candidate_pairs(track_pts: np.ndarray, radius: np.ndarray, det_pts: np.ndarray, k_nearest: int = 4):
    """(track index, detection index) pairs with |track_pt - det_pt| <= radius[track].

    The ``k_nearest`` closest detections per track are found in one vectorised kd-tree query; only the
    tracks that have ``k_nearest`` detections inside their radius (rare: a vague track in dense
    clutter) are queried again for all of them.
    """
    if len(track_pts) == 0 or len(det_pts) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if len(track_pts) * len(det_pts) <= BRUTE_FORCE_PAIRS:
        # Few tracks and plots (a defended site's usual picture): every distance at once is cheaper than
        # building a tree, and gives the same pairs.
        diff = track_pts[:, None, :] - det_pts[None, :, :]
        d2 = np.einsum("tdk,tdk->td", diff, diff)
        ti, dj = np.nonzero(d2 <= (radius * radius)[:, None])
        return ti.astype(np.int64), dj.astype(np.int64)
    # Sliding-midpoint tree without node compaction: builds faster, queries as fast at these sizes.
    tree = cKDTree(det_pts, balanced_tree=False, compact_nodes=False)
    k = min(k_nearest, len(det_pts))
    dist, idx = tree.query(track_pts, k=k, distance_upper_bound=float(np.max(radius)))
    dist, idx = dist.reshape(len(track_pts), k), idx.reshape(len(track_pts), k)
    inside = dist <= radius[:, None]
    full = inside[:, -1] & (k < len(det_pts))
    inside[full] = False
    ti = np.nonzero(inside)[0]
    dj = idx[inside]
    if not np.any(full):
        return ti.astype(np.int64), dj.astype(np.int64)
    rows = np.flatnonzero(full)
    t2, d2 = _ball_pairs(tree, track_pts[rows], radius[rows])
    return np.concatenate([ti, rows[t2]]).astype(np.int64), np.concatenate([dj, d2]).astype(np.int64)


def _ball_pairs(tree: cKDTree, track_pts: np.ndarray, radius: np.ndarray):
    hits = tree.query_ball_point(track_pts, radius, return_sorted=False)
    counts = np.fromiter(map(len, hits), dtype=np.int64, count=len(hits))
    ti = np.repeat(np.arange(len(track_pts), dtype=np.int64), counts)
    dj = np.fromiter(itertools.chain.from_iterable(hits), dtype=np.int64, count=int(counts.sum()))
    return ti, dj


def clusters(ti: np.ndarray, dj: np.ndarray, n_tracks: int, n_dets: int) -> np.ndarray:
    """Cluster label of each pair: connected components of the bipartite graph of the pairs.

    Min-label propagation between tracks and detections, vectorised over all pairs: it converges in
    as many rounds as the widest cluster is long (one or two in practice); after 32 rounds it hands
    over to ``scipy.sparse.csgraph.connected_components`` (long chains in dense clutter).
    """
    lt = np.arange(n_tracks, dtype=np.int64)
    big = np.int64(n_tracks)
    for _ in range(32):
        ld = np.full(n_dets, big, np.int64)
        np.minimum.at(ld, dj, lt[ti])
        new = lt.copy()
        np.minimum.at(new, ti, ld[dj])
        if np.array_equal(new, lt):
            return lt[ti]
        lt = new
    n = n_tracks + n_dets
    g = coo_matrix((np.ones(len(ti)), (ti, dj + n_tracks)), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    return labels[ti]


def gnn(ti: np.ndarray, dj: np.ndarray, cost: np.ndarray, miss_cost: np.ndarray, n_tracks: int, n_dets: int):
    """Global nearest neighbour over gated pairs.

    Args:
        ti, dj: gated pairs (track index, detection index), each pair at most once.
        cost: (n_pairs,) assignment cost of each pair (lower is better).
        miss_cost: (n_tracks,) cost of leaving each track without a detection.
    Returns:
        (track indices, detection indices) of the chosen assignments, one detection per track at most
        and one track per detection at most, minimising the total cost within each cluster.
    """
    if len(ti) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    ok = cost < miss_cost[ti]  # a pair costlier than missing is never chosen
    ti, dj, cost = ti[ok], dj[ok], cost[ok]
    if len(ti) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lab = clusters(ti, dj, n_tracks, n_dets)
    # Distinct tracks and detections per cluster (pairs are unique, so counting works on uniques).
    n_lab = lab.max() + 1
    t_per = np.bincount(lab[np.unique(ti, return_index=True)[1]], minlength=n_lab)
    d_per = np.bincount(lab[np.unique(dj, return_index=True)[1]], minlength=n_lab)
    trivial = (t_per[lab] == 1) | (d_per[lab] == 1)
    # Trivial clusters (one track with many detections, or one detection with many tracks): the pair
    # with the largest saving over leaving its track unassigned.
    idx = np.flatnonzero(trivial)
    saving = cost[idx] - miss_cost[ti[idx]]
    order = idx[np.lexsort((saving, lab[idx]))]
    first = np.ones(len(order), bool)
    first[1:] = lab[order][1:] != lab[order][:-1]
    out_t = [ti[order[first]]]
    out_d = [dj[order[first]]]
    # Non-trivial clusters: an assignment problem each. A few are solved one by one (dense
    # Jonker-Volgenant); many at once as one sparse problem (LAPJVsp), whose optimum is the union of
    # the per-cluster optima because the clusters share no track and no detection.
    hard = np.flatnonzero(~trivial)
    if len(hard):
        n_hard = len(np.unique(lab[hard]))
        solve = _solve_clusters_dense if n_hard <= 8 else _solve_clusters_sparse
        ht, hd = solve(ti[hard], dj[hard], cost[hard], lab[hard], miss_cost)
        out_t.append(ht)
        out_d.append(hd)
    return np.concatenate(out_t), np.concatenate(out_d)


def _solve_clusters_dense(ti, dj, cost, lab, miss_cost):
    order = np.argsort(lab, kind="stable")
    bounds = np.flatnonzero(np.diff(lab[order])) + 1
    out_t, out_d = [], []
    for grp in np.split(order, bounds):
        tu, tinv = np.unique(ti[grp], return_inverse=True)
        du, dinv = np.unique(dj[grp], return_inverse=True)
        nt, nd = len(tu), len(du)
        C = np.full((nt, nd + nt), _FORBIDDEN)
        C[tinv, dinv] = cost[grp]
        C[np.arange(nt), nd + np.arange(nt)] = miss_cost[tu]
        r, c = linear_sum_assignment(C)
        real = c < nd
        out_t.append(tu[r[real]])
        out_d.append(du[c[real]])
    return np.concatenate(out_t), np.concatenate(out_d)


def _solve_clusters_sparse(ti, dj, cost, lab, miss_cost):
    tu, tinv = np.unique(ti, return_inverse=True)
    du, dinv = np.unique(dj, return_inverse=True)
    nt, nd = len(tu), len(du)
    rows = np.concatenate([tinv, np.arange(nt)])
    cols = np.concatenate([dinv, nd + np.arange(nt)])
    w = np.concatenate([cost, miss_cost[tu]])
    # Every track is matched exactly once (to a detection or to its own miss column), so a uniform
    # shift leaves the optimum unchanged; it keeps all weights >= 1 (LAPJVsp treats 0 as no edge).
    w = w - w.min() + 1.0
    G = csr_matrix((w, (rows, cols)), shape=(nt, nd + nt))
    r, c = min_weight_full_bipartite_matching(G)
    real = c < nd
    return tu[r[real]], du[c[real]]


def jpda_weights(ti: np.ndarray, dj: np.ndarray, lik: np.ndarray, n_tracks: int, n_dets: int,
                 pd: float, clutter_density: float, max_hyp: int = 20000):
    """Joint probabilistic data association: marginal association probabilities per gated pair.

    ``lik`` (n_pairs,) is the measurement likelihood N(nu; 0, S) (1/m^3 for positions). Clusters are
    enumerated exactly (all joint events) when small; clusters whose joint events would exceed
    ``max_hyp`` fall back to the independent (parametric, per-track normalised) approximation.
    Returns beta (n_pairs,) and beta0 (n_tracks,) the probability that track i got no detection.
    """
    beta = np.zeros(len(ti))
    beta0 = np.ones(n_tracks)
    if len(ti) == 0:
        return beta, beta0
    ratio = pd * lik / clutter_density  # likelihood ratio of a pair against clutter
    lab = clusters(ti, dj, n_tracks, n_dets)
    order = np.argsort(lab, kind="stable")
    bounds = np.flatnonzero(np.diff(lab[order])) + 1
    for grp in np.split(order, bounds):
        tu, tinv = np.unique(ti[grp], return_inverse=True)
        cand = [[] for _ in tu]
        for k, t in zip(grp, tinv, strict=True):
            cand[t].append(k)
        n_events = 1
        for c in cand:
            n_events *= len(c) + 1
        if n_events > max_hyp:
            for t, c in zip(tu, cand, strict=True):
                r = ratio[c]
                tot = (1.0 - pd) + r.sum()
                beta[c] = r / tot
                beta0[t] = (1.0 - pd) / tot
            continue
        w_pair, w_miss, total = _enumerate_events(cand, grp, dj, ratio, pd)
        beta[grp] = w_pair / total
        beta0[tu] = w_miss / total
    return beta, beta0


def _enumerate_events(cand, grp, dj, ratio, pd):
    """Sum the weights of every joint association event of one cluster (depth first): each track
    takes one of its gated detections or none, each detection goes to at most one track."""
    pos_in_grp = {int(k): i for i, k in enumerate(grp)}
    w_pair = np.zeros(len(grp))
    w_miss = np.zeros(len(cand))
    total = 0.0
    stack = [(0, frozenset(), 1.0, ())]
    while stack:
        t, used, w, chosen = stack.pop()
        if t == len(cand):
            total += w
            for tt, k in enumerate(chosen):
                if k < 0:
                    w_miss[tt] += w
                else:
                    w_pair[pos_in_grp[k]] += w
            continue
        stack.append((t + 1, used, w * (1.0 - pd), (*chosen, -1)))
        for k in cand[t]:
            if dj[k] not in used:
                stack.append((t + 1, used | {int(dj[k])}, w * ratio[k], (*chosen, int(k))))
    return w_pair, w_miss, total
