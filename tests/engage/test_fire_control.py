"""Fire control feasibility: keep-out from the defended assets, fire sectors, through the real FireControl."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.engage.effectors import Gun
from bastion.engage.fire_control import FireControl, ThreatPicture
from bastion.engage.roe import RoeState
from bastion.engage.safety import Zones, keep_out_clear, points_polygon_distance
from bastion.events import FireOrder
from bastion.scenario.schema import GunEffector, Roe, Sector

SQUARE = np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0]])


def test_keep_out_distance_by_hand():
    pts = np.array([[250.0, 50.0], [249.0, 50.0], [50.0, 50.0], [100.0 + 150 / np.sqrt(2), 100.0 + 150 / np.sqrt(2)],
                    [100.0 + 149 / np.sqrt(2), 100.0 + 149 / np.sqrt(2)], [-150.0, -150.0]])
    np.testing.assert_allclose(points_polygon_distance(pts, SQUARE),
                               [150.0, 149.0, 0.0, 150.0, 149.0, 150.0 * np.sqrt(2)], atol=1e-9)
    assert keep_out_clear(pts, [SQUARE], 150.0).tolist() == [True, False, False, True, False, True]
    assert keep_out_clear(pts, [], 150.0).all()


def _roe(keep_out: float = 150.0) -> RoeState:
    roe = RoeState(Roe(sectors=[Sector(name="all", az_from_deg=0, az_to_deg=360, state="FREE")], keep_out_m=keep_out))
    roe.set("all", "FREE")
    return roe


# One drone 1 400 m north of the gun at 150 m, flying south at 40 m/s, aimed at an asset behind the gun.
X = np.array([[0.0, 1400.0, 150.0, 0.0, -40.0, 0.0]])


def _picture(t: float = 0.0) -> ThreatPicture:
    return ThreatPicture(t, np.array([7]), X, ("owa_drone",), ("hostile",), np.array([60.0]), np.array([100.0]),
                         np.array([5.0]), np.array([False]))


def _cycle(gun_spec: GunEffector, assets, keep_out: float = 150.0):
    roe = _roe(keep_out)
    fc = FireControl([Gun(gun_spec)], roe, Zones((), ()), assets=assets)
    fc._approved[7] = "operator:test"  # a drone needs approval: given
    return fc.cycle(_picture())


def _aim(gun_spec: GunEffector) -> np.ndarray:
    icp = Gun(gun_spec).intercept(0.0, X, np.array([False]), np.array([60.0]))
    assert icp.feasible[0]
    return icp.aim[0]


def test_intercept_inside_keep_out_is_infeasible():
    spec = GunEffector(name="g", position=[0.0, 0.0, 5.0], min_burst_pk=0.0)
    aim = _aim(spec)
    # An asset 100 m east of the intercept point's ground projection: inside the 150 m keep-out.
    near = SQUARE * 0.2 + [aim[0] + 100.0, aim[1] - 10.0]
    assert points_polygon_distance(aim[None, :2], near)[0] == pytest.approx(100.0)
    assert not [e for e in _cycle(spec, (near,)) if isinstance(e, FireOrder)]
    # The same asset with a smaller keep-out (ROE 90 m), or moved 200 m away: the shot is fired.
    assert [e for e in _cycle(spec, (near,), keep_out=90.0) if isinstance(e, FireOrder)]
    far = near + [100.0, 0.0]
    fires = [e for e in _cycle(spec, (far,)) if isinstance(e, FireOrder)]
    assert len(fires) == 1 and np.allclose(fires[0].aim_enu, aim)
    # The effector's own keep_out_m overrides the ROE's.
    own = spec.model_copy(update={"keep_out_m": 50.0})
    assert [e for e in _cycle(own, (near,)) if isinstance(e, FireOrder)]
    strict = spec.model_copy(update={"keep_out_m": 250.0})
    assert not [e for e in _cycle(strict, (far,)) if isinstance(e, FireOrder)]


def test_gun_fire_sectors_in_schema_feasibility_and_interlocks():
    """The drone is due north of the gun (azimuth 0, elevation ~6 deg at the intercept)."""
    from pydantic import ValidationError

    from bastion.engage.build import fire_sectors, in_sectors, line_of_fire_end
    from bastion.engage.safety import AirPicture, check_fire
    from bastion.scenario.schema import GunSector

    base = GunEffector(name="g", position=[0.0, 0.0, 5.0], min_burst_pk=0.0)
    assert base.fire_sectors is None and fire_sectors(Gun(base)) is None  # default: all round
    aim = _aim(base)
    north = base.model_copy(update={"fire_sectors": [GunSector(az_from_deg=300.0, az_to_deg=30.0)]})
    east = base.model_copy(update={"fire_sectors": [GunSector(az_from_deg=45.0, az_to_deg=135.0)]})
    high = base.model_copy(update={"fire_sectors": [GunSector(el_min_deg=20.0, el_max_deg=85.0)]})
    both = base.model_copy(update={"fire_sectors": [GunSector(az_from_deg=45.0, az_to_deg=135.0),
                                                    GunSector(az_from_deg=350.0, az_to_deg=10.0)]})
    expect = {"base": True, "north": True, "east": False, "high": False, "both": True}
    for name, spec in (("base", base), ("north", north), ("east", east), ("high", high), ("both", both)):
        gun = Gun(spec)
        assert in_sectors(gun, aim[None]).tolist() == [expect[name]], name
        fires = [e for e in _cycle(spec, ()) if isinstance(e, FireOrder)]
        assert bool(fires) == expect[name], name
        # The interlock, given the same sectors, agrees (it is checked last, whatever feasibility said).
        reasons = check_fire(sector_state="FREE", target_identity="hostile", gun_pos=gun.position, aim=aim,
                             self_destruct=line_of_fire_end(gun, aim), zones=Zones((), ()),
                             air=AirPicture(np.zeros((0, 3)), (), ()), sectors=fire_sectors(gun))
        assert (not reasons) == expect[name], (name, reasons)
    with pytest.raises(ValidationError):
        GunSector(el_min_deg=30.0, el_max_deg=10.0)
    with pytest.raises(ValidationError):
        GunSector(az_from_deg=400.0)
    with pytest.raises(ValidationError):
        GunEffector(name="g", position=[0.0, 0.0, 5.0], fire_sectors=[])
    with pytest.raises(ValidationError):
        GunSector(az_from_deg=0.0, bogus=1.0)


def test_laser_beam_past_the_target_is_held_by_an_occupied_corridor():
    """A laser lases a drone 1 km north, 150 m up (line of sight ~8.5 deg); an approach corridor 12-14 km
    north up to 3 km holds an airliner at 1 km. The beam goes on past the drone: at 12 km it is ~1.8 km up,
    inside the corridor (and ~0.8 km from the airliner, outside the 500 m clearance), so fire is held; with
    a 10 km hazard range the beam stops short and the shot is taken; without the corridor too."""
    from bastion.engage.build import build_effector
    from bastion.events import InterlockVeto
    from bastion.scenario.schema import LaserEffector

    corridor = ("approach", np.array([[-20000.0, 12000.0], [20000.0, 12000.0], [20000.0, 14000.0],
                                      [-20000.0, 14000.0]]), 0.0, 3000.0)
    x = np.array([[0.0, 1000.0, 150.0, 0.0, -20.0, 0.0], [0.0, 13000.0, 1000.0, 80.0, 0.0, 0.0]])
    pic = ThreatPicture(0.0, np.array([7, 8]), x, ("owa_drone", "aircraft"), ("hostile", "neutral"),
                        np.array([200.0, np.inf]), np.array([100.0, 0.0]), np.array([5.0, 0.0]),
                        np.array([False, False]))

    def cycle(hazard: float, with_corridor: bool = True):
        spec = LaserEffector(name="l", type="laser", position=[0.0, 0.0, 5.0], hazard_range_m=hazard)
        fc = FireControl([build_effector(spec)], _roe(), Zones((corridor,) if with_corridor else (), ()))
        fc._approved[7] = "operator:test"
        return fc.cycle(pic)

    held = cycle(50_000.0)
    assert not [e for e in held if isinstance(e, FireOrder)]
    assert any(isinstance(e, InterlockVeto) and any("corridor" in r for r in e.reasons) for e in held)
    for out in (cycle(10_000.0), cycle(50_000.0, with_corridor=False)):
        fires = [e for e in out if isinstance(e, FireOrder)]
        assert len(fires) == 1 and fires[0].effector == "l" and fires[0].rounds == 0


def test_a_friend_heard_on_iff_is_protected_even_when_its_track_is_called_hostile():
    """A friendly helicopter whose track broke: its new track has been misjudged a hostile drone, and no
    track holds its IFF reply. The reply itself (60 m off the track) is protected by the interlocks, so the
    gun holds fire; without the reply it would fire; a reply 3 km away does not stop it."""
    from bastion.events import InterlockVeto

    spec = GunEffector(name="g", position=[0.0, 0.0, 5.0], min_burst_pk=0.0)

    def cycle(cooperative):
        fc = FireControl([Gun(spec)], _roe(), Zones((), ()))
        fc._approved[7] = "operator:test"
        pic = ThreatPicture(0.0, np.array([7]), X, ("owa_drone",), ("hostile",), np.array([60.0]),
                            np.array([100.0]), np.array([5.0]), np.array([False]), cooperative=cooperative)
        return fc.cycle(pic)

    reply = (X[:, :3] + [60.0, 0.0, 0.0], ("friend",), np.zeros((1, 3)))
    out = cycle(reply)
    assert not [e for e in out if isinstance(e, FireOrder)]
    vetoes = [e for e in out if isinstance(e, InterlockVeto)]
    assert vetoes and any("friend" in r for r in vetoes[0].reasons)
    assert [e for e in cycle(None) if isinstance(e, FireOrder)]
    far = (X[:, :3] + [3000.0, 0.0, 0.0], ("friend",), np.zeros((1, 3)))
    assert [e for e in cycle(far) if isinstance(e, FireOrder)]
