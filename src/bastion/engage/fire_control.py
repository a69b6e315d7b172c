"""Fire control: from the assessed threat picture to approval requests and fire orders.

Each decision cycle: expire approval requests whose deadline passed; compute every effector's intercept
of every engageable hostile threat (guns, interceptor batteries, jammers, lasers); keep only intercepts
inside the effector's fire sectors and at least the keep-out distance from every defended asset; ask for
approval where the ROE require it; plan one shot per free effector by expected protected value minus cost
(a gun's planned Pk from its dispersion model; a gun holds a low-Pk burst while a later one is possible);
run the safety interlocks last (with the protected tracks flown forward over the time the line of fire
is in use); fire. A shot in flight is not followed by another at the same threat until its kill
assessment is in (shoot-look-shoot).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from bastion.engage.assignment import plan_shots
from bastion.engage.build import (
    Model,
    cost_per_shot,
    fire,
    fire_sectors,
    in_sectors,
    intercepts,
    keep_out_m,
    kinetic,
    line_of_fire_end,
    line_of_fire_path,
    line_of_fire_window,
    miss_footprint,
    planning_pk,
    worth_firing,
)
from bastion.engage.roe import RoeState
from bastion.engage.safety import AirPicture, SafetyConfig, Zones, check_fire, keep_out_clear
from bastion.events import (
    ApprovalDecision,
    ApprovalRequested,
    EngagementReport,
    EngagementResult,
    FireOrder,
    InterlockVeto,
    OperatorCommand,
    Record,
)

BALLISTIC = ("rocket", "mortar", "artillery")
URGENCY_S = 30.0


@dataclass(frozen=True)
class ThreatPicture:
    """The confirmed tracks at one decision cycle (arrays over N tracks, states at time ``t``).

    ``t_end`` is when each threat is predicted to hit (impact or arrival at its asset; inf if unknown);
    ``value`` the asset value at risk from it; ``score`` its threat score (higher first)."""

    t: float
    ids: np.ndarray
    x: np.ndarray
    classes: tuple[str, ...]
    identities: tuple[str, ...]
    t_end: np.ndarray
    value: np.ndarray
    score: np.ndarray
    rf_link: np.ndarray | None = None  # (N,) True where direction finders take the track to carry a radio link
    # Cooperative objects heard lately, whatever track holds them (IdentityAssessor.heard): positions (R,3) m,
    # identities (friend, neutral) and velocities (R,3) m/s; protected by the interlocks like friendly tracks.
    cooperative: tuple[np.ndarray, tuple[str, ...], np.ndarray] | None = None


@dataclass
class Engagement:
    id: int
    track_id: int
    track_class: str
    status: str  # "requested", "approved", "fired", "done", "denied", "expired"
    deadline: float
    authorised_by: str | None = None
    effector: str | None = None


def air_picture(pic: ThreatPicture) -> AirPicture:
    """What the interlocks protect: the tracks (rows 0..N-1, in the picture's order, so that a target's row
    is its index), then every cooperative object heard, in case its own track is lost or misjudged."""
    if pic.cooperative is None or not len(pic.cooperative[1]):
        return AirPicture(pic.x[:, :3], pic.identities, pic.classes, pic.x[:, 3:6])
    pos, ident, vel = pic.cooperative
    return AirPicture(np.vstack([pic.x[:, :3], pos]), (*pic.identities, *ident),
                      (*pic.classes, *(("unknown",) * len(ident))), np.vstack([pic.x[:, 3:6], vel]))


class FireControl:
    def __init__(
        self, guns: list[Model], roe: RoeState, zones: Zones, safety: SafetyConfig | None = None,
        assets: tuple[np.ndarray, ...] = (),
    ) -> None:
        self.guns = guns  # every effector: guns, interceptor batteries, jammers, lasers
        self.roe = roe
        self.zones = zones
        self.safety = safety or SafetyConfig()
        self.assets = tuple(np.asarray(a, float) for a in assets)  # defended asset polygons (keep-out)
        self.engagements: dict[int, Engagement] = {}
        self._next_id = 1
        self._approved: dict[int, str] = {}  # track id -> who approved engaging it
        self._request: dict[int, int] = {}  # track id -> open approval request id
        self._in_flight: dict[int, int] = {}  # track id -> engagement id awaiting its kill assessment
        self._last_veto: dict[tuple[int, str], tuple[str, ...]] = {}
        self.killed: set[int] = set()
        self.rounds_fired = 0

    # --- inputs -----------------------------------------------------------------------------------
    def on_operator(self, cmd: OperatorCommand) -> list[Record]:
        eng = self.engagements.get(cmd.engagement_id or -1)
        if eng is None or eng.status != "requested":
            return []
        approve = cmd.action == "approve"
        eng.status = "approved" if approve else "denied"
        self._request.pop(eng.track_id, None)
        if approve:
            self._approved[eng.track_id] = cmd.by
            eng.authorised_by = cmd.by
        return [ApprovalDecision(cmd.t, eng.id, eng.track_id, "approved" if approve else "denied", cmd.by)]

    def on_report(self, rep: EngagementReport) -> list[Record]:
        eng = self.engagements.get(rep.engagement_id)
        if eng is None or eng.status != "fired":
            return []
        eng.status = "done"
        self._in_flight.pop(eng.track_id, None)
        if rep.result == "kill":
            self.killed.add(eng.track_id)
        return [EngagementResult(rep.t, eng.id, eng.track_id, rep.result, rep.by)]

    # --- the cycle --------------------------------------------------------------------------------
    def _new_engagement(self, track_id: int, cls: str, deadline: float, status: str) -> Engagement:
        eng = Engagement(self._next_id, track_id, cls, status, deadline)
        self.engagements[eng.id] = eng
        self._next_id += 1
        return eng

    def cycle(self, pic: ThreatPicture) -> list[Record]:
        t = pic.t
        out: list[Record] = []
        for tid, eid in list(self._request.items()):
            eng = self.engagements[eid]
            if t > eng.deadline:
                eng.status = "expired"
                del self._request[tid]
                out.append(ApprovalDecision(t, eid, tid, "expired", "fire-control:deadline"))
        live = set(pic.ids.tolist())
        for tid in [k for k in self._request if k not in live]:
            eng = self.engagements[self._request.pop(tid)]
            eng.status = "expired"
            out.append(ApprovalDecision(t, eng.id, tid, "expired", "fire-control:track-lost"))

        cand = np.array([
            ident == "hostile" and self.roe.engageable(cls) and int(tid) not in self._in_flight
            and int(tid) not in self.killed and np.isfinite(te)
            for tid, cls, ident, te in zip(pic.ids, pic.classes, pic.identities, pic.t_end, strict=True)
        ], bool)
        if not cand.any() or not self.guns:
            return out
        idx = np.flatnonzero(cand)
        idx = idx[np.argsort(-pic.score[idx], kind="stable")]
        ballistic = np.array([pic.classes[i] in BALLISTIC for i in idx])
        rf = np.zeros(idx.size, bool) if pic.rf_link is None else np.asarray(pic.rf_link, bool)[idx]
        cls_idx = tuple(pic.classes[i] for i in idx)
        icps = [intercepts(g, t, pic.x[idx], ballistic, rf, pic.t_end[idx], cls_idx) for g in self.guns]
        # Keep-out: a kinetic intercept (or a laser kill) must happen far enough from every defended asset
        # that the threat's debris and warhead do not fall on it.
        # Sector limits: only aim points inside the effector's fire sectors (the interlocks check again).
        # (Both only where the envelope allows: the geometry is the costly part.)
        for gi, g in enumerate(self.guns):
            feasible = icps[gi].feasible.copy()
            rows = np.flatnonzero(feasible)
            if rows.size:
                ok_rows = in_sectors(g, icps[gi].aim[rows])
                ko = keep_out_m(g, self.roe.policy.keep_out_m)
                if self.assets and ko is not None:
                    ok_rows &= keep_out_clear(icps[gi].aim[rows], self.assets, ko)
                feasible[rows] = ok_rows
            icps[gi] = replace(icps[gi], feasible=feasible)

        # Approval: the request goes out as soon as a hostile needs one, so that the operator has the
        # most time; its deadline is the last moment the threat can still be stopped.
        authorised: list[str | None] = []
        for i in idx:
            tid, cls = int(pic.ids[i]), pic.classes[i]
            state, _sector = self.roe.state_at(pic.x[i, :3])
            by = None
            if not self.roe.needs_approval(cls, state):
                by = self.roe.policy.approval_authority
            elif tid in self._approved:
                by = self._approved[tid]
            elif tid not in self._request:
                deadline = float(pic.t_end[i]) - 3.0
                if deadline > t:
                    eng = self._new_engagement(tid, cls, deadline, "requested")
                    self._request[tid] = eng.id
                    out.append(ApprovalRequested(t, eng.id, tid, self.guns[0].name, cls, deadline))
            authorised.append(by)

        # Assignment: one burst per free gun this cycle, maximising expected protected value minus cost
        # (shoot-look-shoot: the next burst at a threat waits for this one's kill assessment).
        ok = np.array([a is not None for a in authorised])
        free = np.array([g.busy_until <= t for g in self.guns])
        pk = np.zeros((len(self.guns), idx.size))
        for gi, (g, icp, f) in enumerate(zip(self.guns, icps, free, strict=True)):
            rows = np.flatnonzero(icp.feasible & ok) if f else np.zeros(0, int)
            if rows.size:  # planned Pk only where the effector can and may shoot
                sub = replace(icp, t_fire=icp.t_fire[rows], t_intercept=icp.t_intercept[rows], aim=icp.aim[rows],
                              range_m=icp.range_m[rows], feasible=icp.feasible[rows], aim_start=None)
                p = planning_pk(g, rf[rows], sub, pic.x[idx[rows]], tuple(cls_idx[r] for r in rows))
                pk[gi, rows] = np.where(worth_firing(g, p, sub, pic.t_end[idx[rows]]), p, 0.0)
        if not pk.any():
            return out
        cost = np.array([[cost_per_shot(g)] * idx.size for g in self.guns])
        plan = plan_shots(pic.value[idx] * self._urgency(pic, idx), pk, free.astype(np.int64), cost)
        air = air_picture(pic)
        for gi, k in zip(*np.nonzero(plan.x), strict=True):
            gun, icp, i = self.guns[gi], icps[gi], idx[k]
            tid, cls = int(pic.ids[i]), pic.classes[i]
            aim = icp.aim[k]
            state_aim, _ = self.roe.state_at(aim)
            reasons = check_fire(
                sector_state=state_aim, target_identity=pic.identities[i], gun_pos=gun.position, aim=aim,
                self_destruct=line_of_fire_end(gun, aim), zones=self.zones if kinetic(gun) else Zones((), ()),
                air=air, config=self.safety, target_class=cls,
                trajectory=line_of_fire_path(gun, aim, None if icp.aim_start is None else icp.aim_start[k]),
                footprint=miss_footprint(gun, aim),
                target_index=int(i), sectors=fire_sectors(gun),
                window_s=line_of_fire_window(gun, t, float(icp.t_fire[k]), float(icp.t_intercept[k]), aim),
            )
            if reasons:
                key = (tid, gun.name)
                if self._last_veto.get(key) != tuple(reasons):
                    self._last_veto[key] = tuple(reasons)
                    out.append(InterlockVeto(t, tid, gun.name, tuple(reasons)))
                continue
            eng = self.engagements.get(self._approved_engagement(tid)) or self._new_engagement(
                tid, cls, float(pic.t_end[i]), "approved"
            )
            eng.status = "fired"
            eng.effector = gun.name
            eng.authorised_by = authorised[k]
            rounds = fire(gun, t, aim, float(icp.t_fire[k]), float(icp.t_intercept[k]))
            self.rounds_fired += rounds
            self._in_flight[tid] = eng.id
            # The order's aim point: where the effect happens; a laser's, where its beam comes on.
            order_aim = aim if icp.aim_start is None else icp.aim_start[k]
            out.append(FireOrder(t, eng.id, tid, gun.name, tuple(float(v) for v in order_aim),
                                 float(icp.t_intercept[k]), rounds, authorised[k] or ""))
        return out

    @staticmethod
    def _urgency(pic: ThreatPicture, idx: np.ndarray) -> np.ndarray:
        """Weight on a threat's value by how soon it hits: with one burst per gun per cycle, the threat
        that hits sooner is worth more now, because a later one can still be engaged next cycle."""
        return 1.0 + URGENCY_S / np.maximum(pic.t_end[idx] - pic.t, 1.0)

    def _approved_engagement(self, track_id: int) -> int:
        """The approved, not yet fired engagement for a track (0 if none)."""
        for eid, eng in self.engagements.items():
            if eng.track_id == track_id and eng.status == "approved":
                return eid
        return 0
