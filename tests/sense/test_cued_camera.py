"""The slew-to-cue camera: Johnson-criteria recognition, its confusion, what it locks on, how long it takes."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.geo import enu_to_rae
from bastion.scenario.schema import TRACK_CLASSES
from bastion.sense.eoir import CuedCamera, ttpf

LOOKS = 4000


def _camera(**kw) -> CuedCamera:
    return CuedCamera("cam", np.zeros(3), "infrared", 2e-5, np.radians(3.0), **kw)


def _looks(cam: CuedCamera, pos: np.ndarray, size: float, truth: str, rng: np.random.Generator,
           aim_offset: float = 0.0, night: bool = False) -> list[str]:
    rae = enu_to_rae(pos, cam.position)[0]
    out = []
    for _ in range(LOOKS):
        b, _ = cam.look(0.0, rae[1] + aim_offset, rae[2], pos, np.array([size]), np.array([truth], object),
                        np.array([True]), TRACK_CLASSES, rng, night=night)
        out.append(b.label[0] if len(b) else None)
    return out


@pytest.mark.parametrize("range_over_r50", [0.5, 1.0, 2.0])
def test_recognition_rate_is_the_ttpf_at_four_cycles(range_over_r50):
    # R50 for recognition: d / (2 ifov N50) = 0.2 / (2 x 2e-5 x 4) = 1250 m; at R the cycles are 4 R50 / R.
    # The target must first be found in the wide view (3 deg over 1280 px: 40.9 urad pixels, one cycle).
    cam = _camera(mislabel_share=0.0)
    r50 = 0.2 / (2.0 * 2e-5 * 4.0)
    assert r50 == pytest.approx(1250.0)
    rng_m = range_over_r50 * r50
    pos = np.array([[0.0, rng_m, 0.0]])
    pos[0, 2] = 0.1 * rng_m  # a little above the horizon
    got = _looks(cam, pos, 0.2, "quadcopter", np.random.default_rng(1))
    share = np.mean([g == "quadcopter" for g in got])
    rng_true = np.linalg.norm(pos[0])
    wide_cycles = 0.2 / (2.0 * rng_true * np.radians(3.0) / 1280)
    expected = ttpf(wide_cycles, 1.0) * ttpf(4.0 * r50 / rng_true, 4.0)  # found, then recognised
    sd = np.sqrt(expected * (1 - expected) / LOOKS)
    assert abs(share - expected) < 4 * sd + 1e-3
    assert not any(g not in (None, "", "quadcopter") for g in got)  # no confusion when mislabel_share = 0


def test_mislabels_are_the_share_spread_evenly_over_the_other_classes():
    cam = _camera(mislabel_share=0.1)
    pos = np.array([[0.0, 150.0, 30.0]])  # 41 cycles zoomed in: recognised but for 1 in 10^10
    got = _looks(cam, pos, 0.25, "bird", np.random.default_rng(2))
    assert all(g not in (None, "") for g in got)
    wrong = [g for g in got if g != "bird"]
    assert abs(len(wrong) / LOOKS - 0.1) < 4 * np.sqrt(0.09 / LOOKS)
    others = [c for c in TRACK_CLASSES if c != "bird"]
    counts = np.array([wrong.count(c) for c in others])
    assert set(wrong) <= set(others)
    # Pearson's chi-square against the uniform split over 7 classes: 6 dof, 99.9 % point 22.5.
    exp = len(wrong) / len(others)
    assert np.sum((counts - exp) ** 2 / exp) < 22.5


def test_a_target_outside_the_view_is_not_seen():
    cam = _camera()
    pos = np.array([[0.0, 500.0, 50.0]])
    half = 0.5 * cam.fov
    inside = _looks(cam, pos, 0.25, "bird", np.random.default_rng(3), aim_offset=0.9 * half / np.cos(0.1))
    outside = _looks(cam, pos, 0.25, "bird", np.random.default_rng(3), aim_offset=1.1 * half / np.cos(0.0))
    assert all(g is not None for g in inside) and all(g is None for g in outside)


def test_the_camera_locks_on_the_detection_nearest_its_aim():
    cam = _camera(mislabel_share=0.0)
    pos = np.array([[0.0, 300.0, 50.0], [3.0, 300.0, 50.0]])  # 10 mrad apart: both in the 52 mrad view
    rae = enu_to_rae(pos, cam.position)
    labels = np.array(["bird", "quadcopter"], object)
    for aim, named in ((rae[0], 0), (rae[1], 1)):
        b, det = cam.look(0.0, aim[1], aim[2], pos, np.array([0.25, 0.2]), labels, np.array([True, True]),
                          TRACK_CLASSES, np.random.default_rng(4))
        assert sorted(det.tolist()) == [0, 1]
        assert [lab for lab in b.label if lab] == [labels[named]]
        assert b.label[list(det).index(named)] == labels[named]


def test_visible_camera_at_night_recognises_at_a_tenth_of_the_range():
    day = _camera()
    eo = CuedCamera("eo", np.zeros(3), "visible", 2e-5, np.radians(3.0))
    assert eo.p_recognise(0.2, 125.0, night=True) == pytest.approx(day.p_recognise(0.2, 1250.0))
    assert day.p_recognise(0.2, 1250.0, night=True) == pytest.approx(0.5)  # IR: unchanged at night


def test_same_seed_same_looks_and_bad_settings_are_refused():
    cam = _camera()
    pos = np.array([[0.0, 1500.0, 80.0]])
    a = _looks(cam, pos, 0.2, "quadcopter", np.random.default_rng(9))
    b = _looks(cam, pos, 0.2, "quadcopter", np.random.default_rng(9))
    assert a == b
    with pytest.raises(ValueError, match="mislabel_share"):
        _camera(mislabel_share=1.0)
    with pytest.raises(ValueError, match="band"):
        CuedCamera("x", np.zeros(3), "ultraviolet", 2e-5, 0.05)
