"""Bastion's tracker against Stone Soup on the very same detection files: ms per scan and mean GOSPA.

    python benchmarks/track_vs_stonesoup.py            # full table (several minutes; Stone Soup is slow)
    python benchmarks/track_vs_stonesoup.py --quick    # small cases, about a minute
    python benchmarks/track_vs_stonesoup.py --json FILE

Each case is generated (``bastion.evaluate.trackgen``), written as a ``c2-scenario-jsonl`` file and read
back; both trackers run on what was read, write ``c2-tracks-jsonl`` files, and the tracks files are scored
against the truth with GOSPA (c = 10 m, p = 1, alpha = 2), mean over the scans both trackers ran. Times
are the wall time of each tracker's per-scan call only (no file I/O), on one pinned core with
single-threaded BLAS.

Stone Soup's configuration is its standard multi-target tracker for this problem: ``MultiTargetTracker``
with a Kalman predictor (nearly constant velocity per axis) and Kalman updater (linear Cartesian
measurement, the file's sigma), a ``DistanceHypothesiser`` with the Mahalanobis measure gating at the
same chi-square probability as Bastion, ``GNNWith2DAssignment``, a ``MultiMeasurementInitiator``
(3 points to confirm, like Bastion's 3-of-4; velocity prior = the file's top speed) and an
``UpdateTimeStepsDeleter`` (3 missed scans, like Bastion). Its process noise density is tuned for it on
a separate calibration scenario (the value with the best GOSPA), so it is not handicapped by ours.
"""

from __future__ import annotations

import os

# One core, single-threaded BLAS, before NumPy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy.stats import chi2  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bastion.commands.track import exchange_config, track_scenario  # noqa: E402
from bastion.evaluate.gospa import gospa  # noqa: E402
from bastion.evaluate.trackgen import GenConfig, generate  # noqa: E402
from bastion.interop.tracking_jsonl import (  # noqa: E402
    Scenario,
    TrackScan,
    read_scenario,
    read_tracks,
    write_scenario,
    write_tracks,
)

GOSPA_C, GOSPA_P, GOSPA_ALPHA = 10.0, 1.0, 2.0


def run_stonesoup(scenario: Scenario, q: float, n_scans: int | None = None,
                  timings: list[float] | None = None,
                  cpu_timings: list[float] | None = None) -> list[TrackScan]:
    """Stone Soup's standard GNN multi-target tracker over the first ``n_scans`` scans."""
    from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
    from stonesoup.deleter.time import UpdateTimeStepsDeleter
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.initiator.simple import MultiMeasurementInitiator
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.tracker.simple import MultiTargetTracker
    from stonesoup.types.detection import Detection
    from stonesoup.types.state import GaussianState, StateVector
    from stonesoup.updater.kalman import KalmanUpdater

    cfg = scenario.header["config"]
    sigma = scenario.sigma
    vmax = float(cfg["max_speed"])
    gate = float(np.sqrt(chi2.ppf(exchange_config(scenario.header).gate_prob, 3)))
    transition = CombinedLinearGaussianTransitionModel([ConstantVelocity(q)] * 3)
    measurement = LinearGaussian(ndim_state=6, mapping=(0, 2, 4), noise_covar=np.eye(3) * sigma**2)
    predictor = KalmanPredictor(transition)
    updater = KalmanUpdater(measurement)
    hypothesiser = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=gate)
    associator = GNNWith2DAssignment(hypothesiser)
    prior = GaussianState(StateVector([0.0] * 6), np.diag([0.0, vmax**2] * 3))
    initiator = MultiMeasurementInitiator(
        prior_state=prior, measurement_model=measurement,
        deleter=UpdateTimeStepsDeleter(time_steps_since_update=2),
        data_associator=GNNWith2DAssignment(
            DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=gate)),
        updater=updater, min_points=3)
    deleter = UpdateTimeStepsDeleter(time_steps_since_update=3)
    tracker = MultiTargetTracker(initiator=initiator, deleter=deleter, detector=None,
                                 data_associator=associator, updater=updater)
    epoch = datetime.datetime(2026, 1, 1)
    scans = scenario.scans[:n_scans] if n_scans else scenario.scans
    track_ids: dict[int, int] = {}
    out = []
    for scan in scans:
        stamp = epoch + datetime.timedelta(seconds=scan.t)
        # Detection objects are built before the clock starts: only the tracker's work is timed.
        dets = {Detection(StateVector(row), timestamp=stamp, measurement_model=measurement)
                for row in scan.detections}
        c0 = time.process_time()
        t0 = time.perf_counter()
        _, tracks = tracker.update_tracker(stamp, dets)
        t1 = time.perf_counter()
        if timings is not None:
            timings.append(t1 - t0)
        if cpu_timings is not None:
            cpu_timings.append(time.process_time() - c0)
        rows = []
        for tr in tracks:
            sv = np.asarray(tr.state_vector, dtype=float).ravel()
            tid = track_ids.setdefault(id(tr), len(track_ids) + 1)
            rows.append([tid, sv[0], sv[2], sv[4], sv[1], sv[3], sv[5]])
        out.append(TrackScan(scan.scan, scan.t, np.asarray(rows, dtype=float).reshape(-1, 7)))
    return out


def score(tracks_path: Path, scenario: Scenario, n_scans: int) -> dict:
    """Mean GOSPA (and its parts) of a tracks file over the first n_scans scans of its scenario."""
    header, tscans = read_tracks(tracks_path)
    if header["scenario_sha256"] != scenario.sha256:
        raise RuntimeError(f"{tracks_path} was not computed on this scenario")
    res = [gospa(ts.tracks[:, 1:4], sc.truth[:, 1:4], GOSPA_C, GOSPA_P, GOSPA_ALPHA)
           for ts, sc in zip(tscans[:n_scans], scenario.scans[:n_scans], strict=True)]
    return {
        "gospa": float(np.mean([r.distance for r in res])),
        "missed": float(np.mean([r.n_missed for r in res])),
        "false": float(np.mean([r.n_false for r in res])),
        "loc_per_target": float(np.sum([r.localisation for r in res])
                                / max(1, sum(len(sc.truth) - r.n_missed
                                             for r, sc in zip(res, scenario.scans, strict=False)))),
    }


def tune_stonesoup_q(seed: int, quick: bool) -> tuple[float, dict]:
    """Stone Soup's best process noise density on a calibration scenario (not the benchmark ones)."""
    gen = GenConfig(n_targets=30, clutter_per_scan=15.0, n_scans=25 if quick else 50)
    scen = generate(gen, seed=seed + 1000)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calib.jsonl"
        write_scenario(path, scen.header, scen.scans)
        scen = read_scenario(path)
        for q in (0.05, 0.25, 1.0, 4.0) if quick else (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0):
            res = run_stonesoup(scen, q)
            res_path = Path(tmp) / "ss.jsonl"
            write_tracks(res_path, {"name": "stonesoup"}, scen.sha256, res)
            results[q] = score(res_path, scen, len(scen.scans))["gospa"]
    best = min(results, key=results.get)
    return best, results


def run_case(name: str, gen: GenConfig, seed: int, ss_scans: int | None, ss_q: float, outdir: Path) -> dict:
    scen = generate(gen, seed=seed)
    path = outdir / f"{name}.scenario.jsonl"
    write_scenario(path, scen.header, scen.scans)
    scen = read_scenario(path)
    row: dict = {"case": name, "targets": gen.n_targets, "clutter": gen.clutter_per_scan,
                 "scans": len(scen.scans)}
    bt: list[float] = []
    bc: list[float] = []
    row["load_before"] = os.getloadavg()[0]
    b_scans = track_scenario(scen, exchange_config(scen.header), bt, bc)
    b_path = outdir / f"{name}.bastion.tracks.jsonl"
    write_tracks(b_path, {"name": "bastion", "version": "0.1.0"}, scen.sha256, b_scans)
    row["bastion_ms_median"] = 1e3 * float(np.median(bt))
    row["bastion_ms_mean"] = 1e3 * float(np.mean(bt))
    row["bastion_cpu_ms_median"] = 1e3 * float(np.median(bc))
    row["bastion_ms_p90"] = 1e3 * float(np.percentile(bt, 90))
    row["bastion_all"] = score(b_path, scen, len(scen.scans))
    if ss_scans != 0:
        n = min(ss_scans or len(scen.scans), len(scen.scans))
        st: list[float] = []
        sc: list[float] = []
        s_scans = run_stonesoup(scen, ss_q, n, st, sc)
        s_path = outdir / f"{name}.stonesoup.tracks.jsonl"
        write_tracks(s_path, {"name": "stonesoup", "version": _ss_version()}, scen.sha256,
                     s_scans + [TrackScan(s.scan, s.t) for s in scen.scans[n:]])
        row["ss_scans"] = n
        row["ss_ms_median"] = 1e3 * float(np.median(st))
        row["ss_ms_mean"] = 1e3 * float(np.mean(st))
        row["ss_cpu_ms_median"] = 1e3 * float(np.median(sc))
        row["stonesoup"] = score(s_path, scen, n)
        row["bastion"] = score(b_path, scen, n)
        row["speedup"] = row["ss_ms_median"] / row["bastion_ms_median"]
    row["load_after"] = os.getloadavg()[0]
    return row


def _ss_version() -> str:
    import stonesoup

    return stonesoup.__version__


def print_table(rows: list[dict], ss_q: float, tuned: bool = True) -> None:
    how = "tuned" if tuned else "given"
    print(f"\nStone Soup {_ss_version()} process noise q = {ss_q} m^2/s^3 ({how}); "
          "GOSPA c=10 m, p=1, alpha=2")
    head = (f"{'case':<24}{'scans B/SS':>11}{'Bastion ms':>12}{'(CPU ms)':>10}{'SS ms':>11}{'speed-up':>10}"
            f"{'GOSPA B':>10}{'GOSPA SS':>10}{'B all scans':>12}")
    print(head)
    print("-" * len(head))
    for r in rows:
        if "stonesoup" in r:
            print(f"{r['case']:<24}{r['scans']:>6}/{r['ss_scans']:<4}{r['bastion_ms_median']:>12.2f}"
                  f"{r['bastion_cpu_ms_median']:>10.2f}"
                  f"{r['ss_ms_median']:>11.1f}{r['speedup']:>9.0f}x{r['bastion']['gospa']:>10.1f}"
                  f"{r['stonesoup']['gospa']:>10.1f}{r['bastion_all']['gospa']:>12.1f}")
        else:
            print(f"{r['case']:<24}{r['scans']:>6}/{'-':<4}{r['bastion_ms_median']:>12.2f}"
                  f"{r['bastion_cpu_ms_median']:>10.2f}{'-':>11}{'-':>10}"
                  f"{'-':>10}{'-':>10}{r['bastion_all']['gospa']:>12.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small cases only (about a minute)")
    ap.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--outdir", help="keep scenario and tracks files here (default: a temp dir)")
    ap.add_argument("--ss-q", type=float, default=None, help="Stone Soup process noise (skip tuning)")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    if args.quick:
        spec = [(20, 10.0, 30, None), (100, 50.0, 30, 10), (1000, 1000.0, 30, 0)]
    else:
        spec = [(100, 50.0, 100, None), (500, 100.0, 100, 20), (1000, 1000.0, 100, 0)]
    cases = [(f"{n} tgt / {int(c)} clutter", GenConfig(n_targets=n, clutter_per_scan=c, n_scans=s), ss)
             for n, c, s, ss in spec]
    t0 = time.time()
    if args.ss_q is None:
        ss_q, tuning = tune_stonesoup_q(args.seed, args.quick)
        print("Stone Soup q tuning (calibration GOSPA):", {k: round(v, 1) for k, v in tuning.items()})
    else:
        ss_q, tuning = args.ss_q, {}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        outdir = Path(args.outdir) if args.outdir else Path(tmp)
        outdir.mkdir(parents=True, exist_ok=True)
        for name, gen, ss_scans in cases:
            rows.append(run_case(name.replace(" ", "").replace("/", "_"), gen, args.seed, ss_scans, ss_q,
                                 outdir))
            rows[-1]["case"] = name
            print(f"  done {name} ({time.time() - t0:.0f} s)", flush=True)
    print_table(rows, ss_q, tuned=args.ss_q is None)
    if args.json:
        info = {"machine": platform.platform(), "python": platform.python_version(),
                "cpu_count": os.cpu_count(), "date_utc": datetime.datetime.now(datetime.UTC).isoformat(),
                "stonesoup_version": _ss_version(), "stonesoup_q": ss_q,
                "stonesoup_q_tuning": {str(k): v for k, v in tuning.items()}, "cases": rows}
        Path(args.json).write_text(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
