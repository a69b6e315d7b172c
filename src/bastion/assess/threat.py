"""Threat ranking: a score per track against the defended assets.

For a ballistic track the predicted impact is Gaussian, N(mean, cov) on the ground (east-north, from
``bastion.assess.impact``). The probability that the round lands on asset a is the integral of that density
over the asset's polygon, computed here by a fixed set of quasi-random points (a scrambled-free Halton set
pushed through the inverse normal CDF, so the answer is deterministic) and a point-in-polygon test. A
round landing within ``lethal_radius_m`` of an asset also damages it, so each polygon is tested against the
impact point grown by that radius (approximated by the distance to the polygon being at most the radius).

    value at risk   V = sum_a value_a * P(impact on asset a)
    score           S = V / max(time to impact, 1 s)

The score is what fire control orders threats by: the most value at risk soonest first. For a drone the
asset it is heading for (``drone_target_assets``) is taken as certain (P = 1).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from bastion.covariance import psd_cholesky
from bastion.geometry import points_in_polygon

N_POINTS = 1024
DEFAULT_LETHAL_RADIUS_M = 20.0  # assumed fragment lethal radius of a 107 mm / 81 mm class HE round


def _halton(n: int, base: int) -> np.ndarray:
    out = np.zeros(n)
    for i in range(n):
        f, r, k = 1.0, 0.0, i + 1
        while k > 0:
            f /= base
            r += f * (k % base)
            k //= base
        out[i] = r
    return out


# Standard-normal points (N_POINTS, 2): Halton bases 2 and 3, through the inverse normal CDF.
_Z = np.stack([ndtri(_halton(N_POINTS, 2)), ndtri(_halton(N_POINTS, 3))], axis=1)


def _dist_to_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Distance (m) from points (K, 2) to the edges of polygon (V, 2); 0 inside."""
    a = polygon
    b = np.roll(polygon, -1, axis=0)
    ab = b - a
    ap = points[:, None, :] - a[None, :, :]
    t = np.clip(np.einsum("kvd,vd->kv", ap, ab) / np.maximum(np.einsum("vd,vd->v", ab, ab), 1e-12), 0.0, 1.0)
    d = np.linalg.norm(ap - t[..., None] * ab[None], axis=2).min(axis=1)
    return np.where(points_in_polygon(points, polygon), 0.0, d)


def probability_on_assets(
    mean: np.ndarray, cov: np.ndarray, polygons: list[np.ndarray], lethal_radius_m: float = DEFAULT_LETHAL_RADIUS_M
) -> np.ndarray:
    """(N, A) probability that each of N Gaussian impacts (means (N,2), covariances (N,2,2)) falls within
    ``lethal_radius_m`` of each asset polygon."""
    mean = np.asarray(mean, float).reshape(-1, 2)
    cov = np.asarray(cov, float).reshape(-1, 2, 2)
    n = mean.shape[0]
    out = np.zeros((n, len(polygons)))
    if n == 0 or not polygons:
        return out
    L = psd_cholesky(cov + 1e-6 * np.eye(2))
    pts = mean[:, None, :] + np.einsum("nij,kj->nki", L, _Z)  # (N, K, 2)
    flat = pts.reshape(-1, 2)
    for a, poly in enumerate(polygons):
        poly = np.asarray(poly, float)
        lo, hi = poly.min(axis=0) - lethal_radius_m, poly.max(axis=0) + lethal_radius_m
        near = np.all((flat >= lo) & (flat <= hi), axis=1)
        hit = np.zeros(flat.shape[0], bool)
        if near.any():
            hit[near] = _dist_to_polygon(flat[near], poly) <= lethal_radius_m
        out[:, a] = hit.reshape(n, -1).mean(axis=1)
    return out


def threat_scores(
    t_now: float, t_impact: np.ndarray, p_assets: np.ndarray, asset_values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Value at risk (N,) and score (N,) of N threats from their impact times (s) and their (N, A)
    probabilities of hitting each asset (values (A,))."""
    value = np.asarray(p_assets, float) @ np.asarray(asset_values, float)
    t_go = np.maximum(np.asarray(t_impact, float) - t_now, 1.0)
    return value, value / t_go


def rank(scores: np.ndarray) -> np.ndarray:
    """Indices of threats, most threatening first (ties by index, so the order is deterministic)."""
    return np.lexsort((np.arange(len(scores)), -np.asarray(scores, float)))
