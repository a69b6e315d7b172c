"""Safety interlocks: every check that stands between a decision and a fire order, in one place.

``check_fire`` is called last, immediately before any fire order, and returns the reasons to hold fire
(empty: clear to fire). The checks:

1. ROE: HOLD (and any state other than TIGHT or FREE) blocks everything; the target must not be a friend
   or a neutral (nor of a protected class, aircraft or helicopter, when its class is given); under TIGHT
   it must be positively hostile (an unknown is not enough).
2. Sectors: when the effector has allowed azimuth/elevation sectors, the line of fire (effector to aim
   point) must lie inside one of them.
3. Airspace: the line of fire (the trajectory from the effector through the aim point to the
   self-destruct point; a polyline) must not pass through an airspace corridor while any friendly,
   neutral or aircraft-class track is inside that corridor, now or at any time in the next ``window_s``
   seconds (the time the rounds are in the air) flown at its current velocity, and must not pass within
   ``friendly_clearance_m`` of any friendly or neutral track (nor of its path over that window).
4. Ground: the debris footprint about the intercept point, and the fall of missed rounds (a footprint of
   stadiums, e.g. :meth:`bastion.engage.effectors.Gun.miss_footprint`, by default the ground track from
   the aim point to the self-destruct point) must not touch a no-fire zone.

All geometric tests are exact (segment/polygon distances and intersections, a segment clipped to a
corridor's floor and ceiling), not sampled; the property tests check them against an independent dense
sampling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bastion.engage.roe import FREE, HOLD, TIGHT
from bastion.geometry import points_in_polygon

FRIEND, NEUTRAL, HOSTILE = "friend", "neutral", "hostile"
PROTECTED_CLASSES = ("aircraft", "helicopter")


@dataclass(frozen=True)
class SafetyConfig:
    friendly_clearance_m: float = 500.0
    debris_radius_m: float = 150.0  # footprint of an intercepted threat's debris about the intercept


@dataclass(frozen=True)
class AirPicture:
    """Tracks that must be protected: positions (N,3) ENU m, identities, classes, and optionally their
    velocities (N,3) m/s, with which they are flown forward (constant velocity) over the time the line of
    fire is in use."""

    positions: np.ndarray
    identities: tuple[str, ...]
    classes: tuple[str, ...]
    velocities: np.ndarray | None = None

    def protected_mask(self) -> np.ndarray:
        pairs = zip(self.identities, self.classes, strict=True)
        return np.array([i in (FRIEND, NEUTRAL) or c in PROTECTED_CLASSES for i, c in pairs], bool)


@dataclass(frozen=True)
class Zones:
    """Static geometry: corridors as (name, polygon (V,2), floor m, ceiling m); no-fire zones as
    (name, polygon)."""

    corridors: tuple[tuple[str, np.ndarray, float, float], ...]
    no_fire: tuple[tuple[str, np.ndarray], ...]


@dataclass(frozen=True)
class FireSector:
    """An allowed sector of fire from an effector: compass azimuth clockwise from ``az_from_deg`` to
    ``az_to_deg`` (wrapping through north when ``az_to_deg < az_from_deg``; 0 to 360 is all round) and
    elevation between ``el_min_deg`` and ``el_max_deg``."""

    az_from_deg: float = 0.0
    az_to_deg: float = 360.0
    el_min_deg: float = -90.0
    el_max_deg: float = 90.0

    def contains(self, az_deg: float, el_deg: float) -> bool:
        span = (self.az_to_deg - self.az_from_deg) % 360.0
        if span == 0.0 and self.az_to_deg != self.az_from_deg:
            span = 360.0
        in_az = span >= 360.0 or (az_deg - self.az_from_deg) % 360.0 <= span
        return bool(in_az and self.el_min_deg <= el_deg <= self.el_max_deg)


# --- exact plane geometry ----------------------------------------------------------------------------------
def _point_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from points p (...,D) to segments a-b (...,D) (broadcasting)."""
    d = b - a
    dd = np.einsum("...i,...i->...", d, d)
    s = np.clip(np.einsum("...i,...i->...", p - a, d) / np.where(dd > 0, dd, 1.0), 0.0, 1.0)
    return np.linalg.norm(p - (a + s[..., None] * d), axis=-1)


def segment_segment_distance(p1, q1, p2, q2) -> np.ndarray:
    """Distance between 3-D segments p1-q1 and p2-q2 (broadcasting over leading axes): the closest points
    by clamped parameters (C. Ericson, *Real-Time Collision Detection*, 2005, sec. 5.1.9); a segment of
    zero length is a point."""
    p1, q1, p2, q2 = (np.asarray(v, float) for v in (p1, q1, p2, q2))
    d1, d2, r = q1 - p1, q2 - p2, p1 - p2
    a = np.einsum("...i,...i->...", d1, d1)
    e = np.einsum("...i,...i->...", d2, d2)
    f = np.einsum("...i,...i->...", d2, r)
    c = np.einsum("...i,...i->...", d1, r)
    b = np.einsum("...i,...i->...", d1, d2)
    tiny = 1e-12
    a_ok, e_ok = a > tiny, e > tiny
    denom = a * e - b * b
    s = np.where(a_ok & e_ok & (denom > tiny * np.maximum(a * e, tiny)),
                 np.clip((b * f - c * e) / np.where(denom != 0, denom, 1.0), 0.0, 1.0), 0.0)
    s = np.where(a_ok & ~e_ok, np.clip(-c / np.where(a_ok, a, 1.0), 0.0, 1.0), s)
    t = np.where(e_ok, (b * s + f) / np.where(e_ok, e, 1.0), 0.0)
    # t outside [0, 1]: clamp it and recompute s for the clamped t.
    t_lo, t_hi = t < 0.0, t > 1.0
    t = np.clip(t, 0.0, 1.0)
    s = np.where(a_ok & t_lo, np.clip(-c / np.where(a_ok, a, 1.0), 0.0, 1.0), s)
    s = np.where(a_ok & t_hi, np.clip((b - c) / np.where(a_ok, a, 1.0), 0.0, 1.0), s)
    return np.linalg.norm((p1 + d1 * s[..., None]) - (p2 + d2 * t[..., None]), axis=-1)


def _segments_cross(a, b, c, d) -> np.ndarray:
    """Whether 2-D segments a-b and c-d (broadcasting) intersect, touching included."""
    def orient(p, q, r):
        return (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1]) - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])

    o1, o2, o3, o4 = (np.sign(o) for o in (orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)))
    return (o1 * o2 <= 0) & (o3 * o4 <= 0) & ~((o1 == 0) & (o2 == 0) & (o3 == 0) & (o4 == 0)) | (
        # collinear: overlap of the projections
        (o1 == 0) & (o2 == 0) & (o3 == 0) & (o4 == 0)
        & (np.minimum(a[..., 0], b[..., 0]) <= np.maximum(c[..., 0], d[..., 0]))
        & (np.minimum(c[..., 0], d[..., 0]) <= np.maximum(a[..., 0], b[..., 0]))
        & (np.minimum(a[..., 1], b[..., 1]) <= np.maximum(c[..., 1], d[..., 1]))
        & (np.minimum(c[..., 1], d[..., 1]) <= np.maximum(a[..., 1], b[..., 1]))
    )


def segment_polygon_distance(a, b, polygon) -> float:
    """Distance (m) between the 2-D segment a-b and the polygon region (V,2): 0 if they touch."""
    a, b = np.asarray(a, float)[:2], np.asarray(b, float)[:2]
    poly = np.asarray(polygon, float)
    if points_in_polygon(np.array([a, b]), poly).any():
        return 0.0
    c, d = poly, np.roll(poly, -1, axis=0)
    if _segments_cross(a, b, c, d).any():
        return 0.0
    return float(min(_point_segment_distance(a, c, d).min(), _point_segment_distance(b, c, d).min(),
                     _point_segment_distance(c, a, b).min()))


def points_polygon_distance(points, polygon) -> np.ndarray:
    """Distance (m) from 2-D points (N,2) to the polygon region (V,2): 0 inside or on the boundary."""
    pts = np.atleast_2d(np.asarray(points, float))[:, :2]
    c = np.asarray(polygon, float)
    d = np.roll(c, -1, axis=0)
    dist = _point_segment_distance(pts[:, None, :], c[None], d[None]).min(axis=1)
    return np.where(points_in_polygon(pts, c), 0.0, dist)


def keep_out_clear(points, polygons, keep_out_m: float) -> np.ndarray:
    """(N,) whether each intercept point (N,2+) is at least ``keep_out_m`` (horizontally) from every
    defended asset polygon."""
    pts = np.atleast_2d(np.asarray(points, float))
    ok = np.ones(pts.shape[0], bool)
    for poly in polygons:
        ok &= points_polygon_distance(pts, poly) >= keep_out_m
    return ok


def stadium_touches_polygon(a, b, radius: float, polygon) -> bool:
    """Whether every-point-within-``radius``-of-segment-a-b touches the polygon region."""
    return segment_polygon_distance(a, b, polygon) <= radius


def segment_crosses_prism(p, q, polygon, floor: float, ceiling: float) -> bool:
    """Whether the 3-D segment p-q passes through the vertical prism over ``polygon`` between ``floor``
    and ``ceiling`` (m): the segment is clipped to the height band, then tested in the plane."""
    return bool(segments_cross_prism(np.asarray(p, float)[None], np.asarray(q, float)[None], polygon, floor,
                                     ceiling)[0])


def segments_cross_prism(p, q, polygon, floor: float, ceiling: float) -> np.ndarray:
    """:func:`segment_crosses_prism` for N segments p-q (N, 3) at once: (N,) bool. Each segment is clipped to
    the height band; the clipped piece touches the polygon if an end lies inside it or it crosses an edge."""
    p, q = np.asarray(p, float).reshape(-1, 3), np.asarray(q, float).reshape(-1, 3)
    dz = q[:, 2] - p[:, 2]
    flat = dz == 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        sa = np.where(flat, -np.inf, (floor - p[:, 2]) / np.where(flat, 1.0, dz))
        sb = np.where(flat, np.inf, (ceiling - p[:, 2]) / np.where(flat, 1.0, dz))
    s0 = np.maximum(np.minimum(sa, sb), 0.0)
    s1 = np.minimum(np.maximum(sa, sb), 1.0)
    in_band = np.where(flat, (p[:, 2] >= floor) & (p[:, 2] <= ceiling), s0 <= s1)
    if not in_band.any():
        return in_band
    d = q - p
    a = (p + s0[:, None] * d)[:, :2]
    b = (p + s1[:, None] * d)[:, :2]
    poly = np.asarray(polygon, float)
    ends_in = points_in_polygon(np.concatenate([a, b]), poly).reshape(2, -1).any(axis=0)
    c, e = poly[None], np.roll(poly, -1, axis=0)[None]
    crosses = _segments_cross(a[:, None], b[:, None], c, e).any(axis=1)
    return in_band & (ends_in | crosses)


# --- the interlocks ----------------------------------------------------------------------------------------
def check_fire(
    *, sector_state: str, target_identity: str, gun_pos: np.ndarray, aim: np.ndarray,
    self_destruct: np.ndarray, zones: Zones, air: AirPicture, config: SafetyConfig | None = None,
    target_index: int | None = None, target_class: str | None = None,
    sectors: Sequence[FireSector] | None = None, trajectory: np.ndarray | None = None, footprint=None,
    window_s: float = 0.0,
) -> list[str]:
    """Reasons not to fire at ``aim`` (empty list: clear). ``target_index`` is the target's row in
    ``air`` (excluded from the clearance checks).

    Optional (safe defaults): ``target_class`` (aircraft and helicopters are never targets);
    ``sectors`` the effector's allowed fire sectors (None: no sector limits; an empty sequence allows
    nothing); ``trajectory`` (K,3) the line of fire as a polyline from the effector to the self-destruct
    point (default: effector -> aim -> self-destruct); ``footprint`` where missed rounds fall, an object
    with ``a`` (K,2), ``b`` (K,2), ``radius`` (K,) stadiums (default: the ground track aim ->
    self-destruct, radius 0); ``window_s`` how long from now the line of fire is in use (until the last
    round self-destructs or the effect ends): a protected track with a velocity in ``air`` that will be
    inside a corridor the line of fire crosses at any time within it holds fire (its straight path over
    the window is tested against the corridor's prism, exactly).
    """
    cfg = config or SafetyConfig()
    gun_pos, aim, self_destruct = (np.asarray(v, float) for v in (gun_pos, aim, self_destruct))
    reasons: list[str] = []
    if sector_state == HOLD or sector_state not in (TIGHT, FREE):
        reasons.append("ROE HOLD")
    if target_identity in (FRIEND, NEUTRAL):
        reasons.append(f"target identified {target_identity}")
    elif sector_state == TIGHT and target_identity != HOSTILE:
        reasons.append(f"ROE TIGHT and target {target_identity}")
    if target_class in PROTECTED_CLASSES:
        reasons.append(f"target class {target_class} is protected")

    if sectors is not None:
        d = aim - gun_pos
        az = float(np.degrees(np.arctan2(d[0], d[1]))) % 360.0
        el = float(np.degrees(np.arctan2(d[2], np.hypot(d[0], d[1]))))
        if not any(s.contains(az, el) for s in sectors):
            reasons.append(f"line of fire (az {az:.1f}, el {el:.1f} deg) outside the effector's fire sectors")

    path = np.asarray(trajectory, float) if trajectory is not None else np.array([gun_pos, aim, self_destruct])
    protected = air.protected_mask()
    if target_index is not None and protected.size:
        protected[target_index] = False
    prot_pos = np.asarray(air.positions, float).reshape(-1, 3)[protected]
    if air.velocities is not None and window_s > 0.0:
        prot_end = prot_pos + np.asarray(air.velocities, float).reshape(-1, 3)[protected] * float(window_s)
    else:
        prot_end = prot_pos
    if prot_pos.size:
        for name, poly, floor, ceiling in zones.corridors:
            inside = (points_in_polygon(prot_pos[:, :2], poly) & (prot_pos[:, 2] >= floor)
                      & (prot_pos[:, 2] <= ceiling))
            moving = np.any(prot_pos != prot_end, axis=1)
            occupied = inside.any() or bool(
                segments_cross_prism(prot_pos[moving], prot_end[moving], poly, floor, ceiling).any())
            if occupied and len(path) > 1 and segments_cross_prism(path[:-1], path[1:], poly, floor, ceiling).any():
                reasons.append(f"line of fire crosses occupied corridor {name}")
        # Clearance over the window too: each track's straight path against each leg of the line of fire.
        dist = segment_segment_distance(prot_pos[None, :, :], prot_end[None, :, :], path[:-1, None, :],
                                        path[1:, None, :])
        if (dist < cfg.friendly_clearance_m).any():
            reasons.append(f"line of fire within {cfg.friendly_clearance_m:.0f} m of a friendly or neutral track")

    if footprint is None:
        fa, fb, fr = aim[None, :2], self_destruct[None, :2], np.zeros(1)
    else:
        fa, fb, fr = np.asarray(footprint.a, float), np.asarray(footprint.b, float), np.asarray(footprint.radius, float)
    for name, poly in zones.no_fire:
        if stadium_touches_polygon(aim[:2], aim[:2], cfg.debris_radius_m, poly):
            reasons.append(f"intercept debris over no-fire zone {name}")
        if any(stadium_touches_polygon(fa[k], fb[k], fr[k], poly) for k in range(len(fr))):
            reasons.append(f"fall of missed rounds over no-fire zone {name}")
    return reasons
