"""`bastion ballistics`: range, flight time, apex and impact speed of a munition preset."""

from __future__ import annotations

import argparse
import json
import math

from bastion.errors import UserError


def register(subparsers) -> None:
    """Add the ``ballistics`` subcommand."""
    p = subparsers.add_parser(
        "ballistics",
        help="fly a rocket or mortar preset and print its range, flight time, apex and impact speed",
        description="Fly a rocket or mortar preset over flat ground from sea level (ICAO atmosphere, no "
        "wind) and print its range, flight time, apex and impact speed.",
    )
    p.add_argument("preset", nargs="?", help="preset name (see --list)")
    p.add_argument("--elevation", metavar="DEG",
                   help="launcher elevation in degrees, or 'best' for the elevation of maximum range")
    p.add_argument("--no-drag", action="store_true", help="fly in vacuum (a rocket still burns its motor)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--list", action="store_true", help="list the presets with their published max range")
    p.set_defaults(func=run)


def _parse_elevation(text: str | None) -> float | None:
    if text is None:
        raise UserError("--elevation DEG (or 'best') is required")
    if text.strip().lower() == "best":
        return None
    try:
        deg = float(text)
    except ValueError:
        raise UserError(f"--elevation: {text!r} is not a number of degrees or 'best'") from None
    if not (0.0 < deg < 90.0) or not math.isfinite(deg):
        raise UserError(f"--elevation: {deg:g} deg is outside (0, 90) degrees")
    return math.radians(deg)


def run(args: argparse.Namespace) -> int:
    """Execute ``bastion ballistics``; returns the exit status."""
    from bastion.world.munitions import PRESETS, best_elevation, fly, get_preset

    if args.list:
        rows = [
            {"preset": m.name, "label": m.label, "kind": m.kind,
             "published_max_range_m": m.max_range_m, "source": m.sources.get("max_range_m", "")}
            for m in PRESETS.values()
        ]
        if args.json:
            print(json.dumps(rows, indent=2))
        else:
            width = max(len(r["preset"]) for r in rows)
            for r in rows:
                print(f"{r['preset']:<{width}}  {r['published_max_range_m']:>8.0f} m  {r['label']}")
        return 0
    if not args.preset:
        raise UserError("name a preset (bastion ballistics --list shows them)")
    m = get_preset(args.preset)
    el = _parse_elevation(args.elevation)
    drag = not args.no_drag
    if el is None:
        el, _ = best_elevation(m, drag=drag)
    tr = fly(m, (0.0, 0.0, 0.0), 0.0, el, drag=drag)
    result = {
        "preset": m.name,
        "drag": drag,
        "elevation_deg": math.degrees(el),
        "range_m": tr.ground_range,
        "flight_time_s": tr.impact_time,
        "apex_m": tr.apex,
        "impact_speed_mps": float((tr.impact_vel**2).sum() ** 0.5),
        "impact_angle_deg": math.degrees(math.atan2(-tr.impact_vel[2], math.hypot(*tr.impact_vel[:2]))),
        "published_max_range_m": m.max_range_m,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{m.label}  ({'drag' if drag else 'vacuum'}, elevation {result['elevation_deg']:.2f} deg)")
        print(f"  range          {result['range_m']:10.1f} m   (published max {m.max_range_m:.0f} m)")
        print(f"  flight time    {result['flight_time_s']:10.2f} s")
        print(f"  apex           {result['apex_m']:10.1f} m")
        speed, angle = result["impact_speed_mps"], result["impact_angle_deg"]
        print(f"  impact speed   {speed:10.1f} m/s at {angle:.1f} deg below horizontal")
    return 0
