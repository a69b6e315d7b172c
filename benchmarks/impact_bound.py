"""How close the young rocket tracks' impact predictions come to what the radar plots allow at all.

    python benchmarks/impact_bound.py [--quick] [--seeds N] [--velocity-sd FRACTION] [--shells] [--json FILE]

One rocket at a time, fired at the centre of the Monte Carlo test base (``bastion.evaluate.montecarlo``:
its surveillance and counter-mortar radars, no aim error) from the north, for each preset and launch
range; each seed draws other detections and noise. At fixed times after launch the benchmark takes the
engine's latest impact prediction of the rocket's tracks (at most 0.5 s old: the filter's, or the
threat-library fit's on the track's plots where tighter, ``bastion.assess.launch_fit``) and its error
against the true impact point.

The rocket flies with the Monte Carlo raids' round-to-round velocity dispersion (``--velocity-sd``,
default 0.5 %: its exit speed and thrust that factor off the nominal). Beside the errors, the Cramer-Rao
bound on the impact point from the very plots the radars made of that rocket up to that time (each with
its own noise covariance), for an estimator that knows the round's model (its motor and drag), that it
left the ground at the site's height, and no wind, so that only the launch point, azimuth, elevation,
time and the velocity factor are unknown, the last with its Gaussian prior (the Bayesian bound: the
prior's information added to the plots'). No estimator on those plots can have a smaller error on
average, so the ratio of the measured RMS to the bound's is the most any estimator could gain. The bound
for a round whose velocity is known exactly (the fit's model until 2026-12-07) is set beside it.
The threat-library fit is such an estimator, on the plots' positions and the counter-mortar radar's
range rates: run on all those plots (not only the ones the engine's track holds) it shows how near the
bound it comes. The same fit and bound on the positions alone, beside them, show what the range rate is
worth. The bound's 99 % ellipse semi-major axis is set beside the 1 km warning zones: an ellipse that
long touches several zones whatever the estimator.

``--shells`` measures the 105 mm howitzer's shells instead (fired low angle at the crew's charge for the
distance, ``choose_charge``), the bound's round the shell at that charge and the fit the gun's seven
charges, at times after launch that reach the zones' deadlines (a shell's flight at 3-8 km is 14-26 s).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bastion.assess.launch_fit import combine, fit_round, flight_table  # noqa: E402
from bastion.evaluate.montecarlo import Mix, base_scenario  # noqa: E402
from bastion.evaluate.summary import match_tracks  # noqa: E402
from bastion.events import ImpactPredicted  # noqa: E402
from bastion.physics.rounds import (
    PRESETS,  # noqa: E402
    gun_rounds,  # noqa: E402
)
from bastion.scenario.schema import Scenario  # noqa: E402
from bastion.sense.radar import RadarModel  # noqa: E402
from bastion.sim import Simulation  # noqa: E402
from bastion.track.measure import predict_measurement, to_cartesian  # noqa: E402
from bastion.track.plots import Plots  # noqa: E402
from bastion.world.munitions import aim, choose_charge, dispersed, fly  # noqa: E402
from bench_args import non_negative_int, positive_int  # noqa: E402

ROCKETS = tuple(m for m in PRESETS.values() if m.kind == "rocket")
CASES = (("rocket_107mm", 3000.0), ("rocket_107mm", 5000.0), ("rocket_107mm", 7000.0),
         ("rocket_122mm", 4000.0), ("rocket_122mm", 6000.0), ("rocket_122mm", 8000.0))
TIMES_S = (3.0, 4.0, 5.0, 6.0, 8.0)  # after launch
SHELL = "howitzer_105mm"
SHELL_CASES = ((SHELL, 3000.0), (SHELL, 5000.0), (SHELL, 7000.0), (SHELL, 8000.0))
SHELL_TIMES_S = (3.0, 4.0, 6.0, 8.0, 10.0, 12.0)
T_LAUNCH_S = 5.0
MAX_AGE_S = 0.5  # a prediction older than this at the time asked for is not taken
CHI2_2DOF_99 = 9.210340371976184
D_EL_RAD = math.radians(0.01)  # finite-difference step of the elevation
D_VELOCITY = 0.002  # ... and of the velocity factor
VELOCITY_SD = Mix().velocity_sd  # the rockets' default velocity dispersion: the Monte Carlo raids' (0.5 %)
FLY_DT_S = 0.005


def scenario_for(preset: str, range_m: float, seed: int, velocity_sd: float = VELOCITY_SD) -> Scenario:
    """The test base with one rocket (or, for the howitzer's ``"<preset>/<charge>"``, its shell at that
    charge) fired from ``range_m`` north of the centre at it, its velocity dispersed by ``velocity_sd`` (a
    fraction)."""
    flight_s = 60.0 if preset in ("rocket_122mm", SHELL) or preset.startswith(SHELL + "/") else 45.0
    gun, _, charge = preset.partition("/")
    rocket = {"kind": "artillery" if charge else "rocket", "name": "rocket", "preset": gun,
              "launch": [0.0, range_m, 0.0], "target": [0.0, 0.0, 0.0], "t_launch_s": T_LAUNCH_S,
              "aim_error_m": 0.0, "velocity_sd": velocity_sd, **({"charge": int(charge)} if charge else {})}
    return base_scenario(f"impact-bound-{preset}-{int(range_m)}-{seed}", seed, T_LAUNCH_S + flight_s, [rocket])


def run_one(preset: str, range_m: float, seed: int, velocity_sd: float = VELOCITY_SD):
    """(plots, predictions, impact point): the rocket's radar plots as (t, kind, sensor position, z, R),
    the predictions of its tracks as (t, impact east-north), the true impact east-north."""
    scenario = scenario_for(preset, range_m, seed, velocity_sd)
    sim = Simulation(scenario, seed)
    plots = []
    original = RadarModel.scan  # wrapped for this run only, to learn which plots were of the rocket

    def scan(self, t, *args, **kwargs):
        batch, truth = original(self, t, *args, **kwargs)
        for j in np.flatnonzero(truth == 0):
            plots.append((float(batch.time[j]), batch.kind, batch.sensor_pos.copy(), batch.z[j].copy(),
                          batch.R[j].copy()))
        return batch, truth

    RadarModel.scan = scan
    try:
        result = sim.run()
    finally:
        RadarModel.scan = original
    owner = match_tracks(result.world, result.events)
    mine = {tid for tid, obj in owner.items() if obj == 0}
    preds = [(e.t, np.asarray(e.impact_enu[:2])) for e in result.events
             if isinstance(e, ImpactPredicted) and e.track_id in mine]
    rocket = result.world.objects[0]
    return plots, preds, np.asarray(rocket.meta["impact_point"], float)[:2]


def _at(tr, t: float):
    """Position and velocity (3,), (3,) of a trajectory at ``t`` s after launch (linear between samples)."""
    p = np.array([np.interp(t, tr.t, tr.pos[:, i]) for i in range(3)])
    v = np.array([np.interp(t, tr.t, tr.vel[:, i]) for i in range(3)])
    return p, v


class Bound:
    """Cramer-Rao bound of the impact point on the launch parameters (east, north, azimuth, elevation,
    launch time) and the velocity factor of a round of known model, along its nominal flight."""

    def __init__(self, preset: str, range_m: float) -> None:
        self.launch = np.array([0.0, range_m, 0.0])
        az, el = aim(preset, self.launch, [0.0, 0.0, 0.0])
        self.flights = [fly(preset, self.launch, az, el + s * D_EL_RAD, dt=FLY_DT_S) for s in (0.0, 1.0, -1.0)]
        self.velocity_flights = [fly(dispersed(preset, 1.0 + s * D_VELOCITY), self.launch, az, el, dt=FLY_DT_S)
                                 for s in (1.0, -1.0)]
        self.el = el
        tr, trp, trm = self.flights
        (fast, slow) = self.velocity_flights
        di = tr.pos[-1, :2] - self.launch[:2]
        self.J = np.zeros((2, 6))  # impact (east, north) by parameter
        self.J[:, :2] = np.eye(2)
        self.J[0, 2], self.J[1, 2] = di[1], -di[0]  # compass azimuth: d(east)/daz = north, d(north)/daz = -east
        self.J[:, 3] = (trp.pos[-1, :2] - trm.pos[-1, :2]) / (2.0 * D_EL_RAD)
        self.J[:, 5] = (fast.pos[-1, :2] - slow.pos[-1, :2]) / (2.0 * D_VELOCITY)
        self.impact = tr.pos[-1, :2]

    def information(self, t: float, kind: str, sensor_pos: np.ndarray, R: np.ndarray) -> np.ndarray:
        """Fisher information (6, 6) of one plot at ``t`` s after launch."""
        tr, trp, trm = self.flights
        p, v = _at(tr, t)
        G = np.zeros((6, 6))  # state (position, velocity) by parameter
        G[0, 0] = G[1, 1] = 1.0
        d = p - self.launch
        G[0, 2], G[1, 2], G[3, 2], G[4, 2] = d[1], -d[0], v[1], -v[0]
        (pp, vp), (pm, vm) = _at(trp, t), _at(trm, t)
        G[:3, 3], G[3:, 3] = (pp - pm) / (2.0 * D_EL_RAD), (vp - vm) / (2.0 * D_EL_RAD)
        acc = (_at(tr, t + 1e-3)[1] - _at(tr, t - 1e-3)[1]) / 2e-3
        G[:3, 4], G[3:, 4] = -v, -acc  # a later launch: the same flight, shifted
        (pf, vf), (ps, vs) = (_at(f, t) for f in self.velocity_flights)
        G[:3, 5], G[3:, 5] = (pf - ps) / (2.0 * D_VELOCITY), (vf - vs) / (2.0 * D_VELOCITY)
        _, H = predict_measurement(kind, np.concatenate([p, v])[None], sensor_pos)
        H = H[0, :, :6] @ G
        return H.T @ np.linalg.solve(R, H)

    def covariance(self, plots, t_after: float, velocity_sd: float) -> np.ndarray | None:
        """Impact covariance (2, 2) from the plots up to ``t_after`` s after launch, the velocity factor
        with a Gaussian prior of ``velocity_sd`` (0: known exactly; None: too few plots)."""
        F = sum((self.information(t - T_LAUNCH_S, k, s, R) for t, k, s, _, R in plots if t - T_LAUNCH_S <= t_after),
                np.zeros((6, 6)))
        n = 6 if velocity_sd > 0.0 else 5
        F = F[:n, :n]
        if n == 6:
            F[5, 5] += 1.0 / velocity_sd**2
        if np.linalg.matrix_rank(F[:5, :5]) < 5:
            return None
        return self.J[:, :n] @ np.linalg.inv(F) @ self.J[:, :n].T


def positions_only(plots):
    """The plots without their range rate (a Doppler radar's plot as a plain radar's)."""
    return [(t, "radar", s, z[:3], R[:3, :3]) if k == "radar_doppler" else (t, k, s, z, R)
            for t, k, s, z, R in plots]


def fit_all(plots, t_abs: float, library: tuple[str, ...] | None = None):
    """The threat-library fit (``bastion.assess.launch_fit``) to every plot the radars made of the rocket
    up to ``t_abs`` (s): what the engine's fit would give if its track held them all; ``library`` the
    rounds fitted (default the rockets)."""
    mine = [p for p in plots if p[0] <= t_abs]
    if not mine:
        return None
    t = np.array([p[0] for p in mine])
    pos, cov = zip(*(to_cartesian(k, z[None], R[None], s) for _, k, s, z, R in mine), strict=True)
    doppler = np.array([k == "radar_doppler" for _, k, _, _, _ in mine])
    rr = np.array([z[3] if d else np.nan for d, (_, _, _, z, _) in zip(doppler, mine, strict=True)])
    rr_var = np.array([R[3, 3] if d else np.nan for d, (_, _, _, _, R) in zip(doppler, mine, strict=True)])
    plots = Plots.of(t, np.concatenate(pos), np.concatenate(cov), rr, rr_var, np.stack([p[2] for p in mine]))
    library = tuple(m.name for m in ROCKETS) if library is None else library
    return combine([fit_round(flight_table(name), plots) for name in library], library)


def measure(seeds: int, first_seed: int, velocity_sd: float = VELOCITY_SD, shells: bool = False) -> list[dict]:
    rows = []
    cases, times = (SHELL_CASES, SHELL_TIMES_S) if shells else (CASES, TIMES_S)
    library = gun_rounds() if shells else None
    for preset, range_m in cases:
        if shells:  # the crew's charge for the distance, as in the Monte Carlo raids
            preset = f"{preset}/{choose_charge(preset, range_m)}"
        bound = Bound(preset, range_m)
        flight = float(bound.flights[0].t[-1])
        per_time: dict[float, dict[str, list[float]]] = {
            t: {"err": [], "bound_rms": [], "bound_major": [], "fit_err": [], "fit_pos_err": [], "bound_pos_rms": [],
                "bound_known_rms": []}
            for t in times}
        for seed in range(first_seed, first_seed + seeds):
            plots, preds, truth = run_one(preset, range_m, seed, velocity_sd)
            plain = positions_only(plots)
            for t_after in times:
                if t_after >= flight:
                    continue
                t_abs = T_LAUNCH_S + t_after
                held = [p for tp, p in preds if t_abs - MAX_AGE_S <= tp <= t_abs]
                if held:
                    per_time[t_after]["err"].append(float(np.linalg.norm(held[-1] - truth)))
                fit = fit_all(plots, t_abs, library)
                if fit is not None:
                    per_time[t_after]["fit_err"].append(float(np.linalg.norm(fit.impact - truth)))
                fit_pos = fit_all(plain, t_abs, library)
                if fit_pos is not None:
                    per_time[t_after]["fit_pos_err"].append(float(np.linalg.norm(fit_pos.impact - truth)))
                C = bound.covariance(plots, t_after, velocity_sd)
                if C is not None:
                    per_time[t_after]["bound_rms"].append(float(np.sqrt(np.trace(C))))
                    per_time[t_after]["bound_major"].append(float(np.sqrt(np.linalg.eigvalsh(C)[-1])))
                C_known = bound.covariance(plots, t_after, 0.0)
                if C_known is not None:
                    per_time[t_after]["bound_known_rms"].append(float(np.sqrt(np.trace(C_known))))
                C_pos = bound.covariance(plain, t_after, velocity_sd)
                if C_pos is not None:
                    per_time[t_after]["bound_pos_rms"].append(float(np.sqrt(np.trace(C_pos))))
        for t_after in times:
            if t_after >= flight:
                continue
            d = per_time[t_after]
            err = np.asarray(d["err"])
            b_rms = float(np.sqrt(np.mean(np.square(d["bound_rms"])))) if d["bound_rms"] else math.nan
            b_pos = float(np.sqrt(np.mean(np.square(d["bound_pos_rms"])))) if d["bound_pos_rms"] else math.nan
            b_known = float(np.sqrt(np.mean(np.square(d["bound_known_rms"])))) if d["bound_known_rms"] else math.nan
            b_major = float(np.median(d["bound_major"])) if d["bound_major"] else math.nan
            rms = float(np.sqrt(np.mean(err**2))) if err.size else math.nan
            fit_err = np.asarray(d["fit_err"])
            fit_rms = float(np.sqrt(np.mean(fit_err**2))) if fit_err.size else math.nan
            fit_pos_err = np.asarray(d["fit_pos_err"])
            fit_pos_rms = float(np.sqrt(np.mean(fit_pos_err**2))) if fit_pos_err.size else math.nan
            rows.append({
                "preset": preset, "range_m": range_m, "elevation_deg": math.degrees(bound.el), "flight_s": flight,
                "t_after_launch_s": t_after, "seeds": seeds, "predicted": int(err.size),
                "median_err_m": float(np.median(err)) if err.size else math.nan, "rms_err_m": rms,
                "fit_all_plots": int(fit_err.size), "fit_all_rms_m": fit_rms, "bound_rms_m": b_rms,
                "fit_positions_only_rms_m": fit_pos_rms, "bound_positions_only_rms_m": b_pos,
                "bound_velocity_known_rms_m": b_known,
                "ratio": rms / b_rms if err.size and b_rms > 0 else math.nan,
                "bound_99_semi_major_m": math.sqrt(CHI2_2DOF_99) * b_major,
            })
    return rows


def table(rows: list[dict]) -> str:
    out = ["| round | range (km) | elevation (deg) | flight (s) | after launch (s) | predicted | engine median (m) "
           "| engine RMS (m) | fit, all plots: RMS (m) | bound RMS (m) | fit without range rate (m) "
           "| bound without range rate (m) | engine / bound | fit / bound | bound's 99 % semi-major (m) "
           "| bound, velocity known (m) |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        fit_ratio = r["fit_all_rms_m"] / r["bound_rms_m"] if r["bound_rms_m"] > 0 else math.nan
        out.append(f"| {r['preset']} | {r['range_m'] / 1000:.0f} | {r['elevation_deg']:.1f} | {r['flight_s']:.1f} "
                   f"| {r['t_after_launch_s']:.0f} | {r['predicted']}/{r['seeds']} | {r['median_err_m']:.0f} "
                   f"| {r['rms_err_m']:.0f} | {r['fit_all_rms_m']:.0f} | {r['bound_rms_m']:.0f} "
                   f"| {r['fit_positions_only_rms_m']:.0f} | {r['bound_positions_only_rms_m']:.0f} | {r['ratio']:.2f} "
                   f"| {fit_ratio:.2f} | {r['bound_99_semi_major_m']:.0f} | {r['bound_velocity_known_rms_m']:.0f} |")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="4 seeds per case")
    ap.add_argument("--seeds", type=positive_int, default=20, help="seeds per case (default 20)")
    ap.add_argument("--first-seed", type=non_negative_int, default=1)
    ap.add_argument("--velocity-sd", type=float, default=VELOCITY_SD, metavar="FRACTION",
                    help="the rockets' round-to-round velocity dispersion and the bound's prior on it (default "
                    "0.005; 0: nominal rockets, the velocity known)")
    ap.add_argument("--shells", action="store_true", help="the 105 mm howitzer's shells instead of the rockets")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = ap.parse_args(argv)
    seeds = 4 if args.quick else args.seeds
    if seeds < 1:
        ap.error("--seeds must be at least 1")
    if not 0.0 <= args.velocity_sd <= 0.1:
        ap.error("--velocity-sd must be a fraction from 0 to 0.1 (0.005 is 0.5 %)")
    t0 = time.perf_counter()
    rows = measure(seeds, args.first_seed, args.velocity_sd, args.shells)
    wall = time.perf_counter() - t0
    cases, what = (SHELL_CASES, "Shells") if args.shells else (CASES, "Rockets")
    print(f"Runs: {len(cases)} cases x {seeds} seeds (from {args.first_seed}), {wall:.0f} s on "
          f"{platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. {what}' velocity dispersion: "
          f"{100 * args.velocity_sd:g} %.\n")
    print(table(rows))
    print("\nBound: Cramer-Rao on the plots each run's radars made of the rocket, for an estimator that knows "
          "the round's model, its launch height and the (absent) wind, its velocity factor with the dispersion "
          "as prior (velocity known: the same without that parameter); engine / bound is the most any estimator "
          "could gain. Engine: its latest impact prediction (with the threat-library fit on the track's plots). "
          "Fit, all plots: the same fit on every plot the radars made of the rocket, as if one track held them "
          "all (positions and the counter-mortar radar's range rates). Without range rate: the same fit and "
          "bound on the plots' positions alone. Warning zones are 1 x 1 km.")
    if args.json:
        clean = [{k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()}
                 for r in rows]  # NaN (no prediction yet) is not JSON
        args.json.write_text(json.dumps({"rows": clean, "seeds": seeds, "first_seed": args.first_seed,
                                         "elapsed_s": wall, "velocity_sd": args.velocity_sd,
                                         "shells": args.shells}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
