"""The run's timeline table says, per impact, how long before it its zone was warned and why."""

from __future__ import annotations

from rich.console import Console

from bastion.evaluate.timeline import timeline_table


def _obj(**kw):
    base = {"id": "rocket-1", "true_kind": "rocket", "detected_t": 60.1, "confirmed_t": 61.8, "class": "rocket",
            "class_t": 62.5, "warned_zones": ["south-east"], "warning_lead_s": 15.9, "warning_reason": "deadline",
            "engagements": [], "outcome": "impact", "impact_t": 84.4, "impact_enu": [498.0, -268.0, 0.0],
            "impact_zone": "south-east", "defeated_t": None, "would_have_hit": None}
    return base | kw


def _text(objects) -> str:
    console = Console(record=True, width=300)
    console.print(timeline_table({"scenario": "s", "seed": 1, "objects": objects, "totals": {}}))
    return console.export_text()


def test_the_warning_cell_gives_lead_and_reason():
    text = _text([
        _obj(),
        _obj(id="drone-1", true_kind="owa_drone", warning_lead_s=None, warning_reason=None, outcome="defeated",
             defeated_t=140.0, would_have_hit={"impact_zone": "south-west", "warning_lead_s": 84.6,
                                              "warning_reason": "tight_ellipse"}),
        _obj(id="rocket-2", warned_zones=[], warning_lead_s=None, warning_reason=None),
    ])
    assert "south-east (lead 15.9 s, deadline)" in text
    assert "(would have hit south-west: lead 84.6 s, tight ellipse)" in text
    row = next(line for line in text.splitlines() if "rocket-2" in line)
    assert "lead" not in row
