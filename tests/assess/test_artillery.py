"""Artillery: the howitzer's charges, the crew's choice of charge, the library fit that tells a shell from a
rocket, and a run in which a shell and a rocket are named what they are."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.assess.impact import DEFAULT_BETA
from bastion.assess.launch_fit import ImpactFit, LaunchFitter, RoundFit, combine, kind_log_evidence
from bastion.errors import UserError
from bastion.evaluate.montecarlo import base_scenario
from bastion.evaluate.summary import build_summary, match_tracks
from bastion.events import ClassChanged, IdentityChanged
from bastion.physics.rounds import PRESETS, gun_rounds
from bastion.sim import Simulation
from bastion.track.plots import Plots
from bastion.world.munitions import aim, best_elevation, choose_charge, fly, get_preset

GUN = "howitzer_105mm"
ROCKETS = ("rocket_107mm", "rocket_122mm")
SENSOR = np.array([-120.0, -60.0, 8.0])  # the test base's counter-mortar radar
G0 = 9.80665


def test_the_zones_are_the_guns_muzzle_velocities_rising_to_the_published_one():
    m = PRESETS[GUN]
    assert len(m.charge_speeds_mps) == 7 and m.charge_speeds_mps[-1] == m.launch_speed_mps == 472.0
    assert np.all(np.diff(m.charge_speeds_mps) > 0)
    zone3 = get_preset(f"{GUN}/3")
    assert zone3.launch_speed_mps == m.charge_speeds_mps[2] and zone3.charge == 3 and zone3.beta == m.beta
    # Each zone reaches farther, and no farther than in vacuum (v^2 / g at 45 deg).
    ranges = [best_elevation(get_preset(f"{GUN}/{k}"))[1] for k in range(1, 8)]
    assert np.all(np.diff(ranges) > 0)
    assert all(r < v**2 / G0 for r, v in zip(ranges, m.charge_speeds_mps, strict=True))
    # The assessment's drag prior for an artillery track is the shell's (within 1 %).
    assert DEFAULT_BETA["artillery"] == pytest.approx(m.beta, rel=0.01)
    with pytest.raises(UserError, match="charge 8 out of 1-7"):
        get_preset(f"{GUN}/8")
    with pytest.raises(UserError, match="one charge only"):
        get_preset("mortar_81mm/2")


@pytest.mark.parametrize("distance_m", [2000.0, 4000.0, 6500.0, 8000.0])
def test_the_crew_fires_the_lowest_zone_that_reaches_with_a_fifth_to_spare(distance_m):
    zone = choose_charge(GUN, distance_m)
    reach = [best_elevation(get_preset(f"{GUN}/{k}"))[1] for k in range(1, 8)]
    assert 0.8 * reach[zone - 1] >= distance_m
    assert zone == 1 or 0.8 * reach[zone - 2] < distance_m
    # Laid on the low branch, well short of the zone's best elevation.
    _, el = aim(f"{GUN}/{zone}", (0.0, 0.0, 0.0), (0.0, distance_m, 0.0))
    assert el < best_elevation(get_preset(f"{GUN}/{zone}"))[0] - math.radians(5.0)


def _doppler_plots(flight, times, rng, sd=(30.0, 30.0, 20.0), rr_sd=1.0):
    """Noisy plots of ``flight`` at ``times`` (s after launch) with the range rate seen from ``SENSOR``."""
    idx = np.array([int(np.argmin(np.abs(flight.t - t))) for t in times])
    d = flight.pos[idx] - SENSOR
    rr = np.einsum("ni,ni->n", d, flight.vel[idx]) / np.linalg.norm(d, axis=1) + rng.normal(size=idx.size) * rr_sd
    pos = flight.pos[idx] + rng.normal(size=(idx.size, 3)) * np.asarray(sd)
    cov = np.repeat(np.diag(np.square(sd))[None], idx.size, axis=0)
    return Plots.of(flight.t[idx] + 50.0, pos, cov, rr, rr_sd**2, SENSOR)


@pytest.mark.parametrize(("name", "distance_m"), [(GUN, 3500.0), (GUN, 6500.0), ("rocket_107mm", 5000.0),
                                                  ("rocket_122mm", 4500.0)])
def test_the_library_fit_tells_a_shell_from_a_rocket_within_six_seconds_of_flight(name, distance_m):
    """Plots of the first 6 s of flight, as the counter-mortar radar gives them (30 m, 1 m/s): the true kind's
    rounds fit, the other kind's do not, for three noise draws each."""
    rounds = ROCKETS + gun_rounds()
    kind = PRESETS[name].kind
    other = "rocket" if kind == "artillery" else "artillery"
    fired = f"{name}/{choose_charge(name, distance_m)}" if kind == "artillery" else name
    rng = np.random.default_rng(17)
    for _ in range(3):
        launch = np.array([distance_m * math.sin(b := rng.uniform(0, 2 * math.pi)), distance_m * math.cos(b), 0.0])
        az, el = aim(fired, launch, (0.0, 0.0, 0.0))
        flight = fly(fired, launch, az, el, dt=0.01)
        fitter = LaunchFitter(rounds)
        for end in (3.0, 4.5, 6.0):  # the track grows, and is refitted from its last fit
            fit = fitter.update(1, _doppler_plots(flight, np.arange(0.6, end + 1e-9, 0.5), rng))
        ev = kind_log_evidence(fit, rounds)
        assert np.isfinite(ev[kind]) and ev[kind] - ev[other] > 12.0
        # The fit's launcher is where the round was fired from.
        assert np.linalg.norm(fit.origin - launch[:2]) < 4.0 * math.sqrt(np.max(np.linalg.eigvalsh(fit.origin_cov)))


def _fake_fit(name: str, log_evidence: float, consistent: bool) -> RoundFit:
    return RoundFit(round=name, theta=np.zeros(5), cov=np.eye(5), chi2=1.0 if consistent else 1e6, dof=10,
                    n_plots=5, impact=np.zeros(2), t_impact=0.0, impact_cov=np.eye(2), t_impact_sd=0.0,
                    log_evidence=log_evidence)


def test_a_kinds_evidence_is_the_mean_likelihood_of_its_rounds_by_hand():
    rounds = ("rocket_107mm", "rocket_122mm", "howitzer_105mm/1", "howitzer_105mm/2", "howitzer_105mm/3")
    fits = (_fake_fit("rocket_107mm", -10.0, True), _fake_fit("rocket_122mm", -30.0, False),
            _fake_fit("howitzer_105mm/1", -12.0, True), _fake_fit("howitzer_105mm/2", -11.0, True))
    combined = ImpactFit(np.zeros(2), 0.0, np.eye(2), 0.0, np.zeros(2), np.eye(2), 0.0, {}, fits)
    ev = kind_log_evidence(combined, rounds)
    # Rockets: (e^-10 + 0) / 2 (the inconsistent fit counts as nothing); shells: (e^-12 + e^-11 + 0) / 3.
    assert ev["rocket"] == pytest.approx(-10.0 - math.log(2.0), abs=1e-12)
    assert ev["artillery"] == pytest.approx(math.log((math.exp(-12.0) + math.exp(-11.0)) / 3.0), abs=1e-12)
    none_fit = ImpactFit(np.zeros(2), 0.0, np.eye(2), 0.0, np.zeros(2), np.eye(2), 0.0, {}, fits[:2])
    assert kind_log_evidence(none_fit, rounds)["artillery"] == -np.inf


def test_the_mixture_weighs_each_kind_alike_and_each_round_of_a_kind_alike_by_hand():
    """One rocket and three charges fit equally well (evidence -10), the other rocket not at all: by kind,
    as :func:`kind_log_evidence` weighs them, rockets have the mean likelihood L / 2 and shells 3 L / 3, so the
    rocket weighs 1/3 and each charge 2/9; round by round, 1/4 each. The mixture's impact is the weighted
    mean of the fits' impacts."""
    rounds = ("rocket_107mm", "rocket_122mm", "howitzer_105mm/1", "howitzer_105mm/2", "howitzer_105mm/3")
    fits = [_fake_fit(name, -10.0, True) for name in ("rocket_107mm", *rounds[2:])]
    for f, x in zip(fits, (0.0, 600.0, 1200.0, 1800.0), strict=True):
        f.impact[:] = (x, 0.0)
    fits.append(_fake_fit("rocket_122mm", -10.0, False))
    by_kind = combine(fits, rounds)
    assert by_kind.weights == pytest.approx({"rocket_107mm": 1 / 3, "howitzer_105mm/1": 2 / 9,
                                             "howitzer_105mm/2": 2 / 9, "howitzer_105mm/3": 2 / 9})
    assert by_kind.impact[0] == pytest.approx((600.0 + 1200.0 + 1800.0) * 2.0 / 9.0)
    by_round = combine(fits)
    assert list(by_round.weights.values()) == pytest.approx([0.25] * 4)
    assert by_round.impact[0] == pytest.approx(900.0)


def _objects() -> list[dict]:
    return [
        {"kind": "artillery", "name": "shell", "launch": [5200.0, 3000.0, 0.0], "target": [0.0, 0.0, 0.0],
         "t_launch_s": 5.0},
        {"kind": "rocket", "name": "rocket", "preset": "rocket_107mm", "launch": [-4500.0, 2500.0, 0.0],
         "target": [300.0, -200.0, 0.0], "t_launch_s": 8.0},
    ]


@pytest.fixture(scope="module")
def run():
    scenario = base_scenario("artillery", 23, 50.0, _objects())
    res = Simulation(scenario).run()
    owner = match_tracks(res.world, res.events)
    kinds = {tid: res.world.objects[i].kind for tid, i in owner.items()}
    return scenario, res, kinds


def test_a_shell_is_named_artillery_and_hostile_and_the_rocket_stays_a_rocket(run):
    scenario, res, kinds = run
    classes = {k: [(e.t, e.track_class) for e in res.events if isinstance(e, ClassChanged)
                   and kinds.get(e.track_id) == k] for k in ("artillery", "rocket")}
    assert classes["artillery"] and classes["artillery"][-1][1] == "artillery"
    assert all(c == "rocket" for _, c in classes["rocket"]) and classes["rocket"]
    assert any(e.identity == "hostile" for e in res.events
               if isinstance(e, IdentityChanged) and kinds.get(e.track_id) == "artillery")
    summary = build_summary(scenario, res.world, res.events, res.first_detection, scenario.seed)
    shell = next(o for o in summary["objects"] if o["id"] == "shell")
    # Named within 5 s of its track's confirmation (the goal), and its impact predicted 10 s out
    # within the goal's 50 m; the summary names the charge it was fired with (6,100 m: zone 5).
    assert shell["class_correct_after_confirm_s"] is not None and shell["class_correct_after_confirm_s"] <= 5.0
    assert shell["impact_prediction_error_m"]["10"] is not None and shell["impact_prediction_error_m"]["10"] <= 50.0
    assert shell["munition"] == f"{GUN}/{choose_charge(GUN, math.hypot(5200.0, 3000.0))}"
    assert next(o for o in summary["objects"] if o["id"] == "rocket")["munition"] == "rocket_107mm"


def test_an_artillery_object_with_a_charge_the_gun_lacks_or_a_gunless_preset_is_refused():
    bad = _objects()[:1]
    bad[0]["charge"] = 9
    with pytest.raises(UserError, match=r"objects\[0\].*charge 9: howitzer_105mm has zones 1-7"):
        base_scenario("bad", 1, 30.0, bad)
    bad[0].pop("charge")
    bad[0]["preset"] = "mortar_81mm"
    with pytest.raises(UserError, match=r"objects\[0\].*not a gun's round"):
        base_scenario("bad", 1, 30.0, bad)
