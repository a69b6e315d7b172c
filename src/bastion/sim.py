"""The simulation source: the world plus sensor models feed the engine as fast as the CPU allows, the
scenario's simulated operator answers approval requests, and fire orders are resolved against truth.

Everything random comes from generators spawned from the scenario seed, and all messages are handled
in (time, priority, sequence) order, so the same scenario and seed give the same run.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bastion.engage.build import build_effector
from bastion.engage.effectors import Interceptor, Jammer, Laser
from bastion.engine import Engine
from bastion.events import (
    ApprovalRequested,
    CameraCue,
    EngagementReport,
    FireOrder,
    OperatorCommand,
    Record,
    Tick,
)
from bastion.scenario.schema import (
    TRACK_CLASSES,
    CameraSensor,
    CooperativeSensor,
    CuedCameraSensor,
    RadarSensor,
    RfSensor,
    Scenario,
)
from bastion.sense.cooperative import CooperativeModel
from bastion.sense.eoir import CuedCamera, EoirModel
from bastion.sense.radar import RadarModel
from bastion.sense.rf import RfDetectorModel
from bastion.track.config import TrackerConfig
from bastion.world.signatures import critical_dimensions, micro_doppler_signatures, recognition_labels
from bastion.world.truth import World

TICK_S = 0.5  # decision cycle period (s)
KILL_ASSESSMENT_DELAY_S = 0.5  # from intercept to the kill assessment report (s)
# Order of messages that fall at the same time.
PRIO_REPORT, PRIO_OPERATOR, PRIO_COOP, PRIO_DETECTION, PRIO_TICK = range(5)


def radar_model(spec: RadarSensor) -> RadarModel:
    return RadarModel(
        spec.name, np.asarray(spec.position, float), spec.range_m, spec.min_range_m, spec.revisit_s,
        spec.ref_range_m, spec.ref_rcs_m2, spec.ref_pd, spec.pfa, spec.false_alarms_per_scan,
        spec.sigma_range_m, np.radians(spec.sigma_az_deg), np.radians(spec.sigma_el_deg),
        np.radians(spec.el_min_deg), np.radians(spec.el_max_deg), spec.sigma_range_rate_mps,
        az_center=np.radians(spec.az_center_deg), az_width=np.radians(spec.az_width_deg),
        micro_doppler_snr=None if spec.micro_doppler_snr_db is None else 10.0 ** (spec.micro_doppler_snr_db / 10.0),
        micro_doppler_accuracy=spec.micro_doppler_accuracy,
    )


def camera_model(spec: CameraSensor) -> EoirModel:
    return EoirModel(
        spec.name, np.asarray(spec.position, float), "visible" if spec.type == "eo_camera" else "infrared",
        spec.ifov_mrad * 1e-3, az_center=np.radians(spec.az_center_deg), az_width=np.radians(spec.az_width_deg),
        el_min=np.radians(spec.el_min_deg), el_max=np.radians(spec.el_max_deg),
        sigma_angle=spec.sigma_angle_mrad * 1e-3, revisit=spec.revisit_s, range_max=spec.range_m,
        false_alarms_per_scan=spec.false_alarms_per_scan,
    )


def cued_camera_model(spec: CuedCameraSensor) -> CuedCamera:
    return CuedCamera(
        spec.name, np.asarray(spec.position, float), "visible" if spec.type == "cued_eo_camera" else "infrared",
        spec.ifov_mrad * 1e-3, np.radians(spec.fov_deg), spec.pixels, sigma_angle=spec.sigma_angle_mrad * 1e-3,
        range_max=spec.range_m, recognition_n50=spec.recognition_n50, mislabel_share=spec.mislabel_share,
    )


def rf_model(spec: RfSensor) -> RfDetectorModel:
    return RfDetectorModel(
        spec.name, np.asarray(spec.position, float), range_50=spec.range_50_m, range_max=spec.range_m,
        sigma_bearing=np.radians(spec.sigma_bearing_deg), revisit=spec.revisit_s,
        az_center=np.radians(spec.az_center_deg), az_width=np.radians(spec.az_width_deg),
        false_alarms_per_scan=spec.false_alarms_per_scan,
    )


@dataclass
class Intercept:
    """What truth says happened at one engagement (simulation only)."""

    engagement_id: int
    object_name: str | None
    miss_m: float
    pk: float
    kill: bool
    t: float


@dataclass
class RunResult:
    world: World
    events: list[Record]
    first_detection: dict[int, float] = field(default_factory=dict)  # object index -> time (s)
    intercepts: list[Intercept] = field(default_factory=list)
    messages: int = 0


class Simulation:
    """One run of a scenario: call :meth:`run`."""

    def __init__(self, scenario: Scenario, seed: int | None = None,
                 tracker_config: TrackerConfig | None = None) -> None:
        """``tracker_config``: the engine's tracker settings (None: the defaults)."""
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.world = World(scenario, self.seed)
        self.engine = Engine(scenario, tracker_config)
        root = np.random.SeedSequence(self.seed)
        _, sensors_ss = root.spawn(2)
        ss = sensors_ss.spawn(len(scenario.sensors) + 1)
        self._effects_rng = np.random.default_rng(ss[-1])
        self._queue: list = []
        self._seq = itertools.count()
        self._sensors = []
        self._cued: dict[str, tuple[CuedCamera, np.random.Generator]] = {}
        # A radar's micro-Doppler classifier draws from its own stream (a child of the radar's), so the
        # radar's detections are the same with and without it.
        self._md_rngs: dict[str, np.random.Generator] = {}
        for k, (spec, s) in enumerate(zip(scenario.sensors, ss, strict=False)):
            rng = np.random.default_rng(s)
            if isinstance(spec, CuedCameraSensor):
                # Looks only where the engine cues it (CameraCue events), not on a schedule.
                self._cued[spec.name] = (cued_camera_model(spec), rng)
                continue
            if isinstance(spec, RadarSensor):
                model, period = radar_model(spec), spec.revisit_s
                if spec.micro_doppler_snr_db is not None:
                    self._md_rngs[spec.name] = np.random.default_rng(s.spawn(1)[0])
            elif isinstance(spec, CameraSensor):
                model, period = camera_model(spec), spec.revisit_s
            elif isinstance(spec, RfSensor):
                model, period = rf_model(spec), spec.revisit_s
            else:
                assert isinstance(spec, CooperativeSensor)
                model = CooperativeModel(spec.name, "adsb" if spec.type == "adsb_receiver" else "iff",
                                         np.asarray(spec.position, float), spec.range_m, spec.interval_s,
                                         spec.sigma_position_m)
                period = spec.interval_s
            phase = (0.137 * (k + 1)) % period  # sensors do not all report at the same instant
            self._sensors.append((model, rng, period))
            self._push(phase, self._prio(model), ("sensor", k))
        self._guns = {e.name: build_effector(e, scenario.environment) for e in scenario.effectors}
        self._sizes = critical_dimensions(self.world.objects)
        self._labels = recognition_labels(self.world.objects)
        self._signatures = micro_doppler_signatures(self.world.objects)
        self._night = scenario.environment.night
        objs = self.world.objects
        self._adsb = np.array([o.adsb for o in objs], bool)
        self._iff = np.array([o.iff for o in objs], bool)
        self._adsb_ids = [f"{o.icao}/{o.callsign}" for o in objs]
        self._iff_ids = [f"M5/{o.callsign}" for o in objs]
        for sector in scenario.roe.sectors:
            self._push(0.0, PRIO_OPERATOR, OperatorCommand(0.0, "scenario:roe", "set_roe", sector=sector.name,
                                                            state=sector.state))
        n_ticks = int(np.floor(scenario.duration_s / TICK_S))
        self._ticks = [TICK_S * (k + 1) for k in range(n_ticks)]
        for tt in self._ticks:
            self._push(tt, PRIO_TICK, Tick(tt))

    def _push(self, t: float, prio: int, item) -> None:
        heapq.heappush(self._queue, (t, prio, next(self._seq), item))

    def run(
        self, on_input: Callable[[object], None] | None = None, on_event: Callable[[Record], None] | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> RunResult:
        """Run to the end of the scenario. ``on_input`` sees every message fed to the engine,
        ``on_event`` every event it emits, ``progress`` the simulated time after each tick."""
        result = RunResult(self.world, [])
        duration = self.scenario.duration_s
        while self._queue:
            t, _prio, _seq, item = heapq.heappop(self._queue)
            if t > duration:
                break
            if isinstance(item, tuple) and item[0] == "sensor":
                msg = self._sense(item[1], t, result)
            elif isinstance(item, tuple) and item[0] == "look":
                msg = self._look(item[1], t)
            elif isinstance(item, tuple) and item[0] == "intercept":
                msg = self._resolve(item[1], t, result)
            else:
                msg = item
            if msg is None:
                continue
            result.messages += 1
            if on_input:
                on_input(msg)
            events = self.engine.handle(msg)
            for ev in events:
                result.events.append(ev)
                if on_event:
                    on_event(ev)
                self._react(ev)
            if progress and isinstance(msg, Tick):
                progress(t)
        return result

    # --- the simulated world's side ---------------------------------------------------------------
    def _sense(self, k: int, t: float, result: RunResult):
        model, rng, period = self._sensors[k]
        self._push(t + period, self._prio(model), ("sensor", k))
        alive, pos, vel = self.world.state(t)
        if not isinstance(model, CooperativeModel):
            if isinstance(model, RadarModel):
                batch, truth = model.scan(t, pos, vel, self.world.rcs, alive, rng)
                if model.micro_doppler_snr is not None:
                    labels = model.micro_doppler_labels(truth, pos, self.world.rcs, self._signatures, TRACK_CLASSES,
                                                        self._md_rngs[model.name])
                    batch = dataclasses.replace(batch, label=labels)
            elif isinstance(model, EoirModel):
                batch, truth = model.scan(t, pos, vel, self._sizes, alive, rng, night=self._night)
            else:
                batch, truth = model.scan(t, pos, vel, self.world.rf_link, alive, rng)
            for i in np.unique(truth[truth >= 0]).tolist():
                result.first_detection.setdefault(int(i), t)
            return batch
        coop = self._adsb if model.kind == "adsb" else self._iff
        ids = self._adsb_ids if model.kind == "adsb" else self._iff_ids
        report, _ = model.report(t, pos, vel, alive, coop, ids, rng)
        return report if len(report) else None

    def _look(self, cue: CameraCue, t: float):
        """A cued camera's look ending at ``t``, against truth then."""
        camera, rng = self._cued[cue.camera]
        alive, pos, _ = self.world.state(t)
        batch, _ = camera.look(t, cue.aim_az, cue.aim_el, pos, self._sizes, self._labels, alive, TRACK_CLASSES, rng,
                               night=self._night)
        return batch

    @staticmethod
    def _prio(model) -> int:
        return PRIO_COOP if isinstance(model, CooperativeModel) else PRIO_DETECTION

    def _react(self, ev: Record) -> None:
        if isinstance(ev, ApprovalRequested):
            op = self.scenario.operator
            action = "approve" if op.approves else "deny"
            t = ev.t + op.approval_delay_s
            self._push(t, PRIO_OPERATOR, OperatorCommand(t, f"operator:{op.name}", action, ev.engagement_id))
        elif isinstance(ev, CameraCue) and ev.camera in self._cued:
            self._push(ev.t_end, PRIO_DETECTION, ("look", ev))
        elif isinstance(ev, FireOrder):
            self._push(ev.intercept_t, PRIO_REPORT, ("intercept", ev))

    LASE_SAMPLES = 41  # truth samples over a laser's dwell

    def _lase(self, laser: Laser, order: FireOrder, t: float) -> tuple[int | None, float, float]:
        """Truth side of a laser dwell ending at ``t``: when the beam comes on (the order's time plus the
        reaction) its fine tracker acquires the object nearest the cue (the order's aim point, where the
        track put the target then), if within ``track_gate_m``, and holds it until ``t``; it is defeated
        (with probability ``pk``) only if it stayed in the beam throughout and received its true class's
        fluence (:meth:`Laser.truth_dwell`). Returns (object index, distance to cue, pk)."""
        t0 = min(order.t + laser.spec.reaction_s, t)
        alive0, pos0, _ = self.world.state(t0)
        d = np.where(alive0, np.linalg.norm(pos0 - np.asarray(order.aim_enu), axis=1), np.inf)
        if not np.isfinite(d).any():
            return None, float("inf"), 0.0
        i = int(np.argmin(d))
        if d[i] > laser.scenario_spec.track_gate_m:
            return None, float(d[i]), 0.0
        times = np.linspace(t0, t, self.LASE_SAMPLES)
        states = [self.world.state(float(tk)) for tk in times]
        alive = np.array([a[i] for a, _, _ in states], bool)
        positions = np.array([p[i] for _, p, _ in states])
        held, fraction = laser.truth_dwell(times, positions, alive, self.world.objects[i].kind)
        return i, float(d[i]), laser.spec.pk if held and fraction >= 1.0 else 0.0

    def _resolve(self, order: FireOrder, t: float, result: RunResult) -> None:
        """Draw the outcome of a burst against truth at the intercept time."""
        gun = self._guns[order.effector]
        alive, pos, vel = self.world.state(t)
        aim = np.asarray(order.aim_enu)
        d = np.where(alive, np.linalg.norm(pos - aim, axis=1), np.inf)
        u = self._effects_rng.random()
        obj, miss, pk, kill = None, float("inf"), 0.0, False
        if isinstance(gun, Laser):
            i, miss, pk = self._lase(gun, order, t)
            if i is not None:
                obj = self.world.objects[i].name
                kill = u < pk
                if kill:
                    self.world.kill(i, t)
        elif np.isfinite(d).any():
            i = int(np.argmin(d))
            miss = float(d[i])
            if isinstance(gun, Jammer):
                # Jamming defeats the drone whose link it cuts (it returns home or lands): only drones
                # that fly on an RF link, and only if the jammed object is the one truly there.
                obj_i = self.world.objects[i]
                near = miss <= gun.spec.range_m * 0.1 + 50.0
                pk = float(gun.kill_probability(np.array([obj_i.rf_link]))[0]) if near else 0.0
            elif isinstance(gun, Interceptor):
                # A homing interceptor acquires a target near its predicted intercept and then kills
                # with its single-shot probability.
                pk = gun.spec.pk if miss <= gun.scenario_spec.seeker_acquisition_m else 0.0
            else:
                # The gun's fire-control radar takes over from the surveillance cue and lays the burst on
                # the true target, up to its angle noise; the kill probability from the rounds' dispersion
                # and the true target's presented area (Gun.truth_burst).
                z = self._effects_rng.standard_normal(2)
                miss, pk, _ = gun.truth_burst(pos[i], vel[i], self.world.objects[i].kind, aim, z)
            obj = self.world.objects[i].name
            kill = u < pk
            if kill:
                self.world.kill(i, t)
        result.intercepts.append(Intercept(order.engagement_id, obj, miss, pk, kill, t))
        t_rep = t + KILL_ASSESSMENT_DELAY_S
        self._push(t_rep, PRIO_REPORT, EngagementReport(
            t_rep, order.engagement_id, "kill" if kill else "miss", "sim:kill-assessment"))
