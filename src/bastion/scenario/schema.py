"""The scenario schema: the defended site, its sensors and effectors, the objects that fly, the policy.

All positions are local east-north-up metres about the site origin (``[east, north, up]``); polygons are
lists of ``[east, north]`` vertices. Angles in files are degrees (field names end in ``_deg``), times
seconds from the scenario epoch. Unknown keys are rejected everywhere.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Point3 = Annotated[list[float], Field(min_length=3, max_length=3)]
Point2 = Annotated[list[float], Field(min_length=2, max_length=2)]
Polygon = Annotated[list[Point2], Field(min_length=3)]
PositiveFloat = Annotated[float, Field(gt=0)]
NonNegFloat = Annotated[float, Field(ge=0)]
# A sensor's period (s): at least 10 ms (100 Hz, beyond any sensor modelled here); a typing error of 1e-9 s
# asked for a billion scans a second and the run never ended.
SensorPeriod = Annotated[float, Field(ge=0.01)]
Probability = Annotated[float, Field(gt=0, lt=1)]

# Track classes the assessment can report; ROE and operator policy refer to them by these names.
TRACK_CLASSES = ("rocket", "mortar", "artillery", "owa_drone", "quadcopter", "bird", "aircraft", "helicopter")
ROUND_KINDS = ("rocket", "mortar", "artillery")  # the indirect-fire kinds: they fly ballistically to impact
TrackClass = Literal["rocket", "mortar", "artillery", "owa_drone", "quadcopter", "bird", "aircraft", "helicopter"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Site(Strict):
    name: str
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=180)
    alt_m: float = 0.0
    perimeter: Polygon
    epoch_utc: str = "2026-01-01T00:00:00Z"


class Asset(Strict):
    name: str
    polygon: Polygon
    value: PositiveFloat


class WarningZone(Strict):
    """A zone warned as one. ``time_to_shelter_s``: the lead its people need to reach shelter (s);
    ``time_to_get_down_s``: the lead a warning must still leave once that is impossible, to drop prone (s;
    unset: the warning controller's default, 2 s)."""

    name: str
    polygon: Polygon
    time_to_shelter_s: NonNegFloat
    time_to_get_down_s: NonNegFloat | None = None


class NoFireZone(Strict):
    """Ground area over which no round may be aimed and no missed round may fall."""

    name: str
    polygon: Polygon


class Corridor(Strict):
    """An airspace corridor (e.g. an approach path): a prism over ``polygon`` between floor and ceiling."""

    name: str
    polygon: Polygon
    floor_m: float = 0.0
    ceiling_m: PositiveFloat

    @model_validator(mode="after")
    def _floor_below_ceiling(self) -> Corridor:
        if self.floor_m >= self.ceiling_m:
            raise ValueError("floor_m must be below ceiling_m")
        return self


class RadarSensor(Strict):
    """A radar described by its reference point: ``ref_rcs_m2`` is detected at ``ref_range_m`` with
    probability ``ref_pd`` at false-alarm probability ``pfa`` (Swerling 1)."""

    name: str
    type: Literal["surveillance_radar", "counter_mortar_radar"]
    position: Point3
    range_m: PositiveFloat
    min_range_m: NonNegFloat = 100.0
    revisit_s: SensorPeriod = 1.0
    ref_range_m: PositiveFloat
    ref_rcs_m2: PositiveFloat
    ref_pd: Probability = 0.9
    pfa: Probability = 1e-6
    false_alarms_per_scan: NonNegFloat = 2.0
    sigma_range_m: PositiveFloat = 10.0
    # Angle noise beyond 45 deg (one sigma) locates nothing; such a figure is a typing error.
    sigma_az_deg: float = Field(default=0.3, gt=0, le=45)
    sigma_el_deg: float = Field(default=0.3, gt=0, le=45)
    sigma_range_rate_mps: PositiveFloat | None = None
    el_min_deg: float = Field(default=-2.0, ge=-90, le=90)
    el_max_deg: float = Field(default=70.0, ge=-90, le=90)
    az_center_deg: float = Field(default=0.0, ge=0, le=360)
    az_width_deg: float = Field(default=360.0, gt=0, le=360)
    # A micro-Doppler classifier (rotors, wings, propellers): the mean SNR (dB) from which it names a
    # target, and the share of its names that are right; None: the radar has none (docs/models.md).
    micro_doppler_snr_db: float | None = None
    micro_doppler_accuracy: Probability = 0.96

    @model_validator(mode="after")
    def _consistent(self) -> RadarSensor:
        if self.min_range_m >= self.range_m:
            raise ValueError("min_range_m must be below range_m")
        if self.sigma_range_m >= self.range_m:
            # A range noise beyond the radar's reach is a typing error, and one of 1e9 m made the
            # tracker's gating covariances numerically singular mid-run.
            raise ValueError("sigma_range_m must be below range_m")
        if self.el_min_deg >= self.el_max_deg:
            raise ValueError("el_min_deg must be below el_max_deg")
        return self


class CooperativeSensor(Strict):
    """ADS-B receiver (civil aircraft broadcasting) or IFF interrogator (friendly replies)."""

    name: str
    type: Literal["adsb_receiver", "iff_interrogator"]
    position: Point3
    range_m: PositiveFloat
    interval_s: SensorPeriod = 1.0
    sigma_position_m: PositiveFloat = 30.0


class CameraSensor(Strict):
    """An EO (visible) or IR camera: angle-only detections; detection range from the pixel count on the
    target (Johnson criteria, ``bastion.sense.eoir``); the visible camera sees far less at night."""

    name: str
    type: Literal["eo_camera", "ir_camera"]
    position: Point3
    ifov_mrad: PositiveFloat = 0.1
    sigma_angle_mrad: PositiveFloat = 0.2
    revisit_s: SensorPeriod = 0.2
    range_m: PositiveFloat = 20000.0
    az_center_deg: float = Field(default=0.0, ge=0, le=360)
    az_width_deg: float = Field(default=360.0, gt=0, le=360)
    el_min_deg: float = Field(default=-5.0, ge=-90, le=90)
    el_max_deg: float = Field(default=60.0, ge=-90, le=90)
    false_alarms_per_scan: NonNegFloat = 0.0


class CuedCameraSensor(Strict):
    """A slew-to-cue EO (visible) or IR camera with a zoom: the engine points it at one track at a time
    (``bastion.assess.camera_cue``) to recognise what it is (Johnson criteria,
    ``bastion.sense.eoir.CuedCamera``). Its reports are classification evidence, not track updates.

    ``fov_deg`` and ``pixels``: the wide view it finds the target in; ``ifov_mrad``: one pixel zoomed in on
    it; ``slew_rate_deg_s`` and ``settle_s``: how fast it turns to a new cue and how long it then needs to
    steady; ``dwell_s``: how long it looks; ``recognition_n50``: resolvable cycles across the target for
    50 % recognition (Johnson: 4); ``mislabel_share``: the share of its recognitions that name a wrong class
    (its confusion, spread evenly over the other classes); ``relook_s``: the shortest time between two looks
    at one track."""

    name: str
    type: Literal["cued_eo_camera", "cued_ir_camera"]
    position: Point3
    ifov_mrad: PositiveFloat = 0.02
    fov_deg: Annotated[float, Field(gt=0, le=60)] = 3.0
    pixels: Annotated[int, Field(gt=0)] = 1280
    sigma_angle_mrad: PositiveFloat = 0.05
    slew_rate_deg_s: PositiveFloat = 60.0
    settle_s: NonNegFloat = 0.3
    dwell_s: SensorPeriod = 1.0
    range_m: PositiveFloat = 8000.0
    el_min_deg: float = Field(default=-5.0, ge=-90, le=90)
    el_max_deg: float = Field(default=80.0, ge=-90, le=90)
    recognition_n50: PositiveFloat = 4.0
    mislabel_share: Annotated[float, Field(ge=0, lt=1)] = 0.05
    relook_s: NonNegFloat = 5.0

    @model_validator(mode="after")
    def _consistent(self) -> CuedCameraSensor:
        if self.el_min_deg >= self.el_max_deg:
            raise ValueError("el_min_deg must be below el_max_deg")
        return self


class RfSensor(Strict):
    """An RF direction finder: bearings to drones whose control link is on the air; nothing from
    autonomous drones."""

    name: str
    type: Literal["rf_detector"]
    position: Point3
    range_50_m: PositiveFloat = 3000.0
    range_m: PositiveFloat = 8000.0
    sigma_bearing_deg: float = Field(default=3.0, gt=0, le=45)
    revisit_s: SensorPeriod = 1.0
    az_center_deg: float = Field(default=0.0, ge=0, le=360)
    az_width_deg: float = Field(default=360.0, gt=0, le=360)
    false_alarms_per_scan: NonNegFloat = 0.0


Sensor = Annotated[RadarSensor | CooperativeSensor | CameraSensor | CuedCameraSensor | RfSensor,
                   Field(discriminator="type")]


class GunSector(Strict):
    """An arc a gun may fire into: compass azimuth clockwise from ``az_from_deg`` to ``az_to_deg``
    (through north when ``az_to_deg < az_from_deg``; 0 to 360 is all round) and elevation between
    ``el_min_deg`` and ``el_max_deg`` (the line of sight from the gun to the aim point)."""

    az_from_deg: float = Field(default=0.0, ge=0, le=360)
    az_to_deg: float = Field(default=360.0, ge=0, le=360)
    el_min_deg: float = Field(default=-90.0, ge=-90, le=90)
    el_max_deg: float = Field(default=90.0, ge=-90, le=90)

    @model_validator(mode="after")
    def _el_order(self) -> GunSector:
        if self.el_min_deg >= self.el_max_deg:
            raise ValueError("el_min_deg must be below el_max_deg")
        return self


class GunEffector(Strict):
    """A C-RAM-style 20 mm gun firing self-destructing rounds."""

    name: str
    type: Literal["gun_20mm"] = "gun_20mm"
    position: Point3
    min_range_m: NonNegFloat = 200.0
    max_range_m: PositiveFloat = 2000.0
    muzzle_velocity_mps: PositiveFloat = 1050.0
    mean_velocity_factor: Annotated[float, Field(gt=0, le=1)] = 0.75
    rounds: Annotated[int, Field(gt=0)] = 1550
    burst_rounds: Annotated[int, Field(gt=0)] = 100
    pk_burst: Probability = 0.7
    dispersion_mrad: PositiveFloat = 3.0
    pattern_radius_m: PositiveFloat = 15.0  # burst pattern and fragment lethal radius about the aim point
    cost_per_burst: NonNegFloat = 0.5  # in the units of asset value: a burst is fired only if worth it
    reaction_s: NonNegFloat = 1.0
    slew_rate_deg_s: PositiveFloat = 115.0
    el_min_deg: float = -5.0
    el_max_deg: float = 85.0
    self_destruct_range_m: PositiveFloat = 2500.0
    min_intercept_alt_m: NonNegFloat = 30.0
    # The gun's own fire-control (track) radar, which lays the gun in closed loop once it has the target
    # (docs/models.md "Effectors"): it acquires the target the surveillance track cues it to when the
    # target is within ``fcr_range_m`` of the gun and within ``fcr_gate_m`` of the cue; the pattern centre
    # then misses the target by the radar's angle noise, ``fcr_sigma_mrad`` per axis times the range.
    fcr_range_m: PositiveFloat = 5000.0
    fcr_gate_m: PositiveFloat = 100.0
    fcr_sigma_mrad: PositiveFloat = 1.0
    # Ammunition discipline: a burst whose planned kill probability is below ``min_burst_pk`` is held for a
    # closer shot unless no later shot can be assessed before the threat hits (docs/models.md "Effectors").
    min_burst_pk: Annotated[float, Field(ge=0, lt=1)] = 0.2
    keep_out_m: NonNegFloat | None = None  # None: the ROE's keep_out_m
    # Fire sectors (sector limits): the gun may fire only into one of these arcs; None: all round.
    fire_sectors: Annotated[list[GunSector], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _ranges(self) -> GunEffector:
        if self.min_range_m >= self.max_range_m:
            raise ValueError("min_range_m must be below max_range_m")
        if self.self_destruct_range_m < self.max_range_m:
            raise ValueError("self_destruct_range_m must be at least max_range_m")
        return self


class InterceptorEffector(Strict):
    """An interceptor missile battery (defaults: an Iron Dome class battery, docs/models.md "Effectors").
    ``cost_per_shot`` is in the units of asset value; a homing interceptor kills with probability ``pk``
    a target within ``seeker_acquisition_m`` of its predicted intercept point."""

    name: str
    type: Literal["interceptor"]
    position: Point3
    min_range_m: NonNegFloat = 4000.0
    max_range_m: PositiveFloat = 70000.0
    max_alt_m: PositiveFloat = 10000.0
    min_intercept_alt_m: NonNegFloat = 100.0
    mean_speed_mps: PositiveFloat = 700.0
    reaction_s: NonNegFloat = 3.0
    salvo_interval_s: NonNegFloat = 1.0
    magazine: Annotated[int, Field(gt=0)] = 20
    reloads: Annotated[int, Field(ge=0)] = 1
    reload_s: NonNegFloat = 600.0
    pk: Probability = 0.9
    cost_per_shot: NonNegFloat = 20.0
    seeker_acquisition_m: PositiveFloat = 150.0
    keep_out_m: NonNegFloat | None = None  # None: the ROE's keep_out_m

    @model_validator(mode="after")
    def _ranges(self) -> InterceptorEffector:
        if self.min_range_m >= self.max_range_m:
            raise ValueError("min_range_m must be below max_range_m")
        return self


class JammerEffector(Strict):
    """A directional RF jammer (docs/models.md "Effectors"): defeats only drones with an RF link, inside
    ``range_m``, after jamming for ``dwell_s``; the drone then returns home or lands."""

    name: str
    type: Literal["rf_jammer"]
    position: Point3
    range_m: PositiveFloat = 2000.0
    reaction_s: NonNegFloat = 2.0
    dwell_s: PositiveFloat = 3.0
    p_defeat: Probability = 0.9
    effect: Literal["return", "land"] = "return"
    cost_per_shot: NonNegFloat = 0.05


class LaserEffector(Strict):
    """A high-energy laser (docs/models.md "Effectors"): dwell = fluence x spot area / (power x
    transmission), growing with range and in bad weather; the target must stay in the beam (alive, within
    ``max_range_m``) for the whole dwell. ``visibility_km`` overrides the environment's (the weather);
    ``track_gate_m`` is how far from the cue its fine tracker acquires the target; the beam is a hazard
    to aircraft out to ``hazard_range_m`` along its line (the airspace interlock)."""

    name: str
    type: Literal["laser"]
    position: Point3
    power_w: PositiveFloat = 10000.0
    wavelength_nm: PositiveFloat = 1070.0
    spot_radius_min_m: PositiveFloat = 0.01
    divergence_urad: PositiveFloat = 25.0
    max_range_m: PositiveFloat = 3000.0
    reaction_s: NonNegFloat = 2.0
    pk: Probability = 0.9
    visibility_km: PositiveFloat | None = None
    track_gate_m: PositiveFloat = 100.0
    hazard_range_m: PositiveFloat = 50000.0
    cost_per_shot: NonNegFloat = 0.01
    keep_out_m: NonNegFloat | None = None  # None: the ROE's keep_out_m


Effector = Annotated[GunEffector | InterceptorEffector | JammerEffector | LaserEffector, Field(discriminator="type")]


def _known_preset(name: str) -> str:
    from bastion.world.munitions import PRESETS  # noqa: PLC0415 (the schema must load without physics)

    if name not in PRESETS:
        raise ValueError(f"unknown munition preset {name!r} (known: {', '.join(sorted(PRESETS))})")
    return name


class _Round(Strict):
    """A rocket, mortar bomb or shell fired from ``launch`` at ``target``, aimed with a random error of
    ``aim_error_m`` (standard deviation per horizontal axis). ``velocity_sd``: round-to-round dispersion,
    the standard deviation of the round's velocity as a fraction of the nominal one (its muzzle velocity, or
    a rocket's exit speed and thrust; 0.005 is 0.5 %), the crew laying for the nominal round; 0 (the
    default): every round flies the threat library's nominal flight."""

    name: str
    preset: str
    launch: Point3
    target: Point3
    t_launch_s: NonNegFloat
    aim_error_m: NonNegFloat = 30.0
    velocity_sd: float = Field(default=0.0, ge=0.0, le=0.1)

    @field_validator("preset")
    @classmethod
    def _preset_known(cls, v: str) -> str:
        return _known_preset(v)


class Rocket(_Round):
    kind: Literal["rocket"]
    preset: str = "rocket_107mm"


class Mortar(_Round):
    kind: Literal["mortar"]
    preset: str = "mortar_81mm"


class Artillery(_Round):
    """A gun's shell. ``charge`` is the propelling charge (zone, 1 = the lowest); left out, the crew's
    choice for the distance (``bastion.world.munitions.choose_charge``)."""

    kind: Literal["artillery"]
    preset: str = "howitzer_105mm"
    charge: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _charge_known(self) -> Artillery:
        from bastion.world.munitions import PRESETS  # noqa: PLC0415 (the schema must load without physics)

        zones = len(PRESETS[self.preset].charge_speeds_mps)
        if zones == 0:
            raise ValueError(f"preset {self.preset!r} is not a gun's round (no propelling charges)")
        if self.charge is not None and self.charge > zones:
            raise ValueError(f"charge {self.charge}: {self.preset} has zones 1-{zones}")
        return self


class OwaDrone(Strict):
    """A fixed-wing one-way attack drone: waypoints at cruise, then a terminal dive onto ``target``."""

    kind: Literal["owa_drone"]
    name: str
    start: Point3
    waypoints: list[Point3] = []
    target: Point3
    t_start_s: NonNegFloat
    speed_mps: PositiveFloat = 45.0
    dive_angle_deg: float = Field(default=35.0, gt=5, le=90)
    turn_rate_deg_s: PositiveFloat = 6.0
    climb_rate_mps: PositiveFloat = 5.0
    rf_link: bool = False
    rcs_m2: PositiveFloat = 0.1


class Quadcopter(Strict):
    """A quadcopter or FPV drone: erratic flight between waypoints (drawn within ``area_radius_m`` of
    ``start`` if none are given) with hovers, then, with a ``target``, a terminal dive onto it."""

    kind: Literal["quadcopter"]
    name: str
    start: Point3
    waypoints: list[Point3] | None = None
    n_waypoints: Annotated[int, Field(ge=1, le=50)] = 4
    area_radius_m: PositiveFloat = 300.0
    target: Point3 | None = None
    t_start_s: NonNegFloat = 0.0
    speed_mps: float = Field(default=15.0, gt=0, le=25)
    rf_link: bool = True
    hostile: bool = True
    rcs_m2: PositiveFloat = 0.01


class Birds(Strict):
    """A flock wandering about a centre (within ``radius_m``) at ``speed_mps``."""

    kind: Literal["birds"]
    name: str
    count: Annotated[int, Field(gt=0, le=1000)]
    center: Point3
    radius_m: PositiveFloat = 500.0
    speed_mps: PositiveFloat = 12.0
    t_start_s: NonNegFloat = 0.0


class Approach(Strict):
    """A straight-in final approach: the aircraft flies along ``course_deg`` (compass, the direction of
    flight) down a glide path of ``glide_deg`` to the runway ``threshold``, starting ``distance_m`` out
    (horizontally). 3 deg is the standard ILS glide path angle (ICAO Annex 10, Vol. I, 3.1.5; docs/models.md)."""

    threshold: Point3
    course_deg: float = Field(ge=0, lt=360)
    glide_deg: float = Field(default=3.0, gt=0, le=10)
    distance_m: PositiveFloat = 10000.0


class Aircraft(Strict):
    """A civil aircraft flying a straight path from ``start`` to ``end``, or down an ``approach``
    (give one or the other)."""

    kind: Literal["aircraft"]
    name: str
    callsign: str
    icao: str
    start: Point3 | None = None
    end: Point3 | None = None
    approach: Approach | None = None
    speed_mps: PositiveFloat = 75.0
    t_start_s: NonNegFloat = 0.0
    adsb: bool = True
    rcs_m2: PositiveFloat = 30.0

    @model_validator(mode="after")
    def _one_path(self) -> Aircraft:
        has_line = self.start is not None or self.end is not None
        if self.approach is not None and has_line:
            raise ValueError("give either start and end, or approach, not both")
        if self.approach is None and (self.start is None or self.end is None):
            raise ValueError("give start and end (ENU m), or an approach")
        return self

    def endpoints(self) -> tuple[list[float], list[float]]:
        """Start and end of the straight path (ENU m): the approach's entry point and its threshold."""
        if self.approach is None:
            return list(self.start), list(self.end)  # type: ignore[arg-type]
        a = self.approach
        course, glide = math.radians(a.course_deg), math.radians(a.glide_deg)
        x, y, z = a.threshold
        start = [x - a.distance_m * math.sin(course), y - a.distance_m * math.cos(course),
                 z + a.distance_m * math.tan(glide)]
        return start, list(a.threshold)


class Helicopter(Strict):
    """A helicopter flying ``waypoints`` in a loop; ``iff`` if it answers friendly IFF."""

    kind: Literal["helicopter"]
    name: str
    callsign: str
    waypoints: Annotated[list[Point3], Field(min_length=2)]
    speed_mps: PositiveFloat = 40.0
    t_start_s: NonNegFloat = 0.0
    iff: bool = True
    rcs_m2: PositiveFloat = 5.0


SceneObject = Annotated[
    Rocket | Mortar | Artillery | OwaDrone | Quadcopter | Birds | Aircraft | Helicopter, Field(discriminator="kind")
]


class Sector(Strict):
    """An ROE sector by compass azimuth from the site origin, clockwise from ``az_from_deg``."""

    name: str
    az_from_deg: float = Field(ge=0, le=360)
    az_to_deg: float = Field(ge=0, le=360)
    state: Literal["HOLD", "TIGHT", "FREE"]


class Roe(Strict):
    sectors: Annotated[list[Sector], Field(min_length=1)]
    pre_authorised: list[TrackClass] = ["rocket", "mortar"]
    approval_required: list[TrackClass] = ["owa_drone", "quadcopter"]
    approval_authority: str = "roe:pre-authorised"
    # Intercepts must happen at least this far (horizontally, m) from every defended asset, so that the
    # threat's debris and warhead do not fall on it; an effector's own ``keep_out_m`` overrides it.
    keep_out_m: NonNegFloat = 150.0

    @model_validator(mode="after")
    def _disjoint(self) -> Roe:
        both = set(self.pre_authorised) & set(self.approval_required)
        if both:
            raise ValueError(f"classes both pre-authorised and approval-required: {sorted(both)}")
        return self


class OptionalSettings(Strict):
    """A table whose fields are all optional: :meth:`settings` gives those the scenario sets."""

    def settings(self) -> dict[str, float | bool]:
        """The settings the scenario sets (name -> value); the others keep their defaults."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class WarningPolicy(OptionalSettings):
    """The warning rule's settings for this base (docs/assessment.md, "Warning"); each unset one keeps the
    warning controller's default. ``margin_m``: grown around the 99 % impact ellipse (m);
    ``max_ellipse_m``: an ellipse's semi-major axis (m) up to which it is tight enough to warn on at once;
    ``shelter_margin_s``: the most a round's deadline margin can be (s); ``drone_margin_s``: a drone's
    (s); ``tail_waits``: under a tight ellipse, zones only its tail reaches wait for their deadline;
    ``early_warning``: sound the early-warning tier; ``horizon_s``: threats due within this are warned
    on (s); ``clear_delay_s``: all clear this long after the last threat left (s)."""

    margin_m: NonNegFloat | None = None
    max_ellipse_m: PositiveFloat | None = None
    shelter_margin_s: NonNegFloat | None = None
    drone_margin_s: NonNegFloat | None = None
    tail_waits: bool | None = None
    early_warning: bool | None = None
    horizon_s: PositiveFloat | None = None
    clear_delay_s: NonNegFloat | None = None


class ClassPriors(OptionalSettings):
    """How common each class is near the site, as the classifier's log prior per decision cycle (natural
    log, relative to the others; unset: the defaults of docs/assessment.md, 0 for most classes, quadcopter
    -3, artillery -4). A planner raises a class the threat picture makes common: quadcopters near a base
    under FPV attack. The prior is added every cycle, so it sets how much evidence a cycle needs."""

    rocket: float | None = Field(default=None, ge=-20, le=20)
    mortar: float | None = Field(default=None, ge=-20, le=20)
    artillery: float | None = Field(default=None, ge=-20, le=20)
    owa_drone: float | None = Field(default=None, ge=-20, le=20)
    quadcopter: float | None = Field(default=None, ge=-20, le=20)
    bird: float | None = Field(default=None, ge=-20, le=20)
    aircraft: float | None = Field(default=None, ge=-20, le=20)
    helicopter: float | None = Field(default=None, ge=-20, le=20)


class Operator(Strict):
    """The scenario's simulated operator: answers approval requests after ``approval_delay_s``."""

    name: str = "operator-1"
    approval_delay_s: NonNegFloat = 4.0
    approves: bool = True


class Environment(Strict):
    """Conditions over the site: darkness (for cameras), a constant wind (ENU m/s) that carries rounds and
    the meteorological visibility (km; lasers' atmospheric extinction; None: the 23 km clear standard).
    ``met_wind_mps`` is the wind the base's met report gives the engine, which its tracker and impact
    and origin predictions fly rounds in (None: ``wind_mps``, a met report that is right; [0, 0, 0]: an
    engine told nothing of the wind), and ``met_wind_sd_mps`` the report's uncertainty (m/s, the standard
    deviation of each horizontal component's error), within which the library fit frees the wind (0: the
    report taken as exact).

    ``wind_profile`` (instead of ``wind_mps``) is a wind that varies with height, as rows [height m above
    the site, east m/s, north m/s], heights increasing: linear between rows, the end rows' wind beyond
    them (a sheared boundary layer). ``met_wind_profile`` (instead of ``met_wind_mps``) is a met message
    that gives the wind by height (a ballistic met message's zones), in the same rows; with neither, the
    engine is told the true wind, profile or not."""

    night: bool = False
    wind_mps: Point3 = [0.0, 0.0, 0.0]
    wind_profile: Annotated[list[Point3], Field(min_length=2)] | None = None
    met_wind_mps: Point3 | None = None
    met_wind_profile: Annotated[list[Point3], Field(min_length=2)] | None = None
    met_wind_sd_mps: Annotated[float, Field(ge=0.0, le=30.0)] = 0.0
    visibility_km: PositiveFloat | None = None

    @model_validator(mode="after")
    def _one_wind(self) -> Environment:
        if self.wind_profile is not None and any(self.wind_mps):
            raise ValueError("give wind_mps or wind_profile, not both")
        if self.met_wind_profile is not None and self.met_wind_mps is not None:
            raise ValueError("give met_wind_mps or met_wind_profile, not both")
        for name in ("wind_profile", "met_wind_profile"):
            rows = getattr(self, name)
            heights = [] if rows is None else [row[0] for row in rows]
            if any(b <= a for a, b in zip(heights, heights[1:], strict=False)):
                raise ValueError(f"{name}: heights (each row's first number) must increase")
        return self

    def met(self) -> tuple[tuple[float, float, float], list[list[float]] | None]:
        """What the engine is told of the wind: a constant wind (east, north, up m/s) and, when the met
        report gives the wind by height, its rows [height, east, north] (the constant then the lowest row's)."""
        rows = self.met_wind_profile
        if rows is None and self.met_wind_mps is None:
            rows = self.wind_profile
        if rows is not None:
            return (float(rows[0][1]), float(rows[0][2]), 0.0), [list(map(float, r)) for r in rows]
        wind = self.met_wind_mps if self.met_wind_mps is not None else self.wind_mps
        return (float(wind[0]), float(wind[1]), float(wind[2])), None


class Scenario(Strict):
    name: str
    description: str = ""
    seed: Annotated[int, Field(ge=0)] = 0
    duration_s: PositiveFloat
    site: Site
    environment: Environment = Environment()
    assets: list[Asset] = []
    warning_zones: list[WarningZone] = []
    warning: WarningPolicy = WarningPolicy()
    class_priors: ClassPriors = ClassPriors()
    no_fire_zones: list[NoFireZone] = []
    corridors: list[Corridor] = []
    sensors: Annotated[list[Sensor], Field(min_length=1)]
    effectors: list[Effector] = []
    objects: list[SceneObject] = []
    roe: Roe
    operator: Operator = Operator()

    @field_validator("sensors", "effectors", "assets", "warning_zones", "objects")
    @classmethod
    def _unique_names(cls, items: list) -> list:
        names = [item.name for item in items]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"names must be unique, repeated: {dup}")
        return items
