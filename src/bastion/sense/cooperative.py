"""Cooperative reports: ADS-B broadcasts from civil aircraft and IFF replies from friendly aircraft.

They carry identity, not only position: the assessment uses them to say who a track is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class CooperativeReport:
    """Reports from one cooperative source at one time.

    Attributes:
        source_id: the sensor's name; kind: ``"adsb"`` or ``"iff"``.
        time: report time (s).
        position: (n, 3) reported ENU positions (m); velocity: (n, 3) (m/s, NaN if not reported).
        sigma_m: (n,) position standard deviation (m).
        identity: n identities (ICAO address/callsign for ADS-B, the mode 5 reply for IFF).
    """

    source_id: str
    kind: str
    time: float
    position: np.ndarray
    velocity: np.ndarray
    sigma_m: np.ndarray
    identity: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.kind not in ("adsb", "iff"):
            raise ValueError(f"cooperative report from {self.source_id!r}: unknown kind {self.kind!r}")
        n = len(self.identity)
        object.__setattr__(self, "position", np.asarray(self.position, float).reshape(n, 3))
        object.__setattr__(self, "velocity", np.asarray(self.velocity, float).reshape(n, 3))
        object.__setattr__(self, "sigma_m", np.asarray(self.sigma_m, float).reshape(n))
        if not np.all(np.isfinite(self.position)):
            raise ValueError(f"cooperative report from {self.source_id!r}: non-finite position")

    def __len__(self) -> int:
        return len(self.identity)


@dataclass(frozen=True)
class CooperativeModel:
    """An ADS-B receiver or an IFF interrogator (ranges in m, intervals in s)."""

    name: str
    kind: str
    position: np.ndarray
    range_max: float
    interval: float
    sigma_position: float

    def report(
        self, t: float, pos: np.ndarray, vel: np.ndarray, exists: np.ndarray, cooperates: np.ndarray,
        identities: list[str], rng: np.random.Generator,
    ) -> tuple[CooperativeReport, np.ndarray]:
        """Reports at ``t`` from every existing, cooperating object within range; also returns the
        object index behind each report (analysis only)."""
        noise = rng.normal(size=pos.shape)
        in_range = np.linalg.norm(pos - self.position, axis=1) <= self.range_max
        idx = np.flatnonzero(exists & cooperates & in_range)
        report = CooperativeReport(
            self.name, self.kind, t, pos[idx] + self.sigma_position * noise[idx],
            vel[idx] if self.kind == "adsb" else np.full((idx.size, 3), np.nan),
            np.full(idx.size, self.sigma_position), tuple(identities[i] for i in idx),
        )
        return report, idx
