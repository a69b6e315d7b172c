"""Object signatures: cited RCS bands, log-normal sampling, munition scaling, critical dimensions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.world.munitions import PRESETS
from bastion.world.signatures import (
    SIGNATURES,
    critical_dimension_m,
    critical_dimensions,
    munition_rcs_m2,
    rcs_m2,
    sample_rcs_m2,
)
from bastion.world.truth import TruthObject


@pytest.mark.parametrize(("kind", "lo", "hi"), [
    ("quadcopter", 0.003, 0.03),  # ~0.01 m^2 class
    ("owa_drone", 0.1, 0.5),  # Shahed class 0.1-0.5 m^2
    ("bird", 0.001, 0.01),  # Britannica / Skolnik
    ("aircraft", 10.0, 100.0),  # airliners
    ("helicopter", 1.0, 10.0),
])
def test_medians_in_the_cited_bands(kind, lo, hi):
    assert lo <= rcs_m2(kind) <= hi


@pytest.mark.parametrize(("kind", "lo", "hi"), [("bird", 0.001, 0.01), ("aircraft", 10.0, 100.0),
                                                ("owa_drone", 0.08, 0.5)])
def test_95_percent_interval_stays_in_the_cited_band(kind, lo, hi):
    a, b = SIGNATURES[kind].rcs_range_m2
    assert lo * 0.97 <= a and b <= hi * 1.03


def test_sampling_is_log_normal_with_the_table_parameters():
    rng = np.random.default_rng(0)
    n = 20_000
    for kind, sig in SIGNATURES.items():
        x = np.log10(sample_rcs_m2(kind, rng, n))
        assert abs(x.mean() - math.log10(sig.rcs_median_m2)) < 4 * sig.rcs_log10_sigma / math.sqrt(n)
        assert abs(x.std() / sig.rcs_log10_sigma - 1.0) < 4 * math.sqrt(0.5 / n)


def test_size_ordering():
    order = ["bird", "fpv", "quadcopter", "owa_drone", "helicopter", "aircraft"]
    rcs = [rcs_m2(k) for k in order]
    assert rcs == sorted(rcs)
    assert critical_dimension_m("fpv") < critical_dimension_m("quadcopter") < critical_dimension_m("owa_drone")


def test_munition_rcs_scales_with_calibre_squared_and_matches_the_presets():
    for p in PRESETS.values():
        assert munition_rcs_m2(p.kind, p.caliber_m, p.name) == p.rcs_m2
        if p.kind == "mortar":
            assert munition_rcs_m2("mortar", p.caliber_m) == pytest.approx(p.rcs_m2, rel=0.10)
    assert munition_rcs_m2("mortar", 0.162) / munition_rcs_m2("mortar", 0.081) == pytest.approx(4.0)
    with pytest.raises(ValueError):
        munition_rcs_m2("bird", 0.1)


def test_critical_dimensions_of_truth_objects():
    objs = [
        TruthObject(0, "m", "mortar", True, 0.01, 0.0, 10.0, "impact", meta={"preset": "mortar_81mm"}),
        TruthObject(1, "b", "bird", False, 0.003, 0.0, 10.0, "none"),
        TruthObject(2, "d", "owa_drone", True, 0.2, 0.0, 10.0, "impact"),
    ]
    assert critical_dimensions(objs).tolist() == [0.081, SIGNATURES["bird"].critical_dimension_m, 0.5]
    with pytest.raises(ValueError):
        critical_dimension_m("rocket")
    with pytest.raises(ValueError):
        rcs_m2("ufo")


def test_every_signature_names_its_source():
    for sig in SIGNATURES.values():
        assert sig.rcs_source and sig.size_source
