"""Site frame against hand-computed cases and round trips."""

from __future__ import annotations

import numpy as np

from bastion.geo import SiteFrame, enu_to_rae, geodetic_to_ecef, rae_to_enu


def test_equator_ecef_is_the_semi_major_axis():
    np.testing.assert_allclose(geodetic_to_ecef(0.0, 0.0, 0.0), [6378137.0, 0.0, 0.0])
    np.testing.assert_allclose(geodetic_to_ecef(0.0, 90.0, 100.0), [0.0, 6378237.0, 0.0], atol=1e-6)


def test_one_arcminute_of_latitude_is_about_a_nautical_mile_north():
    site = SiteFrame(45.0, 10.0, 0.0)
    enu = site.to_enu(45.0 + 1.0 / 60.0, 10.0, 0.0)
    # Meridian arc of one arcminute at 45 deg on WGS84: 1852.2 m (within 0.5 m), straight north, slightly down.
    assert abs(enu[0]) < 1e-6 and abs(enu[1] - 1852.2) < 0.5 and -0.3 < enu[2] < 0.0


def test_round_trip_geodetic_enu():
    site = SiteFrame(29.35, 47.52, 120.0)
    rng = np.random.default_rng(0)
    enu = rng.uniform(-20000, 20000, (200, 3))
    lat, lon, alt = site.to_geodetic(enu)
    np.testing.assert_allclose(site.to_enu(lat, lon, alt), enu, atol=1e-6)


def test_rae_round_trip_and_compass_convention():
    np.testing.assert_allclose(enu_to_rae([0.0, 1000.0, 0.0])[1], 0.0)  # north is azimuth 0
    np.testing.assert_allclose(enu_to_rae([1000.0, 0.0, 0.0])[1], np.pi / 2)  # east is 90 deg
    rng = np.random.default_rng(1)
    pts = rng.uniform(-5000, 5000, (100, 3))
    sensor = np.array([10.0, -20.0, 5.0])
    np.testing.assert_allclose(rae_to_enu(enu_to_rae(pts, sensor), sensor), pts, atol=1e-8)
