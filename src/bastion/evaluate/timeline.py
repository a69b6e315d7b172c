"""The timeline table printed after a run: one row per object, from the summary."""

from __future__ import annotations

from typing import Any

from rich.table import Table


def _t(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def _why(reason: str | None) -> str:
    """What sounded the impact zone's warning, as the table says it (summary ``warning_reason``)."""
    return "" if reason is None else ", " + reason.replace("_", " ")


def timeline_table(summary: dict[str, Any]) -> Table:
    table = Table(title=f"{summary['scenario']} (seed {summary['seed']})", show_lines=False)
    for col in ("object", "kind", "detected", "confirmed", "classified as", "warning", "engagements", "outcome"):
        table.add_column(col)
    for o in summary["objects"]:
        cls = "-" if o["class"] == "unknown" else f"{o['class']} @ {_t(o['class_t'])}"
        warn = ", ".join(o["warned_zones"]) or "-"
        if o["warning_lead_s"] is not None:
            warn += f" (lead {o['warning_lead_s']:.1f} s{_why(o.get('warning_reason'))})"
        would = o.get("would_have_hit")
        if would and would["impact_zone"]:
            lead = "not warned" if would["warning_lead_s"] is None else \
                f"lead {would['warning_lead_s']:.1f} s{_why(would.get('warning_reason'))}"
            warn += f" (would have hit {would['impact_zone']}: {lead})"
        engs = "; ".join(
            f"{e['effector']} @ {_t(e['fire_t'])} by {e['authorised_by']}: {e['result']}" for e in o["engagements"]
        ) or "-"
        if o["outcome"] == "defeated":
            outcome = f"defeated @ {_t(o['defeated_t'])}"
        elif o["outcome"] == "impact":
            where = o["impact_zone"] or "outside zones"
            e, n, _ = o["impact_enu"]
            outcome = f"impact @ {_t(o['impact_t'])} at ({e:.0f}, {n:.0f}) {where}"
        else:
            outcome = o["outcome"]
        table.add_row(o["id"], o["true_kind"], _t(o["detected_t"]), _t(o["confirmed_t"]), cls, warn, engs, outcome)
    tot = summary["totals"]
    table.caption = ", ".join(f"{k} {v}" for k, v in tot.items())
    return table
