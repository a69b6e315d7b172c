"""The run summary (``summary.json``): per object, what the defence saw, decided and achieved, against
truth. Schema: docs/summary.md.

Tracks are matched to truth objects from the recorded track pictures: at every decision cycle a
nearest-neighbour assignment (within ``MATCH_GATE_M``) between confirmed tracks and existing objects
casts a vote; each track belongs to the object with most votes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from bastion.events import (
    Alert,
    AlertJoined,
    ApprovalDecision,
    CameraCue,
    CameraRecognition,
    ClassChanged,
    EngagementResult,
    FireOrder,
    IdentityChanged,
    ImpactPredicted,
    OriginPredicted,
    Record,
    TrackConfirmed,
    TrackPicture,
)
from bastion.geometry import points_in_polygon, polygon_area
from bastion.scenario.schema import ROUND_KINDS
from bastion.world.truth import World

MATCH_GATE_M = 300.0
LAST_CHANCE_S = 0.5  # a track pictured no more had its next chance to vote one decision cycle later
PREDICTION_LEADS_S = (20, 10, 5)  # impact prediction errors are reported this long before impact
SUMMARY_VERSION = 1


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), nd)


def match_tracks(world: World, events: list[Record]) -> dict[int, int]:
    """Track id -> object index, by majority vote over the recorded track pictures.

    A track needs two votes, or one when it had no chance of a second: its object ended before the track's
    next picture (or, pictured no more, within ``LAST_CHANCE_S``). A track confirmed in a round's last
    half second votes once and coasts on past the impact; it was on that round (until 2026-12-03 it was
    counted as a second track owning nothing). A track confirmed after the round's last picture but before
    its impact votes with its confirmation (position and time)."""
    votes: dict[int, Counter] = defaultdict(Counter)
    first_vote: dict[tuple[int, int], float] = {}
    seen: dict[int, list[float]] = defaultdict(list)  # track id -> times of the pictures holding it
    confirmed_at: dict[int, TrackConfirmed] = {}
    for ev in events:
        if isinstance(ev, TrackConfirmed):
            confirmed_at.setdefault(ev.track_id, ev)
        if not isinstance(ev, TrackPicture) or not ev.track_ids:
            continue
        for tid in ev.track_ids:
            seen[tid].append(ev.t)
        alive, pos, _ = world.state(ev.t)
        obj = np.flatnonzero(alive)
        if not obj.size:
            continue
        trk = np.array(ev.states, float)[:, :3]
        d = np.linalg.norm(trk[:, None, :] - pos[obj][None, :, :], axis=2)
        rows, cols = linear_sum_assignment(np.where(d <= MATCH_GATE_M, d, 1e9))
        for r, c in zip(rows, cols, strict=True):
            if d[r, c] <= MATCH_GATE_M:
                votes[ev.track_ids[r]][int(obj[c])] += 1
                first_vote.setdefault((ev.track_ids[r], int(obj[c])), ev.t)
    for tid, ev in confirmed_at.items():
        if tid in votes:
            continue
        alive, pos, _ = world.state(ev.t)
        d = np.where(alive, np.linalg.norm(pos - np.asarray(ev.position, float), axis=1), np.inf)
        if d.size and d.min() <= MATCH_GATE_M:
            votes[tid][int(d.argmin())] += 1
            first_vote[(tid, int(d.argmin()))] = ev.t
    owner = {}
    for tid, c in votes.items():
        obj, n = c.most_common(1)[0]
        if n == 1:
            t_vote = first_vote[(tid, obj)]
            # Its next chance: its next picture, or (pictured no more) the next decision cycle's.
            later = [t for t in seen[tid] if t > t_vote]
            if (min(later) if later else t_vote + LAST_CHANCE_S) <= world.t_end[obj]:
                continue  # it could have voted again and did not
        owner[tid] = obj
    return owner


def warned_zones_by_track(events: list[Record]) -> dict[int, set[str]]:
    """Track id -> the zones whose warning named it (the alert itself, or a track joining it)."""
    warned: dict[int, set[str]] = defaultdict(set)
    for ev in events:
        if isinstance(ev, Alert) and ev.tier == "warning":
            for tid in ev.track_ids:
                warned[tid].add(ev.zone)
        elif isinstance(ev, AlertJoined):
            warned[ev.track_id].add(ev.zone)
    return warned


def unowned_tracks(world: World, events: list[Record], owner: dict[int, int]) -> list[dict[str, Any]]:
    """Confirmed tracks that own no object (``owner`` from :func:`match_tracks`): a second track on an
    object, or a track on clutter. Each: ``track_id``, ``confirmed_t``, ``near`` (the name of the nearest
    live object if within ``MATCH_GATE_M`` of the track when confirmed, else None: clutter), ``classes``
    (declared, in order), ``hostile``, ``warned_zones`` and ``fire_orders`` (their count)."""
    confirmed: dict[int, TrackConfirmed] = {}
    classes: dict[int, list[str]] = defaultdict(list)
    hostile: set[int] = set()
    warned = warned_zones_by_track(events)
    fires: Counter = Counter()
    for ev in events:
        if isinstance(ev, TrackConfirmed):
            confirmed.setdefault(ev.track_id, ev)
        elif isinstance(ev, ClassChanged):
            classes[ev.track_id].append(ev.track_class)
        elif isinstance(ev, IdentityChanged) and ev.identity == "hostile":
            hostile.add(ev.track_id)
        elif isinstance(ev, FireOrder):
            fires[ev.track_id] += 1
    out = []
    for tid in sorted(set(confirmed) - set(owner)):
        ev = confirmed[tid]
        alive, pos, _ = world.state(ev.t)
        d = np.where(alive, np.linalg.norm(pos - np.asarray(ev.position, float), axis=1), np.inf)
        j = int(np.argmin(d)) if d.size else -1
        near = world.objects[j].name if j >= 0 and d[j] <= MATCH_GATE_M else None
        out.append({"track_id": tid, "confirmed_t": _r(ev.t), "near": near, "classes": classes[tid],
                    "hostile": tid in hostile, "warned_zones": sorted(warned[tid]), "fire_orders": fires[tid]})
    return out


def warning_episodes(events: list[Record], t_final: float) -> dict[str, list[tuple[float, float]]]:
    """Zone -> [(start, end)] of each warning episode (end = all-clear time, or the run's end)."""
    open_at: dict[str, float] = {}
    episodes: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for ev in events:
        if isinstance(ev, Alert):
            if ev.tier == "warning" and ev.zone not in open_at:
                open_at[ev.zone] = ev.t
            elif ev.tier == "all_clear" and ev.zone in open_at:
                episodes[ev.zone].append((open_at.pop(ev.zone), ev.t))
    for zone, start in open_at.items():
        episodes[zone].append((start, t_final))
    return episodes


def _munition_name(meta: dict) -> str | None:
    """A round's threat-library name (``"<preset>/<zone>"`` for a shell fired with a charge), None for
    anything else."""
    if "preset" not in meta:
        return None
    return meta["preset"] + (f"/{meta['charge']}" if "charge" in meta else "")


def build_summary(scenario, world: World, events: list[Record], first_detection: dict[int, float],
                  seed: int) -> dict[str, Any]:
    """The summary document of one run."""
    owner = match_tracks(world, events)
    tracks_of: dict[int, list[int]] = defaultdict(list)
    for tid, obj in sorted(owner.items()):
        tracks_of[obj].append(tid)
    episodes = warning_episodes(events, world.duration)
    zones = [(z.name, np.asarray(z.polygon, float)) for z in scenario.warning_zones]
    shelter = {z.name: z.time_to_shelter_s for z in scenario.warning_zones}
    zone_area = {name: polygon_area(poly) for name, poly in zones}

    confirmed: dict[int, float] = {}
    classes: dict[int, list[tuple[float, str]]] = defaultdict(list)
    warned = warned_zones_by_track(events)
    fires: dict[int, list[FireOrder]] = defaultdict(list)
    approvals: dict[int, ApprovalDecision] = {}  # track id -> its operator approval
    results: dict[int, EngagementResult] = {}
    impact_preds: dict[int, list[ImpactPredicted]] = defaultdict(list)
    origin_preds: dict[int, list[OriginPredicted]] = defaultdict(list)
    episode_reason: dict[tuple[str, float], str | None] = {}  # (zone, warning time) -> why it sounded
    looks: Counter = Counter()  # track id -> camera looks at it
    recognitions: dict[int, list[tuple[float, str]]] = defaultdict(list)  # track id -> camera recognitions
    for ev in events:
        if isinstance(ev, TrackConfirmed):
            confirmed.setdefault(ev.track_id, ev.t)
        elif isinstance(ev, ClassChanged):
            classes[ev.track_id].append((ev.t, ev.track_class))
        elif isinstance(ev, Alert) and ev.tier == "warning":
            episode_reason.setdefault((ev.zone, ev.t), ev.reason)
        elif isinstance(ev, FireOrder):
            fires[ev.track_id].append(ev)
        elif isinstance(ev, ApprovalDecision) and ev.decision == "approved":
            approvals.setdefault(ev.track_id, ev)
        elif isinstance(ev, EngagementResult):
            results[ev.engagement_id] = ev
        elif isinstance(ev, ImpactPredicted):
            impact_preds[ev.track_id].append(ev)
        elif isinstance(ev, OriginPredicted):
            origin_preds[ev.track_id].append(ev)
        elif isinstance(ev, CameraCue):
            looks[ev.track_id] += 1
        elif isinstance(ev, CameraRecognition):
            recognitions[ev.track_id].append((ev.t, ev.label))

    objects = []
    impacts_by_zone: dict[str, list[float]] = defaultdict(list)
    totals = Counter(threats=0, defeated=0, leaked=0, fratricide_engagements=0, rounds_fired=0,
                     missed_warnings=0, false_warnings=0, engagements=0, kills=0, engagements_on_unowned_tracks=0,
                     interceptors_fired=0, laser_shots=0)
    burst_cost = {e.name: getattr(e, "cost_per_burst", None) or getattr(e, "cost_per_shot", 0.0)
                  for e in scenario.effectors}
    interceptor_names = {e.name for e in scenario.effectors if e.type == "interceptor"}
    laser_names = {e.name for e in scenario.effectors if e.type == "laser"}
    cost = 0.0
    for obj in world.objects:
        tids = tracks_of.get(obj.index, [])
        t_conf = min((confirmed[t] for t in tids if t in confirmed), default=None)
        hist = sorted((t, c) for tid in tids for t, c in classes[tid] if t <= obj.t_end + 1e-9)
        cls, cls_t = ("unknown", None)
        if hist:
            cls = hist[-1][1]
            cls_t = next(t for t, c in hist if c == cls)
        engagements = []
        for tid in tids:
            for f in fires[tid]:
                res = results.get(f.engagement_id)
                appr = approvals.get(tid)
                appr = appr if appr is not None and appr.by == f.authorised_by else None
                engagements.append({
                    "engagement_id": f.engagement_id, "track_id": tid, "effector": f.effector,
                    "fire_t": _r(f.t), "rounds": f.rounds, "authorised_by": f.authorised_by,
                    "approved_t": _r(appr.t) if appr else None, "intercept_t": _r(f.intercept_t),
                    "result": res.result if res else "pending", "result_t": _r(res.t) if res else None,
                })
                totals["interceptors_fired" if f.effector in interceptor_names else "rounds_fired"] += f.rounds
                totals["laser_shots"] += f.effector in laser_names
                totals["engagements"] += 1
                totals["kills"] += bool(res and res.result == "kill")
                cost += burst_cost.get(f.effector, 0.0)
                if not obj.hostile:
                    totals["fratricide_engagements"] += 1
        engagements.sort(key=lambda e: (e["fire_t"], e["engagement_id"]))
        impact_t = impact_enu = impact_zone = lead = reason = None
        would = None
        if obj.natural_end == "impact":
            # Where it hits (or, if defeated, would have hit) and how long before that its zone was warned.
            t_hit = float(obj.t_natural_end)
            p = world.state(t_hit)[1][obj.index]
            inside = [name for name, poly in zones if points_in_polygon(p[None, :2], poly)[0]]
            zone = inside[0] if inside else None
            active = [
                s for s, e in episodes.get(zone, []) if s <= t_hit and (e >= t_hit - 1e-9 or obj.outcome != "impact")
            ]
            zone_lead = (t_hit - min(active)) if zone and active else None
            zone_reason = episode_reason.get((zone, min(active))) if zone and active else None
            if obj.outcome == "impact":
                impact_t, impact_enu, impact_zone, lead = t_hit, [_r(v, 1) for v in p], zone, zone_lead
                reason = zone_reason
                if zone:
                    impacts_by_zone[zone].append(t_hit)
                    # Missed: not warned at least the zone's time to shelter before the impact.
                    if obj.hostile and (lead is None or lead < shelter[zone] - 1e-9):
                        totals["missed_warnings"] += 1
            else:
                would = {"impact_t": _r(t_hit), "impact_enu": [_r(v, 1) for v in p], "impact_zone": zone,
                         "warning_lead_s": _r(zone_lead), "warning_reason": zone_reason}
                if zone:
                    impacts_by_zone[zone].append(t_hit)
        first_correct = next((t for t, c in hist if c == obj.kind), None)
        pred_err: dict[str, float | None] | None = None
        origin_err = None
        if obj.kind in ROUND_KINDS and obj.natural_end == "impact":
            t_hit = float(obj.t_natural_end)
            p_hit = world.state(t_hit)[1][obj.index]
            preds = sorted((e for tid in tids for e in impact_preds[tid]), key=lambda e: e.t)
            pred_err = {}
            for lead_s in PREDICTION_LEADS_S:
                before = [e for e in preds if e.t <= t_hit - lead_s]
                ok = before and before[-1].t >= t_hit - lead_s - 1.0 and obj.t_end >= t_hit - lead_s
                err = float(np.linalg.norm(np.asarray(before[-1].impact_enu[:2]) - p_hit[:2])) if ok else None
                pred_err[str(lead_s)] = _r(err, 1)
            origins = sorted((e for tid in tids for e in origin_preds[tid]), key=lambda e: e.t)
            if origins and "launch" in obj.meta:
                origin_err = _r(float(np.linalg.norm(np.asarray(origins[-1].origin_enu[:2])
                                                     - np.asarray(obj.meta["launch"][:2]))), 1)
        if obj.hostile:
            totals["threats"] += 1
            totals["defeated"] += obj.outcome == "defeated"
            totals["leaked"] += obj.outcome == "impact"
        warned_zones = sorted(set().union(*(warned[t] for t in tids)) if tids else set())
        objects.append({
            "id": obj.name, "true_kind": obj.kind, "hostile": obj.hostile,
            "detected_t": _r(first_detection.get(obj.index)), "confirmed_t": _r(t_conf),
            "class": cls, "class_t": _r(cls_t), "tracks": tids,
            "warned_zones": warned_zones,
            "warned_area_m2": _r(sum(zone_area[z] for z in warned_zones), 0),
            "warning_lead_s": _r(lead), "warning_reason": reason, "engagements": engagements, "outcome": obj.outcome,
            "impact_t": _r(impact_t), "impact_enu": impact_enu, "impact_zone": impact_zone,
            "defeated_t": _r(obj.defeated_t), "would_have_hit": would,
            "class_correct_after_confirm_s": _r(first_correct - t_conf) if first_correct is not None
            and t_conf is not None else None,
            "impact_prediction_error_m": pred_err, "origin_error_m": origin_err,
            "munition": _munition_name(obj.meta),
            "camera_looks": sum(looks[t] for t in tids),
            "camera_recognitions": [[_r(t), label] for t, label in sorted(r for tid in tids
                                                                          for r in recognitions[tid])],
        })
    # A warning is false when nothing hit its zone during it (nor would have: a threat defeated in
    # flight that was heading into the zone justified its warning).
    for zone, eps in episodes.items():
        for s, e in eps:
            if not any(s <= ti <= e + 5.0 for ti in impacts_by_zone.get(zone, [])):
                totals["false_warnings"] += 1
    unowned = unowned_tracks(world, events, owner)
    totals["unowned_tracks"] = len(unowned)
    # Shots at tracks owning no object were still fired: they count in the run's rounds and cost.
    for f in (f for u in unowned for f in fires[u["track_id"]]):
        totals["interceptors_fired" if f.effector in interceptor_names else "rounds_fired"] += f.rounds
        totals["laser_shots"] += f.effector in laser_names
        totals["engagements"] += 1
        totals["engagements_on_unowned_tracks"] += 1
        cost += burst_cost.get(f.effector, 0.0)
    return {
        "summary_version": SUMMARY_VERSION, "scenario": scenario.name, "seed": seed,
        "duration_s": _r(world.duration), "objects": objects, "totals": {**totals, "cost": _r(cost)},
        "warnings": {z: [[_r(s), _r(e)] for s, e in eps] for z, eps in sorted(episodes.items())},
        "unowned_tracks": unowned,
    }
