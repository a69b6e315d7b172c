"""The engine: one loop that wires the chain (track, assess, warn, engage) over a time-ordered stream
of input messages, and emits a stream of events.

Inputs: ``DetectionBatch`` (sensors or live adapters), ``CooperativeReport`` (ADS-B, IFF),
``OperatorCommand`` (approvals, ROE changes), ``EngagementReport`` (kill assessments) and ``Tick``
(run a decision cycle). The engine never knows whether it is fed by the simulation or by live
adapters: given the same inputs it makes the same decisions, which is what replay relies on.
The engine reads the scenario's site, sensors, effectors and policy, never its ``objects`` (truth).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from bastion.assess.camera_cue import CameraTasker, CueCamera, RecognitionEvidence
from bastion.assess.classify import BALLISTIC_CLASSES, CLASSES, Classifier, ClassifierConfig
from bastion.assess.continuity import RoundContinuity, RoundNote
from bastion.assess.identity import FRIEND, HOSTILE, NEUTRAL, IdentityAssessor
from bastion.assess.impact import (
    DEFAULT_BETA,
    ORIGIN_COV_SCALE,
    ROCKET_ROUNDS,
    OriginFuser,
    drag_priors,
    drone_target_assets,
    impact_cov_scale,
    origin_informative,
    predict_ballistic_impact_and_origin,
)
from bastion.assess.launch_fit import ORIGIN_FIT_COV_SCALE, LaunchFitter, fit_cov_scale, kind_log_evidence
from bastion.assess.rf_cue import RfEvidence
from bastion.assess.threat import probability_on_assets
from bastion.engage.build import build_effector
from bastion.engage.fire_control import FireControl, ThreatPicture
from bastion.engage.roe import RoeState
from bastion.engage.safety import Zones
from bastion.events import (
    CameraRecognition,
    ClassChanged,
    CommandRejected,
    EngagementReport,
    IdentityChanged,
    ImpactPredicted,
    OperatorCommand,
    OriginPredicted,
    Record,
    RoeChanged,
    Tick,
    TrackConfirmed,
    TrackContinued,
    TrackDeleted,
    TrackPicture,
)
from bastion.geo import SiteFrame
from bastion.geometry import polygon_area, polygon_centroid
from bastion.physics.ballistic import WindProfile
from bastion.physics.rounds import gun_rounds
from bastion.scenario.schema import RadarSensor, Scenario
from bastion.sense.cooperative import CooperativeReport
from bastion.sense.detections import DetectionBatch
from bastion.sense.radar import MICRO_DOPPLER_CONFUSER
from bastion.track import COASTING, CONFIRMED, TENTATIVE, Tracker, TrackerConfig
from bastion.warn.warning import ThreatImpact, WarningConfig, WarningController

DRONE_CLASSES = ("owa_drone", "quadcopter")
DEFAULT_MISLABEL_SHARE = 0.05  # how often a sensor's own names are taken to be wrong, when it does not say
LOOSE_LOOKBACK_S = 10.0  # how far before a rocket track's first plot its fit looks for plots it lost (s)
FITTED_CLASSES = ("rocket", "artillery")  # the classes whose tracks the library rounds are fitted to


def _tighter(cov: np.ndarray, current_cov: np.ndarray, current_t: float) -> bool:
    """Whether an ellipse of covariance ``cov`` should replace the current prediction's: there is none
    (its time ``current_t`` is not finite), or ``cov`` is the smaller in area."""
    return not np.isfinite(current_t) or np.linalg.det(cov) < np.linalg.det(current_cov)


class Engine:
    """The C-RAM chain over one defended site."""

    def __init__(self, scenario: Scenario, tracker_config: TrackerConfig | None = None) -> None:
        self.site = scenario.site
        self.frame = SiteFrame(scenario.site.lat_deg, scenario.site.lon_deg, scenario.site.alt_m)
        env = scenario.environment
        # The met report's wind (east, north, up m/s): the air the tracker's ballistic model and the
        # impact and origin predictions fly rounds in.
        # With a report by height (``met_rows``), the profile is the wind and ``self.wind`` its lowest row.
        self.wind, met_rows = env.met()
        self.met_profile = None if met_rows is None else WindProfile.from_rows(met_rows)
        self.tracker = Tracker(dataclasses.replace(
            tracker_config or TrackerConfig(), wind_mps=self.wind,
            wind_profile=() if met_rows is None else tuple(tuple(r) for r in met_rows)))
        self.classifier = Classifier(ClassifierConfig(log_priors=tuple(scenario.class_priors.settings().items())))
        self.identity = IdentityAssessor()
        self.warning = WarningController(
            [(z.name, np.asarray(z.polygon), z.time_to_shelter_s, z.time_to_get_down_s)
             for z in scenario.warning_zones],
            WarningConfig(**scenario.warning.settings()),
        )
        self.roe = RoeState(scenario.roe)
        zones = Zones(
            tuple((c.name, np.asarray(c.polygon, float), c.floor_m, c.ceiling_m) for c in scenario.corridors),
            tuple((z.name, np.asarray(z.polygon, float)) for z in scenario.no_fire_zones),
        )
        self.fire_control = FireControl([build_effector(e, scenario.environment) for e in scenario.effectors],
                                        self.roe, zones,
                                        assets=tuple(np.asarray(a.polygon, float) for a in scenario.assets))
        self.asset_names = [a.name for a in scenario.assets]
        self.asset_values = np.array([a.value for a in scenario.assets], float)
        self.asset_centres = np.array([polygon_centroid(a.polygon) for a in scenario.assets]).reshape(-1, 2)
        self.asset_radii = np.array([np.sqrt(polygon_area(a.polygon) / np.pi) for a in scenario.assets])
        self.asset_polygons = [np.asarray(a.polygon, float) for a in scenario.assets]
        self._class: dict[int, tuple[str, float]] = {}
        self.origins = OriginFuser()
        # Which round tracks have landed unseen, and which new track carries on a lost one.
        self.continuity = RoundContinuity()
        self.launch_fits = LaunchFitter(tuple(m.name for m in ROCKET_ROUNDS) + gun_rounds(), scenario.site.alt_m,
                                        self.wind[:2], env.met_wind_sd_mps, self.met_profile)
        # Per rocket or artillery track, the fits' log-likelihood of each class (``kind_log_evidence``), taken
        # by the classifier in the next cycle as standing evidence.
        self._fit_loglik: dict[int, np.ndarray] = {}
        self.rf_evidence = RfEvidence()  # which tracks carry a drone's radio link (the classifier's cue)
        self._rf_finders = {s.name for s in scenario.sensors if s.type == "rf_detector"}
        # Slew-to-cue cameras: the engine points them (bastion.assess.camera_cue) and takes their
        # recognitions as class evidence, not their bearings as track updates.
        self._cued = {
            s.name: CueCamera(s.name, np.asarray(s.position, float), np.radians(s.slew_rate_deg_s), s.settle_s,
                              s.dwell_s, s.range_m, np.radians(s.el_min_deg), np.radians(s.el_max_deg), s.relook_s,
                              s.mislabel_share)
            for s in scenario.sensors if s.type in ("cued_eo_camera", "cued_ir_camera")
        }
        self.camera_tasker = CameraTasker(list(self._cued.values()))
        self.recognition_evidence = RecognitionEvidence(CLASSES, self.classifier.config.floor_loglik)
        # Radars with a micro-Doppler classifier: how often its names (DetectionBatch.label) are wrong, each
        # wrong name the class's likeliest confusion.
        self._micro_doppler = {s.name: 1.0 - s.micro_doppler_accuracy for s in scenario.sensors
                               if isinstance(s, RadarSensor) and s.micro_doppler_snr_db is not None}
        self.time = 0.0

    # --- dispatch ---------------------------------------------------------------------------------
    def handle(self, msg) -> list[Record]:
        """Consume one input message; return the events it caused."""
        if isinstance(msg, DetectionBatch):
            return self._on_detections(msg)
        if isinstance(msg, CooperativeReport):
            self.identity.ingest(msg)
            return []
        if isinstance(msg, Tick):
            self.time = msg.t
            return self.cycle(msg.t)
        if isinstance(msg, OperatorCommand):
            return self._on_operator(msg)
        if isinstance(msg, EngagementReport):
            out = self.fire_control.on_report(msg)
            killed = [e.track_id for e in out if getattr(e, "result", None) == "kill"]
            if killed:
                self.tracker.delete(killed)
                out += [TrackDeleted(msg.t, tid, "defeated") for tid in killed]
            return out
        raise TypeError(f"engine cannot handle {type(msg).__name__}")

    def _on_detections(self, batch: DetectionBatch) -> list[Record]:
        if batch.sensor_id in self._rf_finders:
            # A direction finder's bearings are evidence of which track carries a radio link, not positions:
            # tied by the tracker to the track nearest each line of bearing, they pulled young rocket tracks
            # and seeded false ones (20 false tracks, 13 of them warning zones, on 53 dense runs with 20
            # quadcopters each; none without the finders). docs/assessment.md, "RF link".
            tab = self.tracker.table
            if len(tab) and len(batch):
                t_dwell = float(batch.time.max())
                self.rf_evidence.ingest(t_dwell, batch.sensor_id, batch.z[:, 0], np.sqrt(batch.R[:, 0, 0]),
                                        batch.sensor_pos, tab.id, self._positions_at(t_dwell))
            return []
        if batch.sensor_id in self._cued:
            return self._on_camera_look(batch)
        upd = self.tracker.process(batch)
        named = (upd.det_track >= 0) & (batch.label != "") if len(batch) else np.zeros(0, bool)
        if named.any():
            # A sensor's own names (a micro-Doppler radar's) go to the tracks its detections updated.
            md = batch.sensor_id in self._micro_doppler
            share = self._micro_doppler.get(batch.sensor_id, DEFAULT_MISLABEL_SHARE)
            self.recognition_evidence.credit(upd.det_track[named], batch.label[named], share,
                                             MICRO_DOPPLER_CONFUSER if md else None)
        out: list[Record] = []
        tab = self.tracker.table
        if upd.confirmed.size:
            rows = tab.index_of(upd.confirmed)
            out += [
                TrackConfirmed(upd.time, int(tid), tuple(float(v) for v in tab.x[r, :3]))
                for tid, r in zip(upd.confirmed, rows, strict=True)
            ]
        landed = set(upd.landed.tolist())
        for tid in upd.deleted.tolist():
            if tid not in landed:
                self.continuity.lose(tid)
        out += [TrackDeleted(upd.time, int(tid), "landed" if tid in landed else "lost") for tid in upd.deleted.tolist()]
        return out

    def _positions_at(self, t: float, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """(N, 3) ENU m: the track table's ``rows`` (all by default) flown straight from their last update to
        ``t`` (s), a cheap prediction for tying angles to tracks."""
        tab = self.tracker.table
        return tab.x[rows, :3] + tab.x[rows, 3:6] * (t - tab.t_state[rows])[:, None]

    def _on_camera_look(self, batch: DetectionBatch) -> list[Record]:
        """A cued camera's look: its recognitions become class evidence for the tracks they lie on."""
        tab = self.tracker.table
        if not (len(tab) and len(batch)):
            return []
        t_look = float(batch.time.max())
        pos = self._positions_at(t_look)
        pos_sigma = np.sqrt(np.trace(tab.P[:, :3, :3], axis1=1, axis2=2) / 3.0)
        credited = self.recognition_evidence.ingest(
            batch.z, batch.label, np.sqrt(batch.R[:, 0, 0]), batch.sensor_pos,
            self._cued[batch.sensor_id].mislabel_share, tab.id, pos, pos_sigma)
        return [CameraRecognition(t_look, batch.sensor_id, tid, label) for tid, label in credited]

    def _on_operator(self, cmd: OperatorCommand) -> list[Record]:
        """A bad command changes nothing and says why; the command itself is on record as an input."""
        if cmd.action == "set_roe":
            try:
                self.roe.set(cmd.sector or "", cmd.state or "")
            except ValueError as err:
                return [CommandRejected(cmd.t, cmd.by, cmd.action, str(err))]
            return [RoeChanged(cmd.t, cmd.sector or "", cmd.state or "", cmd.by)]
        if cmd.action in ("approve", "deny"):
            out = self.fire_control.on_operator(cmd)
            if not out:
                reason = f"no open approval request {cmd.engagement_id}"
                return [CommandRejected(cmd.t, cmd.by, cmd.action, reason)]
            return out
        if cmd.action == "cue_camera":
            # The camera's next look goes to the track (bastion.assess.camera_cue); the CameraCue names who.
            if cmd.track_id is None or not np.isin(cmd.track_id, self.tracker.table.id):
                return [CommandRejected(cmd.t, cmd.by, cmd.action, f"no live track {cmd.track_id}")]
            why = self.camera_tasker.request(cmd.sensor or "", int(cmd.track_id), cmd.by)
            return [] if why is None else [CommandRejected(cmd.t, cmd.by, cmd.action, why)]
        return [CommandRejected(cmd.t, cmd.by, cmd.action,
                                "unknown action; expected set_roe, approve, deny or cue_camera")]

    # --- the decision cycle -----------------------------------------------------------------------
    def cycle(self, t: float) -> list[Record]:
        out: list[Record] = []
        tab = self.tracker.table
        if len(tab):
            # Rounds that their own last prediction has on the ground, with no plot since: landed.
            down = self.continuity.landed(t, tab.id, tab.t_state)
            if down.any():
                gone = tab.id[down].tolist()
                self.tracker.delete(gone)
                for tid in gone:
                    self.continuity.lose(tid)
                out += [TrackDeleted(t, int(tid), "landed") for tid in gone]
        self.continuity.forget(t, tab.id)
        show = np.isin(tab.status, (CONFIRMED, COASTING)) if len(tab) else np.zeros(0, bool)
        ids, x, P = self.tracker.predict(t, show)
        n = ids.size
        names = self.tracker.model_names
        bprob = tab.mode_prob[show, names.index("ballistic")] if "ballistic" in names else np.full(n, np.nan)
        vel_sigma = np.sqrt(np.trace(P[:, 3:, 3:], axis1=1, axis2=2) / 3.0) if n else np.zeros(0)
        self.rf_evidence.forget(tab.id)
        rf_linked = self.rf_evidence.linked(t, ids, len(self._rf_finders))
        omega, omega_sd = self.tracker.turn_rates(show)
        self.recognition_evidence.forget(tab.id)
        standing = self.recognition_evidence.loglik(ids) + self._fit_evidence(ids)
        _, declared = self.classifier.update(ids, x, tab.rcs_m2[show], bprob, vel_sigma, missed=tab.misses[show] > 0,
                                             rf_linked=rf_linked, turn_rate=omega, turn_rate_sigma=omega_sd,
                                             standing_loglik=standing)

        classes: list[str] = []
        for k, tid in enumerate(ids.tolist()):
            old = self._class.get(tid)
            if self.identity.identity.get(tid, ("", ""))[0] == NEUTRAL:
                new = ("aircraft", 1.0)  # ADS-B: a civil aircraft whatever its kinematics suggest
            elif declared[k] >= 0:
                new = (CLASSES[declared[k]], 1.0)
            else:
                new = old or ("unknown", 0.0)
            if old is None or old[0] != new[0]:
                if new[0] != "unknown":
                    out.append(ClassChanged(t, tid, new[0], new[1]))
            self._class[tid] = new
            classes.append(new[0])
        for tid in [k for k in self._class if k not in set(ids.tolist())]:
            del self._class[tid]

        pos_sigma = np.sqrt(np.trace(P[:, :3, :3], axis1=1, axis2=2)) if n else np.zeros(0)
        linked_ids = set(ids[rf_linked].tolist())
        for tid, ident, reason in self.identity.update(
                t, ids, x[:, :3], pos_sigma, classes, x[:, 3:6], vel_sigma):
            if tid in linked_ids:
                reason += "; direction finders' bearings cross on it (a drone's radio link)"
            out.append(IdentityChanged(t, tid, ident, reason))
            if ident == NEUTRAL and self._class.get(tid, ("",))[0] != "aircraft":
                self._class[tid] = ("aircraft", 1.0)
                classes[int(np.flatnonzero(ids == tid)[0])] = "aircraft"
                out.append(ClassChanged(t, tid, "aircraft", 1.0))
        identities = [self.identity.identity.get(tid, ("unknown", ""))[0] for tid in ids.tolist()]
        if self._cued:
            out += self._cue_cameras(t, ids, classes, identities)

        t_end = np.full(n, np.inf)
        score = np.zeros(n)
        value = np.zeros(n)
        threats: list[ThreatImpact] = []
        bal = np.array([c in BALLISTIC_CLASSES for c in classes], bool)
        if bal.any():
            rows = tab.index_of(ids[bal])
            beta = tab.ballistic_coef[rows]
            bal_classes = [c for c, is_bal in zip(classes, bal, strict=True) if is_bal]
            default = np.array([DEFAULT_BETA[c] for c in bal_classes])
            beta = np.where(np.isfinite(beta) & (beta > 0), beta, default)
            xb, Pb, tb = x[bal], P[bal], np.full(rows.size, t)
            rounds = None  # the threat-library rocket each track is taken for (boost of the origin)
            if "ballistic" in names:
                # The ballistic model's own estimate, at its last update: the IMM's combined state mixes
                # in the manoeuvre models' spread, which is not how a round flies.
                # With the drag parameter k = 1/beta (state index 7) and its variance, so that an unlearnt
                # drag widens the ellipse instead of being taken as known.
                b = names.index("ballistic")
                sel = np.array([0, 1, 2, 3, 4, 5, 7]) if tab.xm.shape[2] == 8 else np.arange(6)
                xb, tb = tab.xm[b, rows][:, sel], tab.t_state[rows]
                Pb = tab.Pm[b, rows][:, sel][:, :, sel]
                if sel.size == 7:
                    # The class's drag (for rockets the likeliest round) as the prior the tracker's k is fused with.
                    beta, rounds = drag_priors(bal_classes, xb, Pb)
            pred, origin = predict_ballistic_impact_and_origin(
                tb, xb, Pb, beta, site_alt_m=self.site.alt_m, cov_scale=1.0, origin_cov_scale=ORIGIN_COV_SCALE,
                rounds=rounds, wind=self.wind if self.met_profile is None else self.met_profile)
            pred.cov_en[:] *= impact_cov_scale(bal_classes, pred.t_impact - t)[:, None, None]
            fits = self._fitted_rounds(t, ids[bal], bal_classes, pred)
            self.origins.forget(ids)
            ok = np.isfinite(origin.t_impact)
            fused_o, fused_c = self.origins.update(ids[bal][ok], origin.impact[ok], origin.cov_en[ok], tb[ok])
            origin.impact[ok], origin.cov_en[ok] = fused_o, fused_c
            self._fitted_origins(fits, origin, tb)
            out += self._continued_rounds(t, ids[bal], rows, tb, pred, origin)
            informative = origin_informative(origin.cov_en)
            landing = np.isfinite(pred.t_impact)
            at_risk = np.full(landing.size, np.nan)
            at_risk[landing] = self._value_at_risk(pred.impact[landing, :2], pred.cov_en[landing])
            for j, k in enumerate(np.flatnonzero(bal)):
                if not landing[j]:
                    continue
                t_end[k] = pred.t_impact[j]
                asset = self._asset_at(pred.impact[j, :2], pred.cov_en[j])
                value[k] = at_risk[j]
                score[k] = value[k] / max(t_end[k] - t, 1.0)
                out.append(ImpactPredicted(
                    t, int(ids[k]), tuple(float(v) for v in pred.impact[j]), float(pred.t_impact[j]),
                    tuple(tuple(float(v) for v in row) for row in pred.cov_en[j]), asset,
                ))
                if identities[k] == HOSTILE:
                    threats.append(ThreatImpact(int(ids[k]), pred.impact[j, :2], pred.cov_en[j], float(t_end[k]),
                                                t_impact_sd=float(pred.t_impact_sd[j])))
                if np.isfinite(origin.t_impact[j]) and informative[j]:
                    lat, lon, alt = self.frame.to_geodetic(origin.impact[j])
                    out.append(OriginPredicted(
                        t, int(ids[k]), tuple(float(v) for v in origin.impact[j]),
                        (round(float(lat), 7), round(float(lon), 7), round(float(alt), 1)),
                        float(tb[j] - origin.t_impact[j]),
                        tuple(tuple(float(v) for v in row) for row in origin.cov_en[j]),
                    ))
        drone = np.array([c in DRONE_CLASSES for c in classes], bool)
        if drone.any():
            a_idx, t_go, reach = drone_target_assets(x[drone], self.asset_centres, self.asset_radii)
            for j, k in enumerate(np.flatnonzero(drone)):
                if a_idx[j] < 0:
                    continue
                t_end[k] = t + t_go[j]
                centre = self.asset_centres[a_idx[j]]
                cov = np.eye(2) * (self.asset_radii[a_idx[j]] / 2.0) ** 2
                value[k] = self.asset_values[a_idx[j]]
                score[k] = value[k] / max(t_go[j], 1.0)
                if identities[k] == HOSTILE:
                    ground_speed = float(np.linalg.norm(x[k, 3:5]))
                    path_to = x[k, :2] + x[k, 3:5] / max(ground_speed, 1e-6) * reach[j]
                    threats.append(ThreatImpact(
                        int(ids[k]), centre, cov, float(t_end[k]), path_from_en=x[k, :2], path_to_en=path_to,
                        ground_speed_mps=ground_speed))

        live = set(ids.tolist())
        out += self.warning.update(t, threats, live, self.fire_control.killed)
        pic = ThreatPicture(t, ids, x, tuple(classes), tuple(identities), t_end, value, score, rf_linked,
                            cooperative=self.identity.heard(t))
        out += self.fire_control.cycle(pic)
        out.append(TrackPicture(
            t, tuple(ids.tolist()), tuple(map(tuple, np.round(x, 3).tolist())),
            tuple(classes), tuple(identities),
        ))
        return out

    def _cue_cameras(self, t: float, ids: np.ndarray, classes: list[str], identities: list[str]) -> list[Record]:
        """Turn the free slew-to-cue cameras onto the next tracks to look at (bastion.assess.camera_cue):
        the confirmed tracks ``ids`` with their ``classes`` and ``identities``, and tentative tracks of at
        least two plots (a look then may name a track by the time it is confirmed). Not rounds, and not
        tracks with a cooperative identity."""
        tab = self.tracker.table
        tentative = (tab.status == TENTATIVE) & (tab.hits >= 2)
        all_ids = np.concatenate([ids, tab.id[tentative]])
        rows = tab.index_of(all_ids)
        pos = self._positions_at(t, rows)
        n_tent = int(tentative.sum())
        all_classes = list(classes) + ["unknown"] * n_tent
        eligible = np.array([c not in BALLISTIC_CLASSES and i not in (FRIEND, NEUTRAL) for c, i in
                             zip(all_classes, list(identities) + ["unknown"] * n_tent, strict=True)], bool)
        confirmed = np.arange(all_ids.size) < ids.size
        return self.camera_tasker.choose(t, all_ids, pos, tab.x[rows, 3:6], all_classes, eligible, confirmed,
                                         self.recognition_evidence.recognitions(all_ids))

    def _fit_evidence(self, ids: np.ndarray) -> np.ndarray:
        """(N, C) the library fits' class log-likelihoods of tracks ``ids`` (zeros where none)."""
        out = np.zeros((ids.size, len(CLASSES)))
        for k, tid in enumerate(ids.tolist()):
            ll = self._fit_loglik.get(tid)
            if ll is not None:
                out[k] = ll
        return out

    def _fitted_rounds(self, t: float, ids: np.ndarray, classes: list[str], pred) -> dict:
        """Where the library rounds fitted to a rocket or artillery track's plots
        (``bastion.assess.launch_fit``) give a tighter impact ellipse than the filter's state, theirs
        replaces it in ``pred`` (in place): for a young round the fit is the tighter by far, later the filter
        may be. The fits' class evidence (rocket against a gun's shell) is kept for the classifier's next
        cycle. Returns the fits, by index into ``ids``."""
        self.launch_fits.forget(ids)
        self._fit_loglik = {tid: ll for tid, ll in self._fit_loglik.items() if tid in set(ids.tolist())}
        floor = self.classifier.config.floor_loglik
        fits = {}
        for j, (tid, cls) in enumerate(zip(ids.tolist(), classes, strict=True)):
            if cls not in FITTED_CLASSES:
                continue
            plots = self.tracker.plots.get(tid)
            # The loose plots from a rocket's longest flight before its first plot (its launch at most).
            t_from = plots.t[0] - LOOSE_LOOKBACK_S if len(plots) else np.inf
            fit = self.launch_fits.update(tid, plots, loose=lambda t_from=t_from: self.tracker.loose_plots(t_from))
            if fit is None:
                self._fit_loglik.pop(tid, None)
                continue
            by_kind = kind_log_evidence(fit, self.launch_fits.rounds)
            best = max(by_kind.values())
            ll = np.zeros(len(CLASSES))
            for kind, ev in by_kind.items():
                ll[CLASSES.index(kind)] = max(ev - best, floor)
            self._fit_loglik[tid] = ll
            fits[j] = fit
            if not fit.t_impact > t:
                continue
            cov = fit.cov * fit_cov_scale(fit.t_impact - t)
            if _tighter(cov, pred.cov_en[j], pred.t_impact[j]):
                pred.impact[j] = (fit.impact[0], fit.impact[1], 0.0)
                pred.t_impact[j] = fit.t_impact
                pred.cov_en[j] = cov
                pred.t_impact_sd[j] = fit.t_impact_sd
        return fits

    @staticmethod
    def _fitted_origins(fits: dict, origin, t_state: np.ndarray) -> None:
        """Where a rocket or artillery track's fit (``fits`` by index, from :meth:`_fitted_rounds`) places
        the launcher with a tighter ellipse than the fused back-flown origin, the fit's launcher replaces it in
        ``origin`` (in place): the fit flies the library round's boost from the launcher, which back-flying a
        filter state cannot do for a track that began in the burn."""
        for j, fit in fits.items():
            cov = fit.origin_cov * ORIGIN_FIT_COV_SCALE
            if not (np.all(np.isfinite(cov)) and np.all(np.isfinite(fit.origin))):
                continue
            if _tighter(cov, origin.cov_en[j], origin.t_impact[j]):
                origin.impact[j] = (fit.origin[0], fit.origin[1], 0.0)
                origin.cov_en[j] = cov
                origin.t_impact[j] = t_state[j] - fit.t_launch

    def _continued_rounds(self, t: float, ids: np.ndarray, rows: np.ndarray, t_state: np.ndarray, pred,
                          origin) -> list[Record]:
        """Ties new round tracks ``ids`` (table ``rows``, states of times ``t_state``) to the lost rounds they
        continue (``bastion.assess.continuity``), gives each track the lost track's point of origin where
        that is the tighter (in ``origin``, in place), and notes every track's prediction for later."""
        back = np.isfinite(origin.t_impact)
        own_cov = np.where(back[:, None, None], origin.cov_en, np.nan)
        ties = self.continuity.link(ids, self.tracker.table.t_first[rows], pred.impact[:, :2], pred.cov_en,
                                    pred.t_impact, pred.t_impact_sd, origin.impact[:, :2], own_cov)
        for j, tid in enumerate(ids.tolist()):
            lost = self.continuity.inherited_origin(tid, own_cov[j])
            if lost is not None:
                origin.impact[j] = (lost.origin[0], lost.origin[1], 0.0)
                origin.cov_en[j] = lost.origin_cov
                origin.t_impact[j] = t_state[j] - lost.launch_t
            known = np.isfinite(origin.t_impact[j])
            self.continuity.note(tid, RoundNote(
                float(t_state[j]), pred.impact[j, :2].copy(), pred.cov_en[j].copy(), float(pred.t_impact[j]),
                float(pred.t_impact_sd[j]), origin.impact[j, :2].copy() if known else np.full(2, np.nan),
                origin.cov_en[j].copy() if known else np.full((2, 2), np.nan),
                float(t_state[j] - origin.t_impact[j]) if known else np.nan))
        return [TrackContinued(t, tid, lid, round(d2, 3)) for tid, lid, d2 in ties]

    def _value_at_risk(self, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
        """Per impact (means (N,2) m, covariances (N,2,2) m^2): asset value times the probability that it
        lands on (or within a lethal radius of) each asset (bastion.assess.threat), plus 1 so that a round on
        open ground still counts."""
        if not self.asset_values.size:
            return np.ones(mean.shape[0])
        p = probability_on_assets(mean, cov, self.asset_polygons)
        return np.sum(self.asset_values * p, axis=1) + 1.0

    def _asset_at(self, mean: np.ndarray, cov: np.ndarray) -> str | None:
        if not self.asset_values.size:
            return None
        d = np.linalg.norm(self.asset_centres - mean, axis=1) - self.asset_radii
        k = int(np.argmin(d))
        return self.asset_names[k] if d[k] <= 3.0 * np.sqrt(np.trace(cov) / 2.0) else None
