"""Slew-to-cue cameras: which track each camera looks at next, and what its recognitions say of each class.

Radar kinematics alone tell a small quadcopter from a bird poorly (the two fly at the same speeds and
heights with the same cross-sections); a narrow-view EO/IR camera turned onto the track can, when it
resolves enough of the target (Johnson's 4 line pairs for recognition, ``bastion.sense.eoir``). This is how
counter-UAS sites use cameras: the radar cues, the camera classifies.

**Tasking** (:class:`CameraTasker`). A camera is free once its last look has ended. A free camera is
cued to the first of the tracks it can reach (within its range and the mount's elevation limits, slower
than ``MAX_SPEED_MPS``, not looked at in the last ``relook_s``), in this order: tracks recognised once
(one look decides a class, and may make a track hostile: a second look confirms or undoes it), then
those never recognised, then those recognised more often; then tracks whose class is still open
(unknown, bird, quadcopter) before
those that kinematics settle (one-way attack drones, aircraft, helicopters); then those looked at fewer
times; then confirmed tracks before tentative ones; then the nearest (the likeliest to be recognised).
The engine leaves out rounds (too fast for a narrow view, and classed by their flight) and tracks with a
cooperative identity. The look starts when the mount has slewed and settled and ends ``dwell`` later; the
aim is the track's position predicted to the look's end. An operator may ask for a track
(:meth:`CameraTasker.request`): the camera's next look goes to it, whatever the order above, as long as the
track lives and the mount reaches it (a look under way is finished first).

**Evidence** (:class:`RecognitionEvidence`). A labelled detection (a recognition) counts for the track nearest
to it within the track's 99 % angular gate (the camera's bearing noise and the track's position
uncertainty seen from the camera), if no other detection of the look is nearer to that track (mutual
nearest neighbours; a track's gate seen from the camera is often as wide as the view, and a flock's birds
all lie in each other's gates, so asking for a detection alone in its gate left flocks unrecognised). A
name that is not a track class says nothing. Its log-likelihood over the classes is that of the camera's
confusion: a recognition names the true class with probability 1 - e and each of the K - 1 other classes
with e / (K - 1) (e the camera's ``mislabel_share``), so relative to the named class every other class
gets log(e / ((K - 1)(1 - e))): -4.9 for e = 0.05 and K = 8. Looks are taken as independent (an assumption:
between looks the aspect and the background change). A recognition is a fact about the object, not about
its motion, and it stands until a new look changes it: the classifier takes the sum over a track's looks
(floored at one feature's cap, ``floor_loglik``) at the weight a feature seen in every cycle reaches, from
the cycle it arrives (``Classifier.update``'s ``standing_loglik``). A mislabel is undone by the next
correct recognition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.events import CameraCue
from bastion.geo import enu_to_rae, wrap_angle

CHI2_2DOF_99 = 9.21  # 99 % point of the chi-square distribution with 2 degrees of freedom
OPEN_CLASSES = ("unknown", "bird", "quadcopter")  # classes kinematics leave open (looked at first)
# Faster tracks are not looked at: rounds and aircraft, which kinematics settle, and which a narrow view
# would not hold (a one-way attack drone flies at 25-70 m/s).
MAX_SPEED_MPS = 80.0


@dataclass(frozen=True)
class CueCamera:
    """What the tasking needs to know of one slew-to-cue camera (SI units: m, rad, s): its ``name``,
    ``position`` (3,) ENU m, the slew rate (rad/s per axis), settle and dwell times (s), the range it is
    worth looking to (m), the mount's elevation limits (rad), the shortest time between two looks at one
    track (s), and the share of its recognitions that name a wrong class."""

    name: str
    position: np.ndarray
    slew_rate: float
    settle: float
    dwell: float
    range_max: float
    el_min: float
    el_max: float
    relook_s: float
    mislabel_share: float

    def slew_time(self, from_az: float, from_el: float, to_az: float, to_el: float) -> float:
        """Seconds to turn from one pointing to another (rad; both axes at once) and settle."""
        turn = max(abs(float(wrap_angle(to_az - from_az))), abs(to_el - from_el))
        return turn / self.slew_rate + self.settle


class CameraTasker:
    """Where each slew-to-cue camera looks next (module docstring, "Tasking")."""

    def __init__(self, cameras: list[CueCamera]) -> None:
        self.cameras = list(cameras)
        self._pointing = {c.name: (0.0, 0.0) for c in self.cameras}  # (az, el) rad, at rest due north
        self._busy_until = {c.name: -np.inf for c in self.cameras}
        self._looks: dict[int, int] = {}  # track id -> looks so far
        self._requested: dict[str, tuple[int, str]] = {}  # camera -> (track id, who asked)
        self._last_look: dict[int, float] = {}  # track id -> end of its last look (s)

    def choose(
        self, t: float, ids: np.ndarray, pos: np.ndarray, vel: np.ndarray, classes: list[str],
        eligible: np.ndarray, confirmed: np.ndarray, recognitions: np.ndarray,
    ) -> list[CameraCue]:
        """The looks (``CameraCue`` events) that free cameras start at ``t`` (s), for tracks ``ids`` (N,) at
        positions ``pos`` (N,3) ENU m with velocities ``vel`` (N,3) m/s, their current ``classes``, whether
        each may be looked at (``eligible``), is confirmed, and how many recognitions cameras made of it."""
        ids = np.asarray(ids, np.int64)
        live = set(ids.tolist())
        self._looks = {k: v for k, v in self._looks.items() if k in live}
        self._last_look = {k: v for k, v in self._last_look.items() if k in live}
        cues: list[CameraCue] = []
        taken: set[int] = set()
        open_class = np.array([c in OPEN_CLASSES for c in classes], bool)
        looks = np.array([self._looks.get(k, 0) for k in ids.tolist()], np.int64)
        last = np.array([self._last_look.get(k, -np.inf) for k in ids.tolist()], float)
        rec = np.asarray(recognitions, np.int64)
        rec_rank = np.where(rec == 1, 0, np.where(rec == 0, 1, 2))
        for cam in self.cameras:
            if self._busy_until[cam.name] > t or ids.size == 0:
                continue
            rae = enu_to_rae(np.asarray(pos, float).reshape(-1, 3), cam.position)
            asked, by = self._requested.pop(cam.name, (-1, "assess:tasking"))
            if asked >= 0 and asked in live:
                k = int(np.flatnonzero(ids == asked)[0])
                if cam.el_min <= rae[k, 2] <= cam.el_max:
                    cues.append(self._look(t, cam, k, ids, pos, vel, rae, by))
                    taken.add(asked)
                    continue
            ok = (np.asarray(eligible, bool) & (rae[:, 0] <= cam.range_max) & (rae[:, 2] >= cam.el_min)
                  & (rae[:, 2] <= cam.el_max) & (t - last >= cam.relook_s)
                  & (np.linalg.norm(np.asarray(vel, float), axis=1) <= MAX_SPEED_MPS)
                  & ~np.isin(ids, list(taken)))
            if not ok.any():
                continue
            # np.lexsort sorts by its last key first.
            order = np.lexsort((rae[:, 0], ~np.asarray(confirmed, bool), looks, ~open_class, rec_rank))
            k = int(order[ok[order]][0])
            cues.append(self._look(t, cam, k, ids, pos, vel, rae, "assess:tasking"))
            taken.add(int(ids[k]))
        return cues

    def request(self, camera: str, track_id: int, by: str) -> str | None:
        """An operator (``by``) asks camera ``camera`` to look at track ``track_id`` next. Returns why not
        (an unknown camera), or None."""
        if camera not in self._busy_until:
            names = ", ".join(c.name for c in self.cameras) or "none"
            return f"no slew-to-cue camera {camera!r} (cameras: {names})"
        self._requested[camera] = (int(track_id), by)
        return None

    def _look(self, t: float, cam: CueCamera, k: int, ids: np.ndarray, pos: np.ndarray, vel: np.ndarray,
              rae: np.ndarray, by: str) -> CameraCue:
        """Start camera ``cam``'s look at row ``k`` of the tracks at ``t`` (s)."""
        az0, el0 = self._pointing[cam.name]
        # The track where the look will end: the slew to where it is now, then settle and dwell (one
        # refinement of the slew for where it will be is not worth it: a second's drift is a few mrad).
        t_start = t + cam.slew_time(az0, el0, float(rae[k, 1]), float(rae[k, 2]))
        t_end = t_start + cam.dwell
        aim = enu_to_rae((np.asarray(pos, float)[k] + np.asarray(vel, float)[k] * (t_end - t))[None, :],
                         cam.position)[0]
        cue = CameraCue(t, cam.name, int(ids[k]), float(aim[1]), float(aim[2]), float(t_start), float(t_end),
                        by)
        self._pointing[cam.name] = (cue.aim_az, cue.aim_el)
        self._busy_until[cam.name] = t_end
        self._looks[cue.track_id] = self._looks.get(cue.track_id, 0) + 1
        self._last_look[cue.track_id] = t_end
        return cue


def label_loglik(label: str, classes: tuple[str, ...], mislabel_share: float, floor: float,
                 confuser: dict[str, str] | None = None) -> np.ndarray:
    """(C,) log-likelihood of a recognition naming ``label`` for each of ``classes``, relative to the named
    class (module docstring, "Evidence"); floored at ``floor``. All zeros for a label not in ``classes``.
    With a ``confuser`` map (a sensor whose wrong names are each class's one likeliest confusion, e.g. a
    micro-Doppler radar's bird for a quadcopter), a class whose confuser is ``label`` gets
    log(e / (1 - e)) and the others the floor."""
    out = np.zeros(len(classes))
    if label not in classes or len(classes) < 2:
        return out
    e = mislabel_share
    if confuser is None:
        wrong = np.log(e / ((len(classes) - 1) * (1.0 - e))) if e > 0.0 else -np.inf
        out[:] = max(wrong, floor)
    else:
        pair = np.log(e / (1.0 - e)) if e > 0.0 else -np.inf
        out[:] = [max(pair, floor) if confuser.get(c) == label else floor for c in classes]
    out[classes.index(label)] = 0.0
    return out


class RecognitionEvidence:
    """Per track, the summed log-likelihoods of the recognitions sensors made of it: a camera's (module
    docstring, "Evidence") and a radar's micro-Doppler names (``credit``)."""

    def __init__(self, classes: tuple[str, ...], floor_loglik: float = -12.0) -> None:
        self.classes = tuple(classes)
        self.floor_loglik = floor_loglik
        self._ll: dict[int, np.ndarray] = {}
        self._count: dict[int, int] = {}

    def ingest(
        self, z: np.ndarray, labels: np.ndarray, sigma: np.ndarray, sensor_pos: np.ndarray, mislabel_share: float,
        track_ids: np.ndarray, track_pos: np.ndarray, track_pos_sigma: np.ndarray,
    ) -> list[tuple[int, str]]:
        """One look's detections: bearings ``z`` (D,2) [azimuth, elevation] rad with ``labels`` (D,) (``""``:
        not recognised) and bearing noise ``sigma`` (D,) rad, from ``sensor_pos`` (3,) ENU m; the tracks
        ``track_ids`` (N,) at ``track_pos`` (N,3) m with position sd ``track_pos_sigma`` (N,) m per axis.
        Returns the (track id, label) credited."""
        labels = np.asarray(labels, dtype=object).reshape(-1)
        ids = np.asarray(track_ids, np.int64).reshape(-1)
        if not np.isin(labels, self.classes).any() or ids.size == 0:
            return []
        rae = enu_to_rae(np.asarray(track_pos, float).reshape(-1, 3), sensor_pos)
        zz = np.asarray(z, float).reshape(-1, 2)
        d_az = wrap_angle(zz[:, None, 0] - rae[None, :, 1]) * np.cos(rae[None, :, 2])
        d_el = zz[:, None, 1] - rae[None, :, 2]
        ang_var = (np.asarray(sigma, float).reshape(-1)[:, None] ** 2
                   + (np.asarray(track_pos_sigma, float)[None, :] / np.maximum(rae[None, :, 0], 1.0)) ** 2)
        m2 = (d_az**2 + d_el**2) / ang_var  # (D, N) squared angular distances in gate units
        m2 = np.where(m2 <= CHI2_2DOF_99, m2, np.inf)
        # A recognition is the track's that is nearest to it, and to which no other detection of the look
        # is nearer (mutual nearest neighbours: of two objects in the view, the pairing least in doubt).
        nearest_track = np.argmin(m2, axis=1)
        nearest_det = np.argmin(m2, axis=0)
        credited: list[tuple[int, str]] = []
        for j in np.flatnonzero(np.isin(labels, self.classes)).tolist():  # a name it does not know says nothing
            k = int(nearest_track[j])
            if not np.isfinite(m2[j, k]) or nearest_det[k] != j:
                continue
            credited.append((int(ids[k]), str(labels[j])))
        self.credit(np.array([c[0] for c in credited], np.int64), np.array([c[1] for c in credited], object),
                    mislabel_share)
        return credited

    def credit(self, track_ids: np.ndarray, labels: np.ndarray, mislabel_share: float,
               confuser: dict[str, str] | None = None) -> None:
        """Add recognitions ``labels`` (D,) already tied to tracks ``track_ids`` (D,) (a radar's micro-Doppler
        names, tied by the tracker's association) from a sensor whose names are wrong in a share
        ``mislabel_share`` (each class's wrong name its ``confuser``, if given: :func:`label_loglik`);
        names that are not track classes say nothing."""
        for tid, label in zip(np.asarray(track_ids).tolist(), np.asarray(labels, dtype=object).tolist(), strict=True):
            if label not in self.classes:
                continue
            ll = self._ll.get(int(tid), np.zeros(len(self.classes))) + label_loglik(
                str(label), self.classes, mislabel_share, self.floor_loglik, confuser)
            self._ll[int(tid)] = np.maximum(ll, self.floor_loglik)
            self._count[int(tid)] = self._count.get(int(tid), 0) + 1

    def loglik(self, track_ids: np.ndarray) -> np.ndarray:
        """(N, C) the summed recognition log-likelihoods of tracks ``track_ids`` (zeros where none)."""
        out = np.zeros((len(track_ids), len(self.classes)))
        for k, tid in enumerate(np.asarray(track_ids).tolist()):
            ll = self._ll.get(int(tid))
            if ll is not None:
                out[k] = ll
        return out

    def recognitions(self, track_ids: np.ndarray) -> np.ndarray:
        """(N,) how many recognitions cameras made of each track."""
        return np.array([self._count.get(int(t), 0) for t in np.asarray(track_ids).tolist()], np.int64)

    def forget(self, live_ids: np.ndarray) -> None:
        """Drop the evidence of tracks not in ``live_ids``."""
        live = set(np.asarray(live_ids).tolist())
        self._ll = {tid: v for tid, v in self._ll.items() if tid in live}
        self._count = {tid: v for tid, v in self._count.items() if tid in live}
