"""Safety interlocks: every check that stands between a decision and a fire order, in one place.

``check_fire`` is called last, immediately before any fire order, and returns the reasons to hold fire
(empty: clear to fire). The checks:

1. ROE: HOLD blocks everything; the target must not be a friend or a neutral; under TIGHT it must be
   positively hostile (an unknown is not enough).
2. Airspace: the line of fire (gun to self-destruct point) must not pass through an airspace corridor
   while any friendly, neutral or aircraft-class track is inside that corridor, and must not pass
   within ``friendly_clearance_m`` of any friendly or neutral track.
3. Ground: the intercept point, the debris footprint under it and the fall of missed rounds (the
   ground track of the line of fire beyond the intercept, out to the self-destruct point) must not be
   over a no-fire zone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.engage.roe import FREE, HOLD, TIGHT
from bastion.geometry import clip_segment_to_prism, points_in_polygon, segment_polygon_overlap

FRIEND, NEUTRAL, HOSTILE = "friend", "neutral", "hostile"


@dataclass(frozen=True)
class SafetyConfig:
    friendly_clearance_m: float = 500.0
    debris_radius_m: float = 150.0  # footprint of an intercepted threat's debris about the intercept


@dataclass(frozen=True)
class AirPicture:
    """Tracks that must be protected: positions (N,3) ENU m, identities, classes."""

    positions: np.ndarray
    identities: tuple[str, ...]
    classes: tuple[str, ...]

    def protected_mask(self) -> np.ndarray:
        pairs = zip(self.identities, self.classes, strict=True)
        return np.array([i in (FRIEND, NEUTRAL) or c in ("aircraft", "helicopter") for i, c in pairs], bool)


@dataclass(frozen=True)
class Zones:
    """Static geometry: corridors as (name, polygon (V,2), floor m, ceiling m); no-fire zones as
    (name, polygon)."""

    corridors: tuple[tuple[str, np.ndarray, float, float], ...]
    no_fire: tuple[tuple[str, np.ndarray], ...]


def _segment_min_distance(a: np.ndarray, b: np.ndarray, pts: np.ndarray) -> np.ndarray:
    d = b - a
    s = np.clip(((pts - a) @ d) / max(float(d @ d), 1e-12), 0.0, 1.0)
    return np.linalg.norm(pts - (a + s[:, None] * d), axis=1)


def check_fire(
    *, sector_state: str, target_identity: str, gun_pos: np.ndarray, aim: np.ndarray,
    self_destruct: np.ndarray, zones: Zones, air: AirPicture, config: SafetyConfig | None = None,
    target_index: int | None = None,
) -> list[str]:
    """Reasons not to fire at ``aim`` (empty list: clear). ``target_index`` is the target's row in
    ``air`` (excluded from the clearance checks)."""
    cfg = config or SafetyConfig()
    reasons: list[str] = []
    if sector_state == HOLD or sector_state not in (TIGHT, FREE):
        reasons.append("ROE HOLD")
    if target_identity in (FRIEND, NEUTRAL):
        reasons.append(f"target identified {target_identity}")
    elif sector_state == TIGHT and target_identity != HOSTILE:
        reasons.append(f"ROE TIGHT and target {target_identity}")

    protected = air.protected_mask()
    if target_index is not None:
        protected[target_index] = False
    prot_pos = air.positions[protected]
    for name, poly, floor, ceiling in zones.corridors:
        if not clip_segment_to_prism(gun_pos, self_destruct, poly, floor, ceiling):
            continue
        if prot_pos.size:
            inside = points_in_polygon(prot_pos[:, :2], poly) & (prot_pos[:, 2] >= floor) & (prot_pos[:, 2] <= ceiling)
            if inside.any():
                reasons.append(f"line of fire crosses occupied corridor {name}")
    if prot_pos.size:
        near = _segment_min_distance(gun_pos, self_destruct, prot_pos) < cfg.friendly_clearance_m
        if near.any():
            reasons.append(f"line of fire within {cfg.friendly_clearance_m:.0f} m of a friendly or neutral track")

    ang = np.linspace(0.0, 2.0 * np.pi, 16, endpoint=False)
    debris = aim[:2] + cfg.debris_radius_m * np.stack([np.cos(ang), np.sin(ang)], axis=1)
    debris = np.vstack([aim[:2], debris])
    for name, poly in zones.no_fire:
        if points_in_polygon(debris, poly).any():
            reasons.append(f"intercept debris over no-fire zone {name}")
        if segment_polygon_overlap(aim[:2], self_destruct[:2], poly):
            reasons.append(f"fall of missed rounds over no-fire zone {name}")
    return reasons
