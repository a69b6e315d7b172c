"""Plane geometry on east-north metres: polygons, ellipses, segments. Vectorised over points."""

from __future__ import annotations

import numpy as np


def points_in_polygon(points, polygon) -> np.ndarray:
    """(...,) True where ``points`` (..., 2) lie inside ``polygon`` (V, 2) (even-odd rule)."""
    p = np.asarray(points, float)
    poly = np.asarray(polygon, float)
    x, y = p[..., 0][..., None], p[..., 1][..., None]
    x1, y1 = poly[:, 0], poly[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    crosses = (y1 > y) != (y2 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
    return np.count_nonzero(crosses & (x < x_at), axis=-1) % 2 == 1


class PolygonSet:
    """Several polygons (each (V_i, 2) east-north m) packed edge by edge, so that one vectorised pass tests
    points against all of them (the warning cycle asks this of every zone, every threat, every cycle)."""

    def __init__(self, polygons) -> None:
        polys = [np.asarray(p, float) for p in polygons]
        self.size = len(polys)
        if not polys:
            self.x1 = self.y1 = self.x2 = self.y2 = np.zeros(0)
            self.starts = np.zeros(0, np.int64)
            return
        first = np.concatenate([p for p in polys])
        nxt = np.concatenate([np.roll(p, -1, axis=0) for p in polys])
        self.x1, self.y1 = first[:, 0], first[:, 1]
        self.x2, self.y2 = nxt[:, 0], nxt[:, 1]
        self.starts = np.cumsum([0] + [len(p) for p in polys[:-1]]).astype(np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            self._slope = (self.x2 - self.x1) / (self.y2 - self.y1)

    def contains(self, points) -> np.ndarray:
        """(P, Z) True where each of ``points`` (P, 2) lies inside each polygon (even-odd rule)."""
        p = np.asarray(points, float).reshape(-1, 2)
        if self.size == 0:
            return np.zeros((p.shape[0], 0), bool)
        x, y = p[:, 0:1], p[:, 1:2]
        crosses = (self.y1 > y) != (self.y2 > y)
        with np.errstate(invalid="ignore"):
            x_at = self.x1 + (y - self.y1) * self._slope
        hits = (crosses & (x < x_at)).astype(np.int64)
        return np.add.reduceat(hits, self.starts, axis=1) % 2 == 1


def polygon_area(polygon) -> float:
    """Area (m^2) of a simple polygon (V, 2) (shoelace formula)."""
    p = np.asarray(polygon, float)
    return 0.5 * abs(float(np.dot(p[:, 0], np.roll(p[:, 1], -1)) - np.dot(p[:, 1], np.roll(p[:, 0], -1))))


def polygon_centroid(polygon) -> np.ndarray:
    """Area centroid (2,) of a simple polygon (V, 2)."""
    p = np.asarray(polygon, float)
    q = np.roll(p, -1, axis=0)
    cross = p[:, 0] * q[:, 1] - q[:, 0] * p[:, 1]
    a = cross.sum() / 2.0
    if abs(a) < 1e-12:
        return p.mean(axis=0)
    return np.array([((p[:, 0] + q[:, 0]) * cross).sum(), ((p[:, 1] + q[:, 1]) * cross).sum()]) / (6.0 * a)


def ellipse_touches_polygon(mean, cov, k: float, margin: float, polygon) -> bool:
    """Whether the k-sigma ellipse (grown by ``margin`` m) and ``polygon`` overlap: a boundary point of the
    ellipse inside the polygon, or a polygon vertex inside the ellipse (the polygon the smaller one)."""
    return ellipse_touches_polygons(mean, cov, k, margin, [polygon])[0]


def ellipse_touches_polygons(mean, cov, k: float, margin: float, polygons) -> list[bool]:
    """``ellipse_touches_polygon`` for several polygons (a list, or a :class:`PolygonSet`), sharing the
    ellipse's decomposition and testing all polygons in one pass."""
    pset = polygons if isinstance(polygons, PolygonSet) else PolygonSet(polygons)
    if pset.size == 0:
        return []
    vals, vecs = np.linalg.eigh(np.asarray(cov, float))
    radii = k * np.sqrt(np.clip(vals, 0.0, None)) + margin
    m = np.asarray(mean, float)[:2]
    pts = np.vstack([m[None], (_UNIT_CIRCLE * radii) @ vecs.T + m])
    boundary_in = pset.contains(pts).any(axis=0)
    # A polygon vertex inside the ellipse (the polygon the smaller one).
    d = (np.stack([pset.x1, pset.y1], axis=1) - m) @ vecs
    vertex_in = (np.sum((d / np.maximum(radii, 1e-9)) ** 2, axis=1) <= 1.0).astype(np.int64)
    vertex_any = np.add.reduceat(vertex_in, pset.starts) > 0
    return (boundary_in | vertex_any).tolist()


_UNIT_CIRCLE = np.stack([np.cos(np.linspace(0.0, 2.0 * np.pi, 32, endpoint=False)),
                         np.sin(np.linspace(0.0, 2.0 * np.pi, 32, endpoint=False))], axis=-1)


def segments_intersect(p1, p2, q1, q2) -> np.ndarray:
    """Whether segments p1-p2 (..., 2) and q1-q2 (..., 2) intersect (broadcasting)."""
    p1, p2, q1, q2 = (np.asarray(v, float) for v in (p1, p2, q1, q2))

    def orient(a, b, c):
        return (b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1]) - (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0])

    d1, d2 = orient(q1, q2, p1), orient(q1, q2, p2)
    d3, d4 = orient(p1, p2, q1), orient(p1, p2, q2)
    return ((d1 > 0) != (d2 > 0)) & ((d3 > 0) != (d4 > 0))


def segment_polygon_overlap(a, b, polygon) -> bool:
    """Whether the segment a-b (2,) touches the polygon (V, 2): an end inside or an edge crossed."""
    poly = np.asarray(polygon, float)
    if points_in_polygon(np.array([a, b], float)[:, :2], poly).any():
        return True
    a2, b2 = np.asarray(a, float)[:2], np.asarray(b, float)[:2]
    return bool(segments_intersect(a2, b2, poly, np.roll(poly, -1, axis=0)).any())


def clip_segment_to_prism(a, b, polygon, floor: float, ceiling: float, samples: int = 64) -> bool:
    """Whether the 3-D segment a-b passes through the vertical prism over ``polygon`` between
    ``floor`` and ``ceiling`` (m). Sampled finely along the segment plus an exact edge-crossing test
    for the horizontal part (a segment can cross a thin corridor between samples)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    s = np.linspace(0.0, 1.0, samples)
    pts = a + s[:, None] * (b - a)
    inside = points_in_polygon(pts[:, :2], polygon) & (pts[:, 2] >= floor) & (pts[:, 2] <= ceiling)
    if inside.any():
        return True
    poly = np.asarray(polygon, float)
    e1, e2 = poly, np.roll(poly, -1, axis=0)
    # Exact crossings of the polygon's edges: check the height where the segment crosses each edge.
    d = b[:2] - a[:2]
    for p, q in zip(e1, e2, strict=True):
        e = q - p
        den = d[0] * e[1] - d[1] * e[0]
        if abs(den) < 1e-12:
            continue
        w = p - a[:2]
        t = (w[0] * e[1] - w[1] * e[0]) / den
        u = (w[0] * d[1] - w[1] * d[0]) / den
        if 0.0 <= t <= 1.0 and 0.0 <= u <= 1.0:
            z = a[2] + t * (b[2] - a[2])
            if floor <= z <= ceiling:
                return True
    return False
