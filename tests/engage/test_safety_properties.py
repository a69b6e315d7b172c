"""Safety interlocks as properties over many random situations.

Two properties, both checked against an independent brute-force implementation written here (rotated
rectangles and L-shapes described by their boxes, distances in closed form per box, the line of fire and
the footprint axes sampled densely; nothing from ``bastion.geometry`` or ``bastion.engage.safety``):

- never wrongly: whenever ``check_fire`` clears a shot, no interlock is broken;
- no spurious veto: every reason ``check_fire`` gives is borne out by the brute force, up to the
  sampling tolerance (so the interlocks cannot pass the first property by refusing everything).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bastion.engage.roe import HOLD, RoeState
from bastion.engage.safety import AirPicture, FireSector, SafetyConfig, Zones, check_fire
from bastion.scenario.schema import Roe, Sector

CFG = SafetyConfig()
N_LINE = 2001  # samples per polyline leg
N_FALL = 1001  # samples per footprint axis


# --- regions: unions of rotated boxes -------------------------------------------------------------------
def _region(kind: str, cx, cy, w, h, ang, t):
    """A polygon for check_fire and the same region as boxes (centre, half sizes, angle) for the brute
    force. ``kind`` "rect" or "L" (an L of arm thickness ``t``: non-convex)."""
    c, s = math.cos(ang), math.sin(ang)
    rot = np.array([[c, -s], [s, c]])
    if kind == "rect":
        local = np.array([[0, 0], [w, 0], [w, h], [0, h]], float)
        boxes_local = [(w / 2, h / 2, w / 2, h / 2)]
    else:
        local = np.array([[0, 0], [w, 0], [w, t], [t, t], [t, h], [0, h]], float)
        boxes_local = [(w / 2, t / 2, w / 2, t / 2), (t / 2, h / 2, t / 2, h / 2)]
    poly = np.round(local @ rot.T + [cx, cy], 9)  # no 1e-180 coordinates (overflow warnings)
    boxes = [(rot @ [bx, by] + [cx, cy], hx, hy, ang) for bx, by, hx, hy in boxes_local]
    return poly, boxes


def _box_distance(pts: np.ndarray, boxes) -> np.ndarray:
    """Euclidean distance (m) from 2-D points (N,2) to a union of rotated boxes; 0 inside. Also returns
    the signed depth inside (positive inside)."""
    best = np.full(pts.shape[0], np.inf)
    depth = np.full(pts.shape[0], -np.inf)
    for centre, hx, hy, ang in boxes:
        c, s = math.cos(ang), math.sin(ang)
        d = pts - centre
        u, v = np.abs(d[:, 0] * c + d[:, 1] * s), np.abs(-d[:, 0] * s + d[:, 1] * c)
        best = np.minimum(best, np.hypot(np.maximum(u - hx, 0.0), np.maximum(v - hy, 0.0)))
        depth = np.maximum(depth, np.minimum(hx - u, hy - v))
    return best, depth


# Strategies are built once (building one per draw dominated the run time); continuous parameters are
# unit floats drawn only when used and scaled.
UNIT = st.floats(0.0, 1.0, allow_nan=False)
KIND = st.sampled_from(["rect", "rect", "L"])
FLOOR = st.sampled_from([0.0, 0.0, 150.0])
IDENT = st.sampled_from(["neutral", "hostile", "unknown", "friend"])
TRACK_CLASS = st.sampled_from(["bird", "rocket", "unknown", "aircraft", "helicopter"])
STATE = st.sampled_from(["FREE", "FREE", "FREE", "TIGHT", "HOLD"])
TARGET_IDENT = st.sampled_from(["hostile", "hostile", "hostile", "unknown", "friend", "neutral"])
TARGET_CLASS = st.sampled_from([None, "rocket", "owa_drone", "aircraft"])
COUNT2, COUNT4 = st.integers(0, 2), st.integers(0, 4)
WINDOW = st.sampled_from([0.0, 1.0, 1.0])  # 0: no time window; else drawn (s)
PLACE = st.sampled_from(["inside", "entering", "entering", "anywhere"])
N_TIME = 201  # samples of a protected track's path over the window


class _U:
    """Scaled unit-float draws."""

    def __init__(self, draw):
        self.draw = draw

    def __call__(self, lo, hi):
        return lo + (hi - lo) * self.draw(UNIT)


def _draw_region(draw, u, near: np.ndarray):
    """A region; half the time its corner is placed near a point ``near`` (on the line of fire or the
    fall of missed rounds) so that the interlocks are often close to binding."""
    kind = draw(KIND)
    w, h = u(50, 2500), u(50, 2500)
    t = u(0.1, 0.9) * min(w, h)
    if draw(st.booleans()):
        cx, cy = near[0] + u(-400, 400), near[1] + u(-400, 400)
    else:
        cx, cy = u(-3000, 3000), u(-3000, 3000)
    return _region(kind, cx, cy, w, h, u(0, math.pi / 2), t)


@st.composite
def situations(draw):
    u = _U(draw)
    gun = np.array([u(-300, 300), u(-300, 300), 5.0])
    direction = np.array([u(-1, 1), u(-1, 1), u(-0.1, 1)])
    if np.linalg.norm(direction) < 0.1:
        direction = np.array([0.0, 1.0, 0.1])
    direction /= np.linalg.norm(direction)
    aim = gun + direction * u(200, 2000)
    # The round drops below the line of sight beyond the aim point: the self-destruct point is off the line.
    sd = gun + direction * 2500.0 - np.array([0.0, 0.0, u(0.0, 80.0)])
    corridors, corridor_boxes = [], []
    for k in range(draw(COUNT2)):
        poly, boxes = _draw_region(draw, u, gun + (sd - gun) * u(0, 1))
        floor = draw(FLOOR)
        ceil = floor + u(100, 2000)
        corridors.append((f"c{k}", poly, floor, ceil))
        corridor_boxes.append((boxes, floor, ceil))
    nfz, nfz_boxes = [], []
    for k in range(draw(COUNT2)):
        poly, boxes = _draw_region(draw, u, aim + (sd - aim) * u(0, 1))
        nfz.append((f"n{k}", poly))
        nfz_boxes.append(boxes)
    n_air = draw(COUNT4)
    window = draw(WINDOW)
    window = 0.0 if window == 0.0 else u(0.5, 15.0)
    positions = np.zeros((n_air, 3))
    velocities = np.zeros((n_air, 3))
    for j in range(n_air):
        velocities[j] = [u(-250, 250), u(-250, 250), u(-20, 20)]
        where = draw(PLACE) if corridor_boxes else "anywhere"
        if where in ("inside", "entering"):  # inside a corridor (its first box), now or within the window
            boxes, floor, ceil = corridor_boxes[draw(st.integers(0, len(corridor_boxes) - 1))]
            centre, hx, hy, ang = boxes[0]
            ox, oy = u(-0.9, 0.9) * hx, u(-0.9, 0.9) * hy
            c, s = math.cos(ang), math.sin(ang)
            positions[j] = [centre[0] + c * ox - s * oy, centre[1] + s * ox + c * oy, u(floor, ceil)]
            if where == "entering":  # back along its path: it reaches that point within (or just after) the window
                positions[j] -= velocities[j] * window * u(0.2, 1.2)
        else:
            positions[j] = [u(-3000, 3000), u(-3000, 3000), u(0, 2500)]
    idents = tuple(draw(IDENT) for _ in range(n_air))
    classes = tuple(draw(TRACK_CLASS) for _ in range(n_air))
    target_index = draw(st.sampled_from([None, *range(n_air)]))
    footprint = _Footprint(aim[None, :2], sd[None, :2], np.array([u(0, 300)])) if draw(st.booleans()) else None
    sectors = None
    if draw(st.booleans()):
        sectors = tuple(FireSector(u(0, 360), u(0, 360), u(-10, 40), u(40, 90)) for _ in range(draw(COUNT2)))
    kw = dict(
        sector_state=draw(STATE), target_identity=draw(TARGET_IDENT), target_class=draw(TARGET_CLASS),
        gun_pos=gun, aim=aim, self_destruct=sd, zones=Zones(tuple(corridors), tuple(nfz)),
        air=AirPicture(positions, idents, classes, velocities if draw(st.booleans()) else None),
        target_index=target_index, sectors=sectors, footprint=footprint, window_s=window,
    )
    return kw, corridor_boxes, nfz_boxes


class _Footprint:
    def __init__(self, a, b, radius):
        self.a, self.b, self.radius = a, b, radius


def _sample(points: np.ndarray, n: int) -> tuple[np.ndarray, float]:
    """Dense samples along a polyline and the largest gap between neighbours (m)."""
    s = np.linspace(0.0, 1.0, n)[:, None]
    legs = [a + s * (b - a) for a, b in zip(points[:-1], points[1:], strict=True)]
    gap = max(float(np.linalg.norm(b - a)) for a, b in zip(points[:-1], points[1:], strict=True)) / (n - 1)
    return np.vstack(legs), gap


def _point_to_segment(pts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from points (N,3) to the segment a-b: projection clamped to the segment."""
    ab = b - a
    s = np.clip((pts - a) @ ab / max(float(ab @ ab), 1e-300), 0.0, 1.0)
    return np.linalg.norm(pts - (a + s[:, None] * ab), axis=1)


def _in_sector(sec: FireSector, az: float, el: float, m: float) -> bool:
    """Whether (az, el) deg lies in the sector shrunk by ``m`` degrees (grown when ``m`` < 0)."""
    lo, hi = sec.az_from_deg, sec.az_to_deg
    span = (hi - lo) % 360.0
    if span == 0.0 and hi != lo:
        span = 360.0
    off = (az - lo) % 360.0
    in_az = span >= 360.0 or (m <= off <= span - m) or (m < 0 and off >= 360.0 + m)
    return in_az and sec.el_min_deg + m <= el <= sec.el_max_deg - m


def _brute_force(kw, corridor_boxes, nfz_boxes, slack: float):
    """Interlocks broken, by category. ``slack`` 0: strict (any category found is a real violation);
    ``slack`` 1: loose (a category not found cannot be a real violation, up to the sampling gap)."""
    out = set()
    state, ident, cls = kw["sector_state"], kw["target_identity"], kw["target_class"]
    if state == "HOLD":
        out.add("hold")
    if ident in ("friend", "neutral"):
        out.add("identity")
    if state == "TIGHT" and ident != "hostile":
        out.add("tight")
    if cls in ("aircraft", "helicopter"):
        out.add("class")
    gun, aim, sd = kw["gun_pos"], kw["aim"], kw["self_destruct"]
    if kw["sectors"] is not None:
        dx, dy, dz = aim - gun
        az = math.degrees(math.atan2(dx, dy)) % 360.0
        el = math.degrees(math.atan2(dz, math.hypot(dx, dy)))
        # strict: outside every sector grown by a tolerance; loose: outside every sector shrunk by it.
        m = -1e-7 if slack == 0 else 1e-7
        if not any(_in_sector(sec, az, el, m) for sec in kw["sectors"]):
            out.add("sector")
    air = kw["air"]
    prot = np.array([i in ("friend", "neutral") or c in ("aircraft", "helicopter")
                     for i, c in zip(air.identities, air.classes, strict=True)], bool)
    if kw["target_index"] is not None:
        prot[kw["target_index"]] = False
    line, gap = _sample(np.array([gun, aim, sd]), N_LINE)
    eps = 1e-6
    prot_pos = air.positions[prot]
    # Protected tracks flown forward at constant velocity over the window, sampled in time: (K*T, 3).
    window = kw["window_s"] if air.velocities is not None else 0.0
    steps = np.linspace(0.0, window, N_TIME if window > 0 else 1)
    vel = air.velocities[prot] if air.velocities is not None else np.zeros_like(prot_pos)
    swept = (prot_pos[:, None, :] + vel[:, None, :] * steps[None, :, None]).reshape(-1, 3)
    tgap = float(np.max(np.linalg.norm(vel, axis=1), initial=0.0)) * (steps[1] if steps.size > 1 else 0.0)
    for boxes, floor, ceil in corridor_boxes:
        if not prot_pos.size:
            break
        d_trk, depth_trk = _box_distance(swept[:, :2], boxes)
        z = swept[:, 2]
        if slack == 0:
            occupied = np.any((depth_trk > eps) & (z > floor + eps) & (z < ceil - eps))
        else:
            occupied = np.any((d_trk <= tgap + eps) & (z >= floor - tgap - eps) & (z <= ceil + tgap + eps))
        if not occupied:
            continue
        d_line, depth_line = _box_distance(line[:, :2], boxes)
        if slack == 0:
            crossing = np.any((depth_line > eps) & (line[:, 2] > floor + eps) & (line[:, 2] < ceil - eps))
        else:
            crossing = np.any((d_line <= gap + eps) & (line[:, 2] >= floor - gap - eps)
                              & (line[:, 2] <= ceil + gap + eps))
        if crossing:
            out.add("corridor")
    if prot_pos.size:
        # Every time sample of every protected track against the two legs of the line, in closed form.
        d = min(float(np.min(_point_to_segment(swept, a, b))) for a, b in ((gun, aim), (aim, sd)))
        clear = CFG.friendly_clearance_m
        if (slack == 0 and d < clear - eps) or (slack == 1 and d <= clear + tgap + eps):
            out.add("clearance")
    fp = kw["footprint"]
    fa, fb, fr = (fp.a, fp.b, fp.radius) if fp is not None else (aim[None, :2], sd[None, :2], np.zeros(1))
    for boxes in nfz_boxes:
        d_debris, _ = _box_distance(aim[None, :2], boxes)
        r_debris = CFG.debris_radius_m
        if (slack == 0 and d_debris[0] < r_debris - eps) or (slack == 1 and d_debris[0] <= r_debris + eps):
            out.add("no-fire")
        for a, b, r in zip(fa, fb, fr, strict=True):
            axis, fgap = _sample(np.array([a, b]), N_FALL)
            dist, depth = _box_distance(axis, boxes)
            dmin = float(np.min(dist))
            if (slack == 0 and (dmin < r - eps or np.max(depth) > eps)) or (slack == 1 and dmin <= r + fgap + eps):
                out.add("no-fire")
    return out


def _categories(reasons: list[str]) -> set[str]:
    keys = {"ROE HOLD": "hold", "identified": "identity", "ROE TIGHT": "tight", "class": "class",
            "sectors": "sector", "corridor": "corridor", " m of a friendly": "clearance", "no-fire": "no-fire"}
    out = set()
    for r in reasons:
        hits = [v for k, v in keys.items() if k in r]
        assert len(hits) == 1, r
        out.add(hits[0])
    return out


@settings(max_examples=10_000, deadline=None, derandomize=True)
@given(situations())
def test_interlocks_never_wrong_and_never_spurious(sit):
    kw, corridor_boxes, nfz_boxes = sit
    reasons = check_fire(**kw)
    if not reasons:
        assert _brute_force(kw, corridor_boxes, nfz_boxes, slack=0) == set()
    assert _categories(reasons) <= _brute_force(kw, corridor_boxes, nfz_boxes, slack=1)


# --- examples: every interlock can bite ------------------------------------------------------------------
def _box(x0, y0, w, h):
    return np.array([[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h]], float)


GUN = np.array([0.0, 0.0, 5.0])
AIM = np.array([0.0, 1000.0, 500.0])
SD = GUN + (AIM - GUN) / np.linalg.norm(AIM - GUN) * 2500.0
EMPTY = AirPicture(np.zeros((0, 3)), (), ())
BASE = dict(sector_state="FREE", target_identity="hostile", gun_pos=GUN, aim=AIM, self_destruct=SD,
            zones=Zones((), ()), air=EMPTY)


def test_every_interlock_can_bite():
    assert check_fire(**BASE) == []
    assert check_fire(**{**BASE, "sector_state": "HOLD"}) == ["ROE HOLD"]
    assert check_fire(**{**BASE, "sector_state": "bogus"}) == ["ROE HOLD"]
    assert check_fire(**{**BASE, "target_identity": "neutral"}) == ["target identified neutral"]
    assert check_fire(**{**BASE, "target_identity": "friend"}) == ["target identified friend"]
    assert check_fire(**{**BASE, "sector_state": "TIGHT", "target_identity": "unknown"})
    assert check_fire(**{**BASE, "sector_state": "TIGHT"}) == []
    assert check_fire(**{**BASE, "target_class": "aircraft"})
    corridor = ("app", _box(-2000, 500, 4000, 200), 0.0, 1500.0)
    airliner = AirPicture(np.array([[1500.0, 600.0, 300.0]]), ("neutral",), ("aircraft",))
    assert check_fire(**{**BASE, "zones": Zones((corridor,), ()), "air": EMPTY}) == []  # empty corridor
    assert any("corridor" in r for r in check_fire(**{**BASE, "zones": Zones((corridor,), ()), "air": airliner}))
    # The line passes over a corridor whose ceiling is below it: no crossing.
    low = ("low", _box(-2000, 500, 4000, 200), 0.0, 100.0)
    airliner_low = AirPicture(np.array([[1500.0, 600.0, 50.0]]), ("neutral",), ("aircraft",))
    assert check_fire(**{**BASE, "zones": Zones((low,), ()), "air": airliner_low}) == []
    school = Zones((), (("school", _box(-50, 1900, 100, 100)),))
    assert any("no-fire" in r for r in check_fire(**{**BASE, "zones": school}))


def test_debris_disc_is_exact_not_sampled():
    """A small no-fire zone inside the debris disc but away from its centre and rim (the previous
    16-point rim sampling missed it: found by the property test)."""
    aim = np.array([0.0, 141.42, 146.42])
    zone = Zones((), (("hut", _box(0, 0, 50, 50)),))  # 91 m from the aim point's ground projection
    reasons = check_fire(**{**BASE, "aim": aim, "self_destruct": GUN + (aim - GUN) * 10, "zones": zone})
    assert any("debris" in r for r in reasons)


def test_footprint_radius_and_sectors_bite():
    school = Zones((), (("school", _box(130, 1900, 100, 100)),))  # 130 m beside the ground track
    fp = _Footprint(AIM[None, :2], SD[None, :2], np.array([100.0]))
    assert check_fire(**{**BASE, "zones": school, "footprint": fp}) == []
    fp2 = _Footprint(AIM[None, :2], SD[None, :2], np.array([140.0]))
    assert any("missed rounds" in r for r in check_fire(**{**BASE, "zones": school, "footprint": fp2}))
    north = (FireSector(300.0, 60.0, 0.0, 80.0),)  # through north
    assert check_fire(**{**BASE, "sectors": north}) == []
    east = (FireSector(60.0, 120.0, 0.0, 80.0),)
    assert any("sectors" in r for r in check_fire(**{**BASE, "sectors": east}))
    assert any("sectors" in r for r in check_fire(**{**BASE, "sectors": ()}))
    low_el = (FireSector(0.0, 360.0, 0.0, 20.0),)  # the shot is at ~26 deg
    assert any("sectors" in r for r in check_fire(**{**BASE, "sectors": low_el}))


def test_hold_after_start():
    """Every sector starts in HOLD whatever the scenario asks for, and HOLD blocks a clean shot."""
    roe = Roe(sectors=[Sector(name="n", az_from_deg=270, az_to_deg=90, state="FREE"),
                       Sector(name="s", az_from_deg=90, az_to_deg=270, state="TIGHT")])
    rs = RoeState(roe)
    assert set(rs.state.values()) == {HOLD}
    state, sector = rs.state_at(AIM)
    assert (state, sector) == (HOLD, "n")
    assert check_fire(**{**BASE, "sector_state": state}) == ["ROE HOLD"]
    rs.set("n", "FREE")
    assert RoeState(roe).state["n"] == HOLD  # a restart (a new RoeState) is back in HOLD


def test_gun_footprint_and_trajectory_feed_the_interlocks():
    """With the gun's own trajectory and miss footprint, a no-fire zone beside the fall of shot (outside
    the bare ground track, inside the fragment spread) holds fire; a corridor under the line of sight but
    above the dropping trajectory does not."""
    from bastion.engage.effectors import Gun
    from bastion.scenario.schema import GunEffector

    gun = Gun(GunEffector(name="g", position=[0.0, 0.0, 5.0]))
    aim = np.array([0.0, 1200.0, 300.0])
    sd = gun.self_destruct_point(aim)
    fp = gun.miss_footprint(aim)
    side = Zones((), (("camp", _box(60.0, 1600.0, 100.0, 100.0)),))  # 60 m east of the ground track
    kw = {**BASE, "gun_pos": gun.position, "aim": aim, "self_destruct": sd, "zones": side}
    assert check_fire(**kw) == []
    assert any("missed rounds" in r for r in check_fire(**kw, footprint=fp))
    # A thin corridor layer just under the straight line beyond the aim point, above the real trajectory's
    # end: the straight line to the *straight* self-destruct point would cross it.
    straight = gun.position + (aim - gun.position) / np.linalg.norm(aim - gun.position) * 2500.0
    z_mid = 0.5 * (sd[2] + straight[2])
    layer = ("layer", _box(-100.0, 2300.0, 200.0, 200.0), z_mid, z_mid + 5.0)
    heli = AirPicture(np.array([[0.0, 2400.0, z_mid + 2.0]]), ("friend",), ("helicopter",))
    cfg = SafetyConfig(friendly_clearance_m=1.0)
    kw2 = {**BASE, "gun_pos": gun.position, "aim": aim, "zones": Zones((layer,), ()), "air": heli, "config": cfg}
    assert any("corridor" in r for r in check_fire(**{**kw2, "self_destruct": straight}))
    assert check_fire(**{**kw2, "self_destruct": sd, "trajectory": gun.trajectory(aim)}) == []


def test_segment_segment_distance_by_hand():
    from bastion.engage.safety import segment_segment_distance as ssd

    o, x = np.zeros(3), np.array([1.0, 0.0, 0.0])
    assert ssd(o, x, [0.5, -1.0, 1.0], [0.5, 1.0, 1.0]) == pytest.approx(1.0)  # skew, crossing over
    assert ssd(o, x, [0.0, 2.0, 0.0], [1.0, 2.0, 0.0]) == pytest.approx(2.0)  # parallel
    assert ssd(o, x, [3.0, 4.0, 0.0], [3.0, 4.0, 0.0]) == pytest.approx(np.hypot(2.0, 4.0))  # a point, past the end
    assert ssd(o, o, [0.0, 3.0, 4.0], [0.0, 3.0, 4.0]) == pytest.approx(5.0)  # two points
    assert ssd(o, x, [2.0, 0.0, 0.0], [5.0, 0.0, 0.0]) == pytest.approx(1.0)  # collinear, apart
    assert ssd(o, x, [0.5, -1.0, 0.0], [0.5, 1.0, 0.0]) == pytest.approx(0.0)  # crossing
    # Broadcasting: (2,1) against (1,3) pairs.
    got = ssd(np.zeros((2, 1, 3)), np.tile(x, (2, 1, 1)), np.array([[[0, 1, 0], [0, 2, 0], [0, 3, 0]]], float),
              np.array([[[1, 1, 0], [1, 2, 0], [1, 3, 0]]], float))
    assert got.shape == (2, 3) and np.allclose(got, [[1, 2, 3], [1, 2, 3]])


def test_track_flying_towards_the_line_of_fire_breaks_clearance():
    """A friendly helicopter 800 m east of the line, flying west at 50 m/s: within the 500 m clearance
    after 6 s."""
    heli = AirPicture(np.array([[800.0, 500.0, 250.0]]), ("friend",), ("helicopter",), np.array([[-50.0, 0.0, 0.0]]))
    kw = {**BASE, "air": heli}
    assert check_fire(**kw, window_s=5.9) == []
    assert any(" m of a friendly" in r for r in check_fire(**kw, window_s=6.1))


def test_aircraft_entering_the_corridor_during_the_flight_blocks_fire():
    """The line of fire crosses the corridor (north 500-700 m, 0-1 500 m up). An airliner 2 km east of the
    gun's line, outside the corridor, flying west at 80 m/s along it: it enters the corridor's box
    (x <= 2 000 m) at once and stays; one 1 km south of the corridor flying north at 80 m/s enters it after
    (500 - (-500)) / 80 = 12.5 s."""
    corridor = ("app", _box(-2000, 500, 4000, 200), 0.0, 1500.0)
    zones = Zones((corridor,), ())
    cfg = SafetyConfig(friendly_clearance_m=1.0)
    east = AirPicture(np.array([[2100.0, 600.0, 300.0]]), ("neutral",), ("aircraft",), np.array([[-80.0, 0.0, 0.0]]))
    kw = {**BASE, "zones": zones, "air": east, "config": cfg}
    assert check_fire(**kw) == []  # now outside: clear without a window
    assert check_fire(**kw, window_s=1.0) == []  # 80 m in 1 s: still 20 m short of the corridor
    assert any("corridor" in r for r in check_fire(**kw, window_s=1.3))  # 104 m: inside
    south = AirPicture(np.array([[0.0, -500.0, 300.0]]), ("neutral",), ("aircraft",), np.array([[0.0, 80.0, 0.0]]))
    kw = {**BASE, "zones": zones, "air": south, "config": cfg}
    assert check_fire(**kw, window_s=12.4) == []
    assert any("corridor" in r for r in check_fire(**kw, window_s=12.6))
    # Flying away from the corridor: never.
    away = AirPicture(np.array([[0.0, -500.0, 300.0]]), ("neutral",), ("aircraft",), np.array([[0.0, -80.0, 0.0]]))
    assert check_fire(**{**kw, "air": away}, window_s=60.0) == []
    # Climbing into the band from below a corridor with a floor: 900 m up, floor 1 000 m, climbing 10 m/s.
    high = ("high", _box(-2000, 500, 4000, 200), 1000.0, 1500.0)
    climber = AirPicture(np.array([[0.0, 600.0, 900.0]]), ("friend",), ("helicopter",), np.array([[0.0, 0.0, 10.0]]))
    aim = np.array([0.0, 1000.0, 2000.0])  # the line passes through the band over the corridor
    kw = {**BASE, "aim": aim, "self_destruct": GUN + (aim - GUN) * 1.2, "zones": Zones((high,), ()),
          "air": climber, "config": cfg}
    assert check_fire(**kw, window_s=9.9) == []
    assert any("corridor" in r for r in check_fire(**kw, window_s=10.1))


def test_segments_cross_prism_by_hand():
    from bastion.engage.safety import segments_cross_prism

    square = np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0]])
    p = np.array([
        [-50.0, 50.0, 500.0],   # level through the prism at 500 m
        [-50.0, 50.0, 1500.0],  # level, above the 1,000 m ceiling
        [-50.0, 50.0, 1500.0],  # descends through the band only after it has left the square
        [50.0, 50.0, 200.0],    # starts inside the prism
        [-50.0, -50.0, 500.0],  # passes beside the square
        [-50.0, 50.0, 2000.0],  # steep dive: in the band (1000 m down to 100 m) while over the square
    ])
    q = np.array([
        [150.0, 50.0, 500.0],
        [150.0, 50.0, 1500.0],
        [300.0, 50.0, 900.0],
        [60.0, 60.0, 210.0],
        [150.0, -50.0, 500.0],
        [150.0, 50.0, 0.0],
    ])
    # Hand check of the last two descents: segment 3 reaches 1,000 m at s = 5/6, x = 241.7 (past x = 100);
    # segment 6 is between 1,000 and 100 m for s in [0.5, 0.95], x from 50 to 140: over the square.
    assert segments_cross_prism(p, q, square, 100.0, 1000.0).tolist() == [True, False, False, True, False, True]
