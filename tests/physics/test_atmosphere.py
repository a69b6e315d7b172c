"""ICAO standard atmosphere against published values."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.physics import atmosphere as isa

# U.S. Standard Atmosphere 1976 (= ICAO below 32 km), geometric altitude Z, as tabulated in
# M. Kutz (ed.), Mechanical Engineers' Handbook vol. 4, Table 6 "Thermophysical properties of the
# U.S. Standard Atmosphere": Z (m), T (K), p (bar), rho (kg/m^3), speed of sound (m/s).
TABLE = [
    (1000.0, 281.65, 0.8988, 1.1117, 336.4),
    (5000.0, 255.68, 0.5405, 0.7364, 320.6),
    (9000.0, 229.73, 0.3080, 0.4671, 303.9),
    (11000.0, 216.77, 0.2270, 0.3648, 295.2),
    (13000.0, 216.65, 0.1658, 0.2667, 295.1),
]


def test_sea_level_matches_icao_definition():
    assert isa.temperature(0.0) == pytest.approx(288.15)
    assert isa.pressure(0.0) == pytest.approx(101325.0)
    assert isa.density(0.0) == pytest.approx(1.2250, abs=5e-5)
    assert isa.speed_of_sound(0.0) == pytest.approx(340.294, abs=1e-3)


@pytest.mark.parametrize("z, t, p_bar, rho, a", TABLE)
def test_geometric_altitude_table(z, t, p_bar, rho, a):
    assert isa.temperature(z) == pytest.approx(t, abs=0.01)
    assert isa.pressure(z) / 1e5 == pytest.approx(p_bar, abs=6e-5)
    # 1.5e-4: the handbook's 13 km density (0.2667) sits 1e-4 above the U.S. 1976 table value (0.26660).
    assert isa.density(z) == pytest.approx(rho, abs=1.5e-4)
    assert isa.speed_of_sound(z) == pytest.approx(a, abs=0.06)


def test_layer_boundaries_in_geopotential_altitude():
    # Tropopause 11 km: 216.65 K, 22 632 Pa; 20 km: 5 474.9 Pa (U.S. Standard Atmosphere 1976).
    assert isa.temperature(11000.0, geometric=False) == pytest.approx(216.65)
    assert isa.pressure(11000.0, geometric=False) == pytest.approx(22632.0, abs=1.0)
    assert isa.temperature(20000.0, geometric=False) == pytest.approx(216.65)
    assert isa.pressure(20000.0, geometric=False) == pytest.approx(5474.9, abs=0.5)
    # Continuity across both boundaries.
    for h in (11000.0, 20000.0):
        lo, hi = isa.pressure([h - 1e-6, h + 1e-6], geometric=False)
        assert lo == pytest.approx(hi, rel=1e-9)


def test_geopotential_round_trip():
    z = np.array([0.0, 1000.0, 11019.1, 20063.1])
    h = isa.geopotential_altitude(z)
    assert h[2] == pytest.approx(11000.0, abs=0.1)
    np.testing.assert_allclose(isa.geometric_altitude(h), z, atol=1e-6)


def test_vectorised_and_monotone():
    z = np.linspace(-500.0, 20000.0, 400).reshape(20, 20)
    rho = isa.density(z)
    assert rho.shape == (20, 20)
    assert np.all(np.diff(rho.ravel()) < 0.0)
    t, p = isa.temperature_pressure(z)
    np.testing.assert_allclose(rho, p / (isa.R_AIR * t))


def test_fast_table_matches_closed_form():
    z = np.linspace(-1000.0, 30000.0, 7777)
    rho_t, a_t = isa.density_and_sound_speed_table(z)
    np.testing.assert_allclose(rho_t, isa.density(z), rtol=1e-6)
    np.testing.assert_allclose(a_t, isa.speed_of_sound(z), rtol=1e-6)
