"""The threat library: rockets and mortar bombs as data (mass, size, launch speed, drag, motor, published
range, RCS), shared by the simulation that flies them (``bastion.world.munitions``) and the assessment
that must recognise them and fly their boost back (``bastion.assess``): a C-RAM system carries such a
library of the rounds it expects.

Every figure is public and cited beside it; the full table with sources is docs/models.md
("Munitions and ballistics"). Each preset's low-Mach drag coefficient ``cd0`` is *calibrated*: chosen
so that, with the generic Mach drag curve and the ICAO atmosphere, the round fired at its best elevation
from sea level reaches its published maximum range (benchmarks/physics_calibration.py measures it;
tests/world/test_munitions.py holds it within 5 %). Units: metres, kilograms, seconds, radians.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace

from bastion.physics.ballistic import GENERIC_DRAG_CURVE, Boost, DragCurve


@dataclass(frozen=True)
class Munition:
    """A rocket or mortar bomb: mass, size, launch speed, drag, motor, published range and RCS.

    Units: metres, kilograms, seconds, m/s, m^2, radians.
    """

    name: str  #: preset key, e.g. "mortar_81mm"
    label: str  #: human name, e.g. "81 mm mortar (M252 / L16 class)"
    kind: str  #: "mortar", "rocket" or "artillery"
    caliber_m: float  #: body diameter (m), the drag reference
    mass_kg: float  #: launch mass (kg), with propellant for a rocket
    launch_speed_mps: float  #: muzzle velocity (mortar) or launcher exit speed (rocket), m/s
    cd0: float  #: low-Mach drag coefficient on the calibre area (calibrated, see module doc)
    max_range_m: float  #: published maximum range (m)
    rcs_m2: float  #: radar cross-section (m^2) for the sensor models
    elevation_limits_rad: tuple[float, float]  #: elevations (rad) the launcher can lay
    high_angle_default: bool  #: aim() picks the high-angle solution by default (mortars)
    boost: Boost | None = None  #: rocket motor, None for a mortar bomb
    max_speed_mps: float | None = None  #: published peak speed (m/s) of a rocket, None if not used
    drag_curve: DragCurve = GENERIC_DRAG_CURVE
    #: muzzle velocities (m/s) of a gun's propelling charges (zones), lowest first; the last is
    #: ``launch_speed_mps``. Empty for a round with one charge (mortar bombs here, rockets).
    charge_speeds_mps: tuple[float, ...] = ()
    charge: int | None = None  #: the zone (1-based) this munition is fired with, None: its top one
    sources: dict[str, str] = field(default_factory=dict, compare=False)  #: figure -> public source

    @property
    def area_m2(self) -> float:
        """Reference (calibre) area pi d^2 / 4 (m^2)."""
        return math.pi * self.caliber_m**2 / 4.0

    @property
    def flight_mass_kg(self) -> float:
        """Mass (kg) in unpowered flight: after burnout for a rocket."""
        return self.boost.burnout_mass_kg if self.boost is not None else self.mass_kg

    @property
    def beta(self) -> float:
        """Ballistic coefficient m / (Cd0 A) (kg/m^2) in unpowered flight."""
        return self.flight_mass_kg / (self.cd0 * self.area_m2)

    def with_velocity_factor(self, factor: float) -> Munition:
        """This round flying ``factor`` times its nominal velocity: a gun's or mortar's muzzle velocity, or
        a rocket's exit speed and motor thrust (the same burn at ``factor`` times the thrust, so ``factor``
        times the impulse). The name stays this round's."""
        boost = None if self.boost is None else replace(self.boost, thrust_n=self.boost.thrust_n * factor)
        return replace(self, launch_speed_mps=self.launch_speed_mps * factor, boost=boost)

    def with_charge(self, zone: int) -> Munition:
        """This round fired with propelling charge ``zone`` (1 = the lowest): the same round at that
        zone's muzzle velocity, named ``"<name>/<zone>"``. ValueError for a zone the gun does not have."""
        if not self.charge_speeds_mps:
            raise ValueError(f"{self.name} has one charge only")
        if not 1 <= zone <= len(self.charge_speeds_mps):
            raise ValueError(f"{self.name}: charge {zone} out of 1-{len(self.charge_speeds_mps)}")
        base = self.name.split("/")[0]
        return replace(self, name=f"{base}/{zone}", launch_speed_mps=self.charge_speeds_mps[zone - 1],
                       charge=zone)


def _rocket_boost(mass_kg: float, propellant_kg: float, burn_time_s: float, isp_s: float, cd0: float,
                  caliber_m: float) -> Boost:
    """Constant-thrust motor from propellant mass, burn time and specific impulse (F = Isp g0 mdot)."""
    thrust = isp_s * 9.80665 * propellant_kg / burn_time_s
    return Boost(thrust_n=thrust, burn_time_s=burn_time_s, mass_kg=mass_kg, propellant_kg=propellant_kg,
                 cda_m2=cd0 * math.pi * caliber_m**2 / 4.0)


_DEG = math.pi / 180.0

#: The radar cross-sections below are placeholders: no public, citable measurement was found for these
#: rounds. They follow the size ordering of the rounds around the 0.01 m^2 order of magnitude often quoted
#: for mortar bombs in counter-battery radar discussions. Replace with cited figures (docs/models.md).
RCS_NOTE = "assumed order of magnitude; no citable public measurement found (see docs/models.md)"

# --- Presets -----------------------------------------------------------------------------------------
# Published figures carry their source; "assumed" marks a figure no verified public source gave us, with
# the reasoning. cd0 is the calibration knob (see module doc and docs/models.md).

MORTAR_60 = Munition(
    name="mortar_60mm",
    label="60 mm mortar (M224 class, M720 HE)",
    kind="mortar",
    caliber_m=0.060,
    mass_kg=1.7,  # M720 HE cartridge ~1.7 kg (FM 3-22.90 ammunition tables; approximate)
    # By analogy: the M2 60 mm mortar's published 158 m/s for 1,815 m is 1.18x its vacuum minimum sqrt(R g);
    # 1.18 x sqrt(3,490 g) = 219 m/s (docs/models.md). 225 is within 3 %.
    launch_speed_mps=225.0,
    cd0=0.1354,  # calibrated: best-elevation range = max_range_m (benchmarks/physics_calibration.py)
    max_range_m=3490.0,  # Wikipedia "M224 mortar": HE 70-3,490 m
    rcs_m2=0.005,  # ASSUMED, uncited (see RCS_NOTE)
    elevation_limits_rad=(45.0 * _DEG, 85.0 * _DEG),  # mortar laying range 45-85 deg (M224/M252 manuals)
    high_angle_default=True,
    sources={
        "max_range_m": "Wikipedia, 'M224 mortar' (HE 70-3,490 m)",
        "mass_kg": "FM 3-22.90 Mortars, M720 HE cartridge (approx. 1.7 kg)",
        "launch_speed_mps": "derived by analogy: M2 60 mm mortar 158 m/s for 1,815 m (D-Day Overlord, "
                            "'M2 60 mm Mortar') is 1.18 x sqrt(R g); 1.18 x sqrt(3,490 g) = 219 m/s",
    },
)

MORTAR_81 = Munition(
    name="mortar_81mm",
    label="81 mm mortar (M252 / L16 class)",
    kind="mortar",
    caliber_m=0.081,
    mass_kg=4.2,  # Wikipedia "L16 81mm mortar": cartridge weight 4.2 kg (L36A2)
    # The quoted 225 m/s cannot reach 5,650 m even in vacuum (5,162 m). By analogy with the M2 60 mm mortar
    # (158 m/s for 1,815 m, 1.18 x sqrt(R g)): 1.18 x sqrt(5,650 g) = 279 m/s; 285 is within 3 %.
    launch_speed_mps=285.0,
    cd0=0.1133,  # calibrated
    max_range_m=5650.0,  # Wikipedia "L16 81mm mortar": max range 5,650 m (M252 is the US version)
    rcs_m2=0.01,  # ASSUMED, uncited (see RCS_NOTE)
    elevation_limits_rad=(45.0 * _DEG, 85.0 * _DEG),
    high_angle_default=True,
    sources={
        "max_range_m": "Wikipedia, 'L16 81mm mortar' (max range 5,650 m; the M252 is its US version)",
        "mass_kg": "Wikipedia, 'L16 81mm mortar' (cartridge 4.2 kg, L36A2)",
        "launch_speed_mps": "derived by analogy: the quoted 225 m/s (same page) reaches only 5,162 m in vacuum; "
                            "1.18 x sqrt(5,650 g) = 279 m/s (ratio of the M2 60 mm mortar, see mortar_60mm)",
    },
)

MORTAR_120 = Munition(
    name="mortar_120mm",
    label="120 mm mortar (M120/M121 class, M934 HE)",
    kind="mortar",
    caliber_m=0.120,
    mass_kg=13.6,  # M933/M934 HE cartridge ~13.6 kg (FM 3-22.90; approximate)
    launch_speed_mps=318.0,  # M120 maximum muzzle velocity as commonly quoted (Wikipedia "M120 mortar")
    cd0=0.1185,  # calibrated
    max_range_m=7240.0,  # Wikipedia "M120 mortar": max firing range 7,240 m (M933/M934 HE)
    rcs_m2=0.02,  # ASSUMED, uncited (see RCS_NOTE)
    elevation_limits_rad=(45.0 * _DEG, 85.0 * _DEG),
    high_angle_default=True,
    sources={
        "max_range_m": "Wikipedia, 'M120 mortar' (7,240 m, M933/M934 HE)",
        "mass_kg": "FM 3-22.90 Mortars, M934 HE cartridge (approx. 13.6 kg)",
        "launch_speed_mps": "Wikipedia, 'M120 mortar' (318 m/s)",
    },
)

ROCKET_107 = Munition(
    name="rocket_107mm",
    label="107 mm rocket (Type 63 class)",
    kind="rocket",
    caliber_m=0.107,
    mass_kg=18.8,  # Type 63 HE rocket 18.8 kg (Wikipedia "Type 63 multiple rocket launcher")
    launch_speed_mps=25.0,  # assumed tube exit speed: sqrt(2 a L) with a ~ 40 g over a ~0.84 m tube
    cd0=0.2095,  # calibrated
    max_range_m=8500.0,  # ~8.5 km (Wikipedia "Type 63 multiple rocket launcher": 8.05-8.5 km)
    rcs_m2=0.03,  # ASSUMED, uncited (see RCS_NOTE)
    elevation_limits_rad=(3.0 * _DEG, 57.0 * _DEG),
    high_angle_default=False,
    # Isp calibrated so the peak speed is the published 385 m/s; propellant and burn time assumed.
    boost=_rocket_boost(18.8, 3.0, 0.8, 216.7, 0.2095, 0.107),
    max_speed_mps=385.0,  # Wikipedia "Type 63 multiple rocket launcher"
    sources={
        "max_range_m": "Wikipedia, 'Type 63 multiple rocket launcher' (about 8.05-8.5 km by source)",
        "mass_kg": "Wikipedia, 'Type 63 multiple rocket launcher' (rocket 18.8 kg)",
        "max_speed_mps": "Wikipedia, 'Type 63 multiple rocket launcher' (maximum velocity 385 m/s)",
        "boost": "assumed: 3.0 kg propellant, 0.8 s burn; Isp 216.7 s calibrated to the 385 m/s peak speed",
    },
)

ROCKET_122 = Munition(
    name="rocket_122mm",
    label="122 mm rocket (BM-21 Grad, 9M22U)",
    kind="rocket",
    caliber_m=0.122,
    mass_kg=66.6,  # 9M22U 66.6 kg (Wikipedia "BM-21 Grad")
    launch_speed_mps=30.0,  # assumed launcher (3 m tube) exit speed
    cd0=0.2444,  # calibrated
    max_range_m=20380.0,  # 9M22U 20.38 km (Wikipedia "BM-21 Grad")
    rcs_m2=0.08,  # ASSUMED, uncited (see RCS_NOTE)
    elevation_limits_rad=(3.0 * _DEG, 55.0 * _DEG),  # BM-21 launcher elevation 0-55 deg
    high_angle_default=False,
    # Isp calibrated so the peak speed is the published 690 m/s; burn time assumed.
    boost=_rocket_boost(66.6, 20.45, 1.9, 192.2, 0.2444, 0.122),
    max_speed_mps=690.0,  # Wikipedia "BM-21 Grad" (9M22U)
    sources={
        "max_range_m": "Wikipedia, 'BM-21 Grad' (9M22U 20.38 km)",
        "mass_kg": "Wikipedia, 'BM-21 Grad' (9M22U 66.6 kg, propellant 20.45 kg)",
        "max_speed_mps": "Wikipedia, 'BM-21 Grad' (9M22U maximum velocity 690 m/s)",
        "boost": "propellant 20.45 kg (same page); burn 1.9 s assumed; Isp 192.2 s calibrated to 690 m/s",
    },
)

# Zone velocities of the 105 mm howitzer: seven increments (the M67 propelling charge has seven bags: US
# Army, Picatinny Arsenal, "safer, greener propelling charge for 105mm artillery cartridges", 2015). Only
# zone 7's 472 m/s is published (Wikipedia "M101 howitzer"); the lower zones are ASSUMED, a geometric
# progression from 205 m/s, which reaches about 3.5 km, so that neighbouring zones' ranges overlap as a
# gun's charges do (docs/models.md).
_HOWITZER_105_ZONES = tuple(round(205.0 * (472.0 / 205.0) ** (k / 6.0), 1) for k in range(7))

HOWITZER_105 = Munition(
    name="howitzer_105mm",
    label="105 mm howitzer (M101 / M2A1 class, M1 HE)",
    kind="artillery",
    caliber_m=0.105,
    mass_kg=14.97,  # M1 HE projectile 33 lb (the "33s": Shoe Box Photos, "M1/M2/M101/M102 Howitzer 105mm")
    launch_speed_mps=472.0,  # Wikipedia "M101 howitzer": muzzle velocity 472 m/s (1,550 ft/s)
    cd0=0.1490,  # calibrated
    max_range_m=11270.0,  # Wikipedia "M101 howitzer": maximum firing range 11,270 m
    rcs_m2=0.015,  # ASSUMED, uncited (see RCS_NOTE): between the 81 mm and 120 mm mortar bombs
    elevation_limits_rad=(0.0, 66.0 * _DEG),  # Wikipedia "M101 howitzer": -5 to +66 deg
    high_angle_default=False,  # field guns fire low angle unless a crest or a city block is in the way
    charge_speeds_mps=_HOWITZER_105_ZONES,
    sources={
        "max_range_m": "Wikipedia, 'M101 howitzer' (11,270 m)",
        "launch_speed_mps": "Wikipedia, 'M101 howitzer' (472 m/s, zone 7)",
        "mass_kg": "Shoe Box Photos, 'M1/M2/M101/M102 Howitzer 105mm' (shell weight 33 lb)",
        "charge_speeds_mps": "seven zones (Picatinny Arsenal 2015, M67 charge); zones 1-6 assumed: geometric "
                             "from 205 m/s to the published 472 m/s",
    },
)

PRESETS: dict[str, Munition] = {
    m.name: m for m in (MORTAR_60, MORTAR_81, MORTAR_120, ROCKET_107, ROCKET_122, HOWITZER_105)
}


@functools.cache
def munition(name: str) -> Munition:
    """The library round ``name``: a preset, or ``"<preset>/<zone>"`` for a gun's shell fired with that
    propelling charge (:meth:`Munition.with_charge`). KeyError for an unknown preset, ValueError for a zone
    the gun does not have. Cached: the library fits look their rounds up on every refit."""
    base, _, zone = name.partition("/")
    m = PRESETS[base]
    return m.with_charge(int(zone)) if zone else m


def gun_rounds() -> tuple[str, ...]:
    """Every charge of every gun of the library, as round names (``"howitzer_105mm/1"`` ...), in a fixed
    order: what a track's shell may have been fired as."""
    return tuple(f"{m.name}/{k}" for m in PRESETS.values() for k in range(1, len(m.charge_speeds_mps) + 1))
