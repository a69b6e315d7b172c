"""Rules of engagement: per-sector weapon control state, which classes are pre-authorised, which need
an operator's approval. Every sector starts in HOLD: nothing fires until an ROE change is applied."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.scenario.schema import Roe

HOLD, TIGHT, FREE = "HOLD", "TIGHT", "FREE"
STATES = (HOLD, TIGHT, FREE)


@dataclass(frozen=True)
class SectorSpan:
    name: str
    az_from: float  # rad, compass
    span: float  # rad, clockwise extent (2 pi = all round)

    def contains(self, az: float) -> bool:
        return (az - self.az_from) % (2.0 * np.pi) <= self.span + 1e-12


class RoeState:
    def __init__(self, roe: Roe) -> None:
        self.policy = roe
        self.sectors = []
        for s in roe.sectors:
            span = s.az_to_deg - s.az_from_deg if s.az_to_deg > s.az_from_deg else s.az_to_deg + 360 - s.az_from_deg
            self.sectors.append(SectorSpan(s.name, np.radians(s.az_from_deg), np.radians(span)))
        self.state = {s.name: HOLD for s in roe.sectors}

    def set(self, sector: str, state: str) -> None:
        if sector not in self.state:
            raise ValueError(f"unknown sector {sector!r}; sectors: {sorted(self.state)}")
        if state not in STATES:
            raise ValueError(f"unknown ROE state {state!r}; states: {STATES}")
        self.state[sector] = state

    def state_at(self, point_enu) -> tuple[str, str | None]:
        """(state, sector name) for a point, by its azimuth from the site origin. Outside every sector
        the state is HOLD."""
        az = float(np.arctan2(point_enu[0], point_enu[1])) % (2.0 * np.pi)
        for s in self.sectors:
            if s.contains(az):
                return self.state[s.name], s.name
        return HOLD, None

    def needs_approval(self, track_class: str, sector_state: str) -> bool:
        """Whether engaging ``track_class`` in a sector in ``sector_state`` needs an operator."""
        return not (track_class in self.policy.pre_authorised and sector_state == FREE)

    def engageable(self, track_class: str) -> bool:
        return track_class in self.policy.pre_authorised or track_class in self.policy.approval_required
