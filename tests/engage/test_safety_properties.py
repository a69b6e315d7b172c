"""Safety interlocks as properties over many random situations: whenever ``check_fire`` clears a shot,
an independent brute-force check finds no broken interlock."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bastion.engage.safety import AirPicture, SafetyConfig, Zones, check_fire
from bastion.geometry import points_in_polygon

CFG = SafetyConfig()


def _box(x0, y0, w, h):
    return np.array([[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h]], float)


coord = st.floats(-3000, 3000, allow_nan=False)
size = st.floats(50, 2500, allow_nan=False)


@st.composite
def situations(draw):
    corridors = tuple(
        (f"c{k}", _box(draw(coord), draw(coord), draw(size), draw(size)), 0.0, draw(st.floats(100, 2000)))
        for k in range(draw(st.integers(0, 2)))
    )
    n_nfz = draw(st.integers(0, 2))
    nfz = tuple((f"n{k}", _box(draw(coord), draw(coord), draw(size), draw(size))) for k in range(n_nfz))
    n_air = draw(st.integers(0, 4))
    positions = np.array([[draw(coord), draw(coord), draw(st.floats(0, 2500))] for _ in range(n_air)]).reshape(-1, 3)
    idents = tuple(draw(st.sampled_from(["friend", "neutral", "hostile", "unknown"])) for _ in range(n_air))
    kinds = ["aircraft", "helicopter", "bird", "rocket", "unknown"]
    classes = tuple(draw(st.sampled_from(kinds)) for _ in range(n_air))
    gun = np.array([draw(st.floats(-300, 300)), draw(st.floats(-300, 300)), 5.0])
    direction = np.array([draw(st.floats(-1, 1)), draw(st.floats(-1, 1)), draw(st.floats(0.05, 1))])
    direction /= np.linalg.norm(direction)
    aim = gun + direction * draw(st.floats(200, 2000))
    sd = gun + direction * 2500.0
    return dict(
        sector_state=draw(st.sampled_from(["HOLD", "TIGHT", "FREE"])),
        target_identity=draw(st.sampled_from(["friend", "neutral", "hostile", "unknown"])),
        gun_pos=gun, aim=aim, self_destruct=sd, zones=Zones(corridors, nfz),
        air=AirPicture(positions, idents, classes),
    )


def _violations(s) -> list[str]:
    """Brute force, written independently of the module: dense sampling of the line and the footprint."""
    out = []
    if s["sector_state"] == "HOLD":
        out.append("hold")
    if s["target_identity"] in ("friend", "neutral"):
        out.append("friendly target")
    if s["sector_state"] == "TIGHT" and s["target_identity"] != "hostile":
        out.append("tight")
    air = s["air"]
    prot = np.array([i in ("friend", "neutral") or c in ("aircraft", "helicopter")
                     for i, c in zip(air.identities, air.classes, strict=True)], bool)
    line = s["gun_pos"] + np.linspace(0, 1, 4001)[:, None] * (s["self_destruct"] - s["gun_pos"])
    for _name, poly, floor, ceil in s["zones"].corridors:
        occupied = any(points_in_polygon(p[None, :2], poly)[0] and floor <= p[2] <= ceil for p in air.positions[prot])
        crossing = np.any(points_in_polygon(line[:, :2], poly) & (line[:, 2] >= floor) & (line[:, 2] <= ceil))
        if occupied and crossing:
            out.append("corridor")
    if prot.any():
        d = np.min(np.linalg.norm(line[:, None, :] - air.positions[prot][None], axis=2))
        if d < CFG.friendly_clearance_m - 5.0:  # sampling tolerance
            out.append("clearance")
    r = np.sqrt(np.linspace(0, 1, 40))[:, None] * CFG.debris_radius_m
    a = np.linspace(0, 2 * np.pi, 40)[None, :]
    disc = (s["aim"][:2] + np.stack([r * np.cos(a), r * np.sin(a)], -1).reshape(-1, 2))
    fall = s["aim"][:2] + np.linspace(0, 1, 2001)[:, None] * (s["self_destruct"][:2] - s["aim"][:2])
    for _name, poly in s["zones"].no_fire:
        if points_in_polygon(disc, poly).any() or points_in_polygon(fall, poly).any():
            out.append("no-fire")
    return out


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(situations())
def test_cleared_shots_break_no_interlock(s):
    reasons = check_fire(**s)
    if not reasons:
        assert _violations(s) == []


def test_every_interlock_can_bite():
    gun = np.array([0.0, 0.0, 5.0])
    aim = np.array([0.0, 1000.0, 500.0])
    sd = gun + (aim - gun) / np.linalg.norm(aim - gun) * 2500.0
    empty = AirPicture(np.zeros((0, 3)), (), ())
    base = dict(sector_state="FREE", target_identity="hostile", gun_pos=gun, aim=aim, self_destruct=sd,
                zones=Zones((), ()), air=empty)
    assert check_fire(**base) == []
    assert check_fire(**{**base, "sector_state": "HOLD"}) == ["ROE HOLD"]
    assert check_fire(**{**base, "target_identity": "neutral"}) == ["target identified neutral"]
    assert check_fire(**{**base, "sector_state": "TIGHT", "target_identity": "unknown"})
    corridor = ("app", _box(-2000, 500, 4000, 200), 0.0, 1500.0)
    airliner = AirPicture(np.array([[1500.0, 600.0, 300.0]]), ("neutral",), ("aircraft",))
    assert check_fire(**{**base, "zones": Zones((corridor,), ()), "air": empty}) == []  # empty corridor
    assert any("corridor" in r for r in check_fire(**{**base, "zones": Zones((corridor,), ()), "air": airliner}))
    school = Zones((), (("school", _box(-50, 1900, 100, 100)),))
    assert any("no-fire" in r for r in check_fire(**{**base, "zones": school}))
