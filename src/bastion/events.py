"""The engine's output events and non-sensor input messages: small immutable typed records.

Every record has a time ``t`` (s from the scenario epoch) and a ``KIND``; ``to_payload`` gives its
JSON-ready fields. Events name who or what made each decision (``by``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


def jsonable(value: Any) -> Any:
    """Plain JSON types from NumPy arrays/scalars, tuples and nested dataclasses."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class Record:
    KIND: ClassVar[str] = ""
    t: float

    def to_payload(self) -> dict[str, Any]:
        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}


# --- inputs besides sensor data -------------------------------------------------------------------
@dataclass(frozen=True)
class Tick(Record):
    """Run the decision cycle (assess, warn, engage) at ``t``."""

    KIND: ClassVar[str] = "input.tick"


@dataclass(frozen=True)
class OperatorCommand(Record):
    """An operator's (or the scenario's) command: ``approve``/``deny`` an engagement, ``set_roe``, or
    ``cue_camera`` (turn slew-to-cue camera ``sensor`` onto track ``track_id`` for its next look)."""

    KIND: ClassVar[str] = "input.operator"
    by: str
    action: str
    engagement_id: int | None = None
    sector: str | None = None
    state: str | None = None
    sensor: str | None = None
    track_id: int | None = None


@dataclass(frozen=True)
class EngagementReport(Record):
    """Kill assessment of an engagement: ``kill`` or ``miss`` (in simulation, drawn against truth)."""

    KIND: ClassVar[str] = "input.engagement_report"
    engagement_id: int
    result: str
    by: str


# --- outputs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrackConfirmed(Record):
    KIND: ClassVar[str] = "track.confirmed"
    track_id: int
    position: tuple[float, float, float]


@dataclass(frozen=True)
class TrackDeleted(Record):
    KIND: ClassVar[str] = "track.deleted"
    track_id: int
    reason: str


@dataclass(frozen=True)
class TrackContinued(Record):
    """Round track ``track_id`` is the round of lost track ``previous_track_id``: their predicted impacts
    agree (``impact_d2``: squared Mahalanobis distance of the two impact points under their summed
    covariances) and it began after the lost track's last plot (``bastion.assess.continuity``)."""

    KIND: ClassVar[str] = "track.continued"
    track_id: int
    previous_track_id: int
    impact_d2: float


@dataclass(frozen=True)
class TrackPicture(Record):
    """The confirmed tracks at a decision cycle: ids, states [e, n, u, ve, vn, vu], classes, identities."""

    KIND: ClassVar[str] = "track.picture"
    track_ids: tuple[int, ...]
    states: tuple[tuple[float, ...], ...]
    classes: tuple[str, ...]
    identities: tuple[str, ...]


@dataclass(frozen=True)
class ClassChanged(Record):
    KIND: ClassVar[str] = "assess.class"
    track_id: int
    track_class: str
    confidence: float


@dataclass(frozen=True)
class CameraCue(Record):
    """A slew-to-cue camera is turned onto a track (``bastion.assess.camera_cue``): it looks toward
    (``aim_az``, ``aim_el``) (rad, compass azimuth, from the camera) from ``t_start`` to ``t_end`` (s);
    ``by``: the tasking's own choice, or the operator who asked for it."""

    KIND: ClassVar[str] = "assess.camera_cue"
    camera: str
    track_id: int
    aim_az: float
    aim_el: float
    t_start: float
    t_end: float
    by: str = "assess:tasking"


@dataclass(frozen=True)
class CameraRecognition(Record):
    """A camera's look recognised the object of a track as ``label`` (a track class): evidence for the
    classifier, recorded so that a review can see why a track got its class."""

    KIND: ClassVar[str] = "assess.camera_recognition"
    camera: str
    track_id: int
    label: str


@dataclass(frozen=True)
class IdentityChanged(Record):
    KIND: ClassVar[str] = "assess.identity"
    track_id: int
    identity: str
    reason: str


@dataclass(frozen=True)
class ImpactPredicted(Record):
    """Predicted impact point (ENU m) and time (s), with the 2x2 east-north covariance (m^2)."""

    KIND: ClassVar[str] = "assess.impact"
    track_id: int
    impact_enu: tuple[float, float, float]
    impact_t: float
    cov_en: tuple[tuple[float, float], tuple[float, float]]
    target_asset: str | None


@dataclass(frozen=True)
class OriginPredicted(Record):
    """Point of origin (ENU m; geodetic degrees and metres for the response force) of a ballistic track,
    with the 2x2 east-north covariance (m^2) and the estimated launch time (s)."""

    KIND: ClassVar[str] = "respond.origin"
    track_id: int
    origin_enu: tuple[float, float, float]
    origin_lat_lon_alt: tuple[float, float, float]
    launch_t: float
    cov_en: tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Alert(Record):
    """A zone's warning state changed: ``tier`` is ``early_warning``, ``warning`` or ``all_clear``. A
    warning's ``action`` tells the zone what to do: ``shelter`` while its time to shelter is left before
    the first predicted impact, ``get_down`` once it is not (None for the other tiers). Its ``reason``
    says why it sounded now (for review): ``tight_ellipse``, ``deadline``, ``last_seconds``,
    ``drone_path`` or ``track_lost`` (``bastion.warn.warning.WarningController.zone_reasons``), that of
    the first threat due; ``track_reasons`` each threat's own, in the order of ``track_ids`` (None for a
    lost track held from before)."""

    KIND: ClassVar[str] = "warn.alert"
    zone: str
    tier: str
    track_ids: tuple[int, ...]
    predicted_impact_t: float | None
    action: str | None = None
    reason: str | None = None
    track_reasons: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class AlertJoined(Record):
    """A further threat joined a zone's current warning (no new alarm; recorded for review), and why (as
    :class:`Alert`'s ``reason``)."""

    KIND: ClassVar[str] = "warn.join"
    zone: str
    track_id: int
    reason: str | None = None


@dataclass(frozen=True)
class RoeChanged(Record):
    KIND: ClassVar[str] = "engage.roe"
    sector: str
    state: str
    by: str


@dataclass(frozen=True)
class CommandRejected(Record):
    """An operator command the engine could not apply (unknown sector, state, engagement or action)."""

    KIND: ClassVar[str] = "engage.command_rejected"
    by: str
    action: str
    reason: str


@dataclass(frozen=True)
class ApprovalRequested(Record):
    KIND: ClassVar[str] = "engage.approval_requested"
    engagement_id: int
    track_id: int
    effector: str
    track_class: str
    deadline_t: float


@dataclass(frozen=True)
class ApprovalDecision(Record):
    """``decision`` is ``approved``, ``denied`` or ``expired`` (deadline passed), made ``by``."""

    KIND: ClassVar[str] = "engage.approval_decision"
    engagement_id: int
    track_id: int
    decision: str
    by: str


@dataclass(frozen=True)
class FireOrder(Record):
    KIND: ClassVar[str] = "engage.fire"
    engagement_id: int
    track_id: int
    effector: str
    aim_enu: tuple[float, float, float]
    intercept_t: float
    rounds: int
    authorised_by: str


@dataclass(frozen=True)
class InterlockVeto(Record):
    KIND: ClassVar[str] = "engage.veto"
    track_id: int
    effector: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class EngagementResult(Record):
    KIND: ClassVar[str] = "engage.result"
    engagement_id: int
    track_id: int
    result: str
    by: str
