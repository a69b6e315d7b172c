"""Turn-rate fit: each class's rms horizontal turn rate, fitted to the tracker's estimates on dense runs,
beside the figures the classifier uses.

The classifier (``bastion.assess.classify``, ``TURN_RATE_DEG_S``) takes the coordinated-turn model's
turn-rate estimate w (rad/s) with its standard deviation s as w ~ N(0, s^2 + tau_c^2), tau_c the class's
rms true turn rate in slow flight (horizontal speed in ``TURN_SPEED_MPS``). This script reproduces those
figures: it runs the benchmark's dense mix (``assess_warn.DENSE``) on seeds that the assessment benchmark
does not use (7000 on), takes every pictured track's estimate at every decision cycle, ties each track to
the object it followed (``bastion.evaluate.summary.match_tracks``), and fits tau_c by maximum likelihood.
It also prints what one cycle of the classifier's turn-rate evidence says, on average, for quadcopter
against bird on the tracks of each class (positive: towards quadcopter).

    python benchmarks/turn_rate_fit.py [--quick] [--seeds N] [--first-seed S] [--workers W] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench_args import non_negative_int, positive_int  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assess_warn import DENSE  # noqa: E402
from bastion.assess.classify import CLASSES, TURN_RATE_DEG_S, TURN_SPEED_MPS, Classifier  # noqa: E402
from bastion.evaluate.montecarlo import build_scenario, tracker_config_for  # noqa: E402
from bastion.evaluate.summary import match_tracks  # noqa: E402
from bastion.events import TrackPicture  # noqa: E402
from bastion.sim import Simulation  # noqa: E402
from machine import machine  # noqa: E402


def samples(seed: int) -> dict[str, np.ndarray]:
    """Class -> (K, 2) turn-rate estimates and their sd (rad/s) of the tracks in slow horizontal flight at
    every decision cycle of one dense run."""
    scenario = build_scenario(seed, DENSE)
    sim = Simulation(scenario, seed, tracker_config_for(()))
    rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def on_event(ev) -> None:
        if not isinstance(ev, TrackPicture) or not ev.track_ids:
            return
        tab = sim.engine.tracker.table
        ids = np.array(ev.track_ids, np.int64)
        omega, sd = sim.engine.tracker.turn_rates(tab.index_of(ids))  # pictured tracks are live
        v = np.asarray(ev.states, float)[:, 3:5]
        speed = np.hypot(v[:, 0], v[:, 1])
        ok = (speed >= TURN_SPEED_MPS[0]) & (speed <= TURN_SPEED_MPS[1]) & np.isfinite(omega)
        rows.append((ids[ok], omega[ok], sd[ok]))

    result = sim.run(on_event=on_event)
    owner = match_tracks(result.world, result.events)
    kind = {o.index: o.kind for o in result.world.objects}
    out: dict[str, list[np.ndarray]] = {}
    for ids, omega, sd in rows:
        for tid, w, s in zip(ids.tolist(), omega, sd, strict=True):
            if tid in owner:
                out.setdefault(kind[owner[tid]], []).append(np.array([w, s]))
    return {k: np.array(v) for k, v in out.items()}


def fit_tau(omega: np.ndarray, sd: np.ndarray) -> float:
    """Maximum-likelihood rms true turn rate (rad/s) of w ~ N(0, sd^2 + tau^2)."""
    def nll(log_tau: float) -> float:
        var = sd**2 + np.exp(2.0 * log_tau)
        return float(np.mean(0.5 * omega**2 / var + 0.5 * np.log(var)))
    return float(np.exp(minimize_scalar(nll, bounds=(-9.0, 1.0), method="bounded").x))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1 seed")
    ap.add_argument("--seeds", type=positive_int, default=None, help="number of runs (default 4)")
    ap.add_argument("--first-seed", type=non_negative_int, default=7000)
    ap.add_argument("--workers", type=positive_int, default=2)
    ap.add_argument("--json", default=None, help="write the figures here")
    args = ap.parse_args(argv)
    n = args.seeds or (1 if args.quick else 4)
    seeds = list(range(args.first_seed, args.first_seed + n))
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max(args.workers, 1)) as ex:
        parts = list(ex.map(samples, seeds))
    by_class: dict[str, np.ndarray] = {}
    for part in parts:
        for k, a in part.items():
            by_class[k] = np.vstack([by_class[k], a]) if k in by_class else a
    clf = Classifier()
    qi, bi = CLASSES.index("quadcopter"), CLASSES.index("bird")
    table = []
    for k in CLASSES:
        a = by_class.get(k)
        if a is None or len(a) < 50:
            table.append({"class": k, "samples": 0 if a is None else len(a), "fitted_deg_s": None,
                          "classifier_deg_s": TURN_RATE_DEG_S[k], "llr_quad_bird": None})
            continue
        speed = np.full(len(a), 10.0)  # inside TURN_SPEED_MPS: the samples were taken there
        ll = clf.turn_loglik(speed, a[:, 0], a[:, 1])
        table.append({"class": k, "samples": len(a), "fitted_deg_s": float(np.degrees(fit_tau(a[:, 0], a[:, 1]))),
                      "classifier_deg_s": TURN_RATE_DEG_S[k], "llr_quad_bird": float(np.mean(ll[:, qi] - ll[:, bi]))})
    res = {"seeds": seeds, "seconds": time.perf_counter() - t0, "machine": machine(),
           "date_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "classes": table}
    m = res["machine"]
    print(f"Turn-rate fit on {n} dense runs (seeds {seeds[0]}-{seeds[-1]}), {res['seconds']:.0f} s on {m['cpu']} "
          f"({m['cores']} cores), Python {m['python']}, NumPy {m['numpy']}, {res['date_utc']}")
    print()
    print("| class | samples (track cycles) | fitted rms turn rate (deg/s) | classifier's figure (deg/s) "
          "| mean turn evidence per cycle, quadcopter vs bird |")
    print("|---|---:|---:|---:|---:|")
    for r in table:
        fit = "-" if r["fitted_deg_s"] is None else f"{r['fitted_deg_s']:.1f}"
        llr = "-" if r["llr_quad_bird"] is None else f"{r['llr_quad_bird']:+.2f}"
        print(f"| {r['class']} | {r['samples']} | {fit} | {r['classifier_deg_s']:.0f} | {llr} |")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
