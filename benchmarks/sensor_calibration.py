"""Sensor calibration: each sensor preset's Monte Carlo probability of detection against range, beside its
closed-form model, plus the radars' false-alarm statistics.

Sensors (presets in ``bastion.sense``): the counter-mortar radar, the 3-D drone surveillance radar, the
infrared and visible cameras (day and night) and the RF detector. Targets take their signatures from
``bastion.world.signatures`` (median RCS, critical dimension) and ``bastion.world.munitions`` (munition RCS).
For each sensor/target pair the Monte Carlo runs one scan over ``n`` independent copies of the target at
each range (inside the field of view) and counts detections; ``z`` is (measured - formula) / binomial
standard error, which should stay within +/-4. The formulas:

- radar (Swerling 1): Pd = Pfa^(1/(1+S)), S = S_ref (sigma/sigma_ref) (R_ref/R)^4
- EO/IR (Johnson / TTPF): N = k d / (2 R IFOV) cycles, Pd = x^E/(1+x^E), x = N/N50, E = 2.7 + 0.7 x
- RF (log-normal shadowing): Pd = pd_max Phi(10 n log10(R50/R) / sigma_dB)

and Pd = 0 outside the instrumented range (range_min..range_max). The R50 column is the closed-form range
of Pd 0.5 before that cut; the ranges probed are fractions of min(1.7 R50, range_max).

    python benchmarks/sensor_calibration.py [--quick] [--json FILE] [--markdown]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
from scipy.special import expit, ndtr

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bastion.sense.eoir import infrared_camera, visible_camera  # noqa: E402
from bastion.sense.radar import counter_mortar_radar, drone_surveillance_radar  # noqa: E402
from bastion.sense.rf import rf_detector  # noqa: E402
from bastion.world.munitions import PRESETS  # noqa: E402
from bastion.world.signatures import SIGNATURES  # noqa: E402
from machine import machine  # noqa: E402

Z_LIMIT = 4.0
# Ranges probed: fractions of min(1.7 R50, range_max), R50 the closed-form range of Pd 0.5.
RANGE_FRACTIONS = (0.25, 0.45, 0.65, 0.85, 1.0)
AZ, EL = math.radians(30.0), math.radians(5.0)  # bearing of the probe targets (inside every field of view)


def _positions(sensor_pos: np.ndarray, r: float, n: int) -> np.ndarray:
    d = np.array([r * math.cos(EL) * math.sin(AZ), r * math.cos(EL) * math.cos(AZ), r * math.sin(EL)])
    return np.tile(sensor_pos + d, (n, 1))


# --- independent closed forms (written out here, not taken from the models) ----------------------------
def radar_formula(m, rcs: float, r: float) -> float:
    if not m.range_min <= r <= m.range_max:
        return 0.0  # outside the instrumented range
    s_ref = math.log(m.pfa) / math.log(m.ref_pd) - 1.0
    s = s_ref * (rcs / m.ref_rcs) * (m.ref_range / r) ** 4
    return m.pfa ** (1.0 / (1.0 + s))


def radar_r50(m, rcs: float) -> float:
    s_ref = math.log(m.pfa) / math.log(m.ref_pd) - 1.0
    s50 = math.log(m.pfa) / math.log(0.5) - 1.0
    return m.ref_range * (rcs / m.ref_rcs * s_ref / s50) ** 0.25


def eoir_formula(c, size: float, r: float, night: bool) -> float:
    if not c.range_min <= r <= c.range_max:
        return 0.0
    k = c.illumination_factor(night)
    x = k * size / (2.0 * r * c.ifov) / c.n50
    return float(expit((2.7 + 0.7 * x) * math.log(x)))


def rf_formula(d, r: float) -> float:
    if r > d.range_max:
        return 0.0
    return d.pd_max * float(ndtr(10.0 * d.path_loss_exponent * math.log10(d.range_50 / r) / d.shadow_sigma_db))


def cases():
    """(sensor label, target label, scan(r, n, rng) -> detected count, formula(r), R50 (m), range_max (m))."""
    cmr, dr = counter_mortar_radar(), drone_surveillance_radar()
    ir, vis, rf = infrared_camera(), visible_camera(), rf_detector()

    def radar_case(label, m, target, rcs):
        def scan(r, n, rng):
            pos = _positions(m.position, r, n)
            _, truth = m.scan(0.0, pos, np.zeros_like(pos), np.full(n, rcs), np.ones(n, bool), rng)
            return int(np.count_nonzero(truth >= 0))
        return (label, f"{target} ({rcs:g} m^2)", scan, lambda r: radar_formula(m, rcs, r), radar_r50(m, rcs),
                m.range_max)

    def eoir_case(label, c, target, size, night):
        def scan(r, n, rng):
            pos = _positions(c.position, r, n)
            _, truth = c.scan(0.0, pos, np.zeros_like(pos), np.full(n, size), np.ones(n, bool), rng, night=night)
            return int(np.count_nonzero(truth >= 0))
        k = c.illumination_factor(night)
        return (f"{label} ({'night' if night else 'day'})", f"{target} ({size:g} m)", scan,
                lambda r: eoir_formula(c, size, r, night), k * size / (2.0 * c.ifov * c.n50), c.range_max)

    def rf_case(linked: bool):
        def scan(r, n, rng):
            pos = _positions(rf.position, r, n)
            _, truth = rf.scan(0.0, pos, np.zeros_like(pos), np.full(n, linked), np.ones(n, bool), rng)
            return int(np.count_nonzero(truth >= 0))
        return ("rf-detector", "remotely piloted drone" if linked else "autonomous drone", scan,
                (lambda r: rf_formula(rf, r)) if linked else (lambda r: 0.0), rf.range_50, rf.range_max)

    quad, owa, bird = SIGNATURES["quadcopter"], SIGNATURES["owa_drone"], SIGNATURES["bird"]
    return [
        radar_case("counter-mortar radar", cmr, "mortar_81mm", PRESETS["mortar_81mm"].rcs_m2),
        radar_case("counter-mortar radar", cmr, "mortar_120mm", PRESETS["mortar_120mm"].rcs_m2),
        radar_case("counter-mortar radar", cmr, "rocket_122mm", PRESETS["rocket_122mm"].rcs_m2),
        radar_case("drone radar", dr, "quadcopter", quad.rcs_median_m2),
        radar_case("drone radar", dr, "owa_drone", owa.rcs_median_m2),
        radar_case("drone radar", dr, "bird", round(bird.rcs_median_m2, 5)),
        eoir_case("ir-camera", ir, "quadcopter", quad.critical_dimension_m, False),
        eoir_case("ir-camera", ir, "quadcopter", quad.critical_dimension_m, True),
        eoir_case("eo-camera", vis, "quadcopter", quad.critical_dimension_m, False),
        eoir_case("eo-camera", vis, "quadcopter", quad.critical_dimension_m, True),
        eoir_case("ir-camera", ir, "owa_drone", owa.critical_dimension_m, True),
        rf_case(True),
        rf_case(False),
    ]


def calibrate(n: int, seed: int = 2026) -> list[dict]:
    """One row per (sensor, target, range)."""
    rows = []
    ss = np.random.SeedSequence(seed)
    for sensor, target, scan, formula, r50, r_max in cases():
        for f in RANGE_FRACTIONS:
            r = f * min(1.7 * r50, r_max)
            rng = np.random.default_rng(ss.spawn(1)[0])
            k = scan(r, n, rng)
            p = formula(r)
            se = math.sqrt(max(p * (1.0 - p), 1e-12) / n)
            z = (k / n - p) / se
            rows.append({"sensor": sensor, "target": target, "range_m": r, "r50_m": r50, "n": n,
                         "pd_measured": k / n, "pd_formula": p, "z": z, "within": abs(z) <= Z_LIMIT})
    return rows


def false_alarms(scans: int, seed: int = 7) -> list[dict]:
    """Poisson check of each radar preset's false-alarm count per scan (mean and variance)."""
    out = []
    rng = np.random.default_rng(seed)
    empty = np.zeros((0, 3))
    for m in (counter_mortar_radar(), drone_surveillance_radar()):
        counts = np.array([len(m.scan(0.0, empty, empty, np.zeros(0), np.zeros(0, bool), rng)[0])
                           for _ in range(scans)])
        lam = m.false_alarms_per_scan
        out.append({"sensor": m.name, "rate": lam, "scans": scans, "mean": float(counts.mean()),
                    "variance": float(counts.var(ddof=1)),
                    "z_mean": float((counts.mean() - lam) / math.sqrt(lam / scans)),
                    "z_variance": float((counts.var(ddof=1) - lam) / math.sqrt((lam + 2 * lam**2) / scans))})
    return out


def markdown(rows: list[dict], fa: list[dict], meta: dict) -> str:
    lines = ["| sensor | target | R50 formula (m) | range (m) | Pd measured | Pd formula | z |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['sensor']} | {r['target']} | {r['r50_m']:.0f} | {r['range_m']:.0f} | "
                     f"{r['pd_measured']:.3f} | {r['pd_formula']:.3f} | {r['z']:+.2f} |")
    lines += ["", "| radar | false alarms / scan (set) | scans | mean | variance | z (mean) | z (variance) |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for f in fa:
        lines.append(f"| {f['sensor']} | {f['rate']:g} | {f['scans']} | {f['mean']:.3f} | {f['variance']:.3f} | "
                     f"{f['z_mean']:+.2f} | {f['z_variance']:+.2f} |")
    m = meta["machine"]
    lines += ["", f"{meta['n']} Monte Carlo targets per range; all |z| <= {Z_LIMIT:g}: "
              f"{'yes' if meta['all_within'] else 'NO'}. Total {meta['seconds']:.1f} s on {m['cpu']} "
              f"({m['cores']} cores), Python {m['python']}, NumPy {m['numpy']}, {meta['date_utc']}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1,000 targets per range instead of 10,000")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = ap.parse_args(argv)
    n = 1_000 if args.quick else 10_000
    t0 = time.perf_counter()
    rows = calibrate(n)
    fa = false_alarms(500 if args.quick else 5_000)
    all_within = all(r["within"] for r in rows) and all(
        abs(f["z_mean"]) <= Z_LIMIT and abs(f["z_variance"]) <= Z_LIMIT for f in fa)
    meta = {"benchmark": "sensor_calibration", "date_utc": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "n": n, "seconds": time.perf_counter() - t0, "machine": machine(), "z_limit": Z_LIMIT,
            "all_within": all_within}
    if args.markdown:
        print(markdown(rows, fa, meta))
    else:
        print(f"{'sensor':<22} {'target':<30} {'range m':>8} {'Pd meas':>8} {'Pd form':>8} {'z':>6}")
        for r in rows:
            print(f"{r['sensor']:<22} {r['target']:<30} {r['range_m']:8.0f} {r['pd_measured']:8.3f} "
                  f"{r['pd_formula']:8.3f} {r['z']:+6.2f}")
        for f in fa:
            print(f"{f['sensor']}: false alarms/scan set {f['rate']:g}, mean {f['mean']:.3f}, "
                  f"variance {f['variance']:.3f} over {f['scans']} scans")
        print(f"all within |z| <= {Z_LIMIT:g}: {'yes' if all_within else 'NO'}; {meta['seconds']:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "pd": rows, "false_alarms": fa}, indent=2) + "\n")
    return 0 if all_within else 1


if __name__ == "__main__":
    raise SystemExit(main())
