"""Object signatures for the sensor models: radar cross-section (m^2) and EO/IR critical dimension (m).

Pure tables and functions (no engine state). Every figure carries its source or is marked "assumed";
the full table is docs/models.md, "Object signatures".

Radar cross-section is modelled as log-normal about a median (aspect, frequency and polarisation are
not modelled): draw ``10 ** normal(log10(median), log10_sigma)``. A scan-to-scan Swerling 1 fluctuation
is applied on top by the radar model; the spread here is the object-to-object (and aspect-averaged)
spread between individuals of one kind.

The critical dimension is the one Johnson's criteria count resolvable cycles across: the smallest
dimension of the silhouette the sensor sees (Johnson 1958, as summarised e.g. in Wikipedia, "Johnson's
criteria"). Objects are assumed seen roughly side-on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bastion.scenario.schema import ROUND_KINDS

__all__ = [
    "MICRO_DOPPLER_KINDS",
    "RECOGNISED_AS",
    "SIGNATURES",
    "Signature",
    "critical_dimension_m",
    "critical_dimensions",
    "munition_critical_dimension_m",
    "micro_doppler_signatures",
    "munition_rcs_m2",
    "rcs_m2",
    "recognition_labels",
    "sample_rcs_m2",
]


@dataclass(frozen=True)
class Signature:
    """Signature of one object kind.

    Attributes:
        kind: object kind (scenario kinds plus ``quadcopter`` and ``fpv``).
        rcs_median_m2: median radar cross-section (m^2).
        rcs_log10_sigma: standard deviation of log10(RCS) between individuals (decades).
        critical_dimension_m: smallest dimension of the silhouette (m), for the Johnson criteria.
        rcs_source, size_source: where the figures come from ("assumed: ..." when ours).
    """

    kind: str
    rcs_median_m2: float
    rcs_log10_sigma: float
    critical_dimension_m: float
    rcs_source: str
    size_source: str

    @property
    def rcs_range_m2(self) -> tuple[float, float]:
        """The central 95 % interval of the RCS distribution (m^2)."""
        f = 10.0 ** (1.959964 * self.rcs_log10_sigma)
        return self.rcs_median_m2 / f, self.rcs_median_m2 * f


SKOLNIK_T22 = "Skolnik, Introduction to Radar Systems, 3rd ed. (2001), Table 2.2 (microwave RCS examples)"

SIGNATURES: dict[str, Signature] = {
    s.kind: s
    for s in (
        Signature(
            "quadcopter", 0.01, 0.4, 0.20,
            # 5 consumer drones at 24 GHz: mean RCS -8.1 to -19.1 dBsm (0.012-0.15 m^2): IEICE Comex 9(7),
            # 262-267 (2020); 0.01 m^2 (X-band, DJI Phantom class) is the figure quoted across the
            # small-UAS radar literature (Patel, Fioranelli & Anderson, IET RSN 12(9), 2018, review).
            "median 0.01 m^2: IEICE ComEX 9(7) 2020 (-8 to -19 dBsm at 24 GHz); Patel et al., IET RSN 2018 (review)",
            "assumed: Phantom-class body height ~0.2 m (diagonal 0.35 m)",
        ),
        Signature(
            "fpv", 0.005, 0.4, 0.10,
            "assumed: half the quadcopter median (5-inch frame, smaller than a Phantom)",
            "assumed: 5-inch FPV frame seen side-on, ~0.1 m tall with battery and camera",
        ),
        Signature(
            "owa_drone", 0.2, 0.2, 0.5,
            # Shahed-136 class: delta wing, 2.5 m span, 3.5 m long, mostly composite with a metal engine. No
            # measured RCS is public; Skolnik's "conventional unmanned winged missile" is 0.5 m^2, an upper
            # bound for a smaller, largely composite airframe: assumed 0.2 m^2 (0.08-0.5 m^2 at 95 %).
            "assumed 0.2 m^2: below the 0.5 m^2 of a conventional unmanned winged missile (" + SKOLNIK_T22 + ")",
            "assumed 0.5 m (fuselage and fins side-on); span 2.5 m, length 3.5 m (evz.ro, 2025-09-15, Shahed-136)",
        ),
        Signature(
            "bird", 10.0**-2.5, 0.25, 0.25,
            # "A bird can have a cross section of 0.01 to 0.001 square metre": Encyclopaedia Britannica,
            # "Radar - Target size" (M. I. Skolnik). Same distribution as bastion.world.truth (BIRD_RCS_*).
            "0.001-0.01 m^2 (log-normal, median 10^-2.5): Britannica, 'Radar: target size' (Skolnik); " + SKOLNIK_T22,
            "assumed: pigeon-to-gull sized bird, body and wings ~0.25 m",
        ),
        Signature(
            "aircraft", 30.0, 0.25, 4.0,
            # "Commercial aircraft might have radar cross sections from about 10 to 100 square metres":
            # Britannica, "Radar - Target size"; Skolnik Table 2.2: medium jet airliner 20, large 40, jumbo 100.
            "10-100 m^2: Britannica, 'Radar: target size' (Skolnik); " + SKOLNIK_T22 + " (airliners 20-100 m^2)",
            "assumed: narrow-body fuselage ~4 m diameter",
        ),
        Signature(
            "helicopter", 3.0, 0.2, 3.0,
            "3 m^2: " + SKOLNIK_T22,
            "assumed: medium utility helicopter fuselage ~3 m tall",
        ),
    )
}

# Munitions: the RCS is the preset's (bastion.world.munitions, "assumed" there); fitted here as
# sigma = k d^2 on the calibre d so other calibres can be scaled (assumed shape: physical-optics area scaling).
MORTAR_RCS_PER_CALIBRE2 = 1.45  # m^2 per m^2 of calibre^2: fits the 60/81/120 mm presets within 10 %
ROCKET_RCS_PER_CALIBRE2 = 2.6  # fits the 107 mm preset (the 122 mm Grad, 2.9 m long, has 0.08 = 5.4 d^2)
# Rocket lengths (m) for the critical dimension: Type 63 rocket 0.84 m, 9M22U 2.87 m (Wikipedia, "Type 63
# multiple rocket launcher", "BM-21 Grad"; not re-checked offline). Mortar bombs: length assumed 6 calibres.
MORTAR_LENGTH_CALIBRES = 6.0


def _munition(preset):
    from bastion.world.munitions import get_preset  # noqa: PLC0415 (keeps this module light)

    return get_preset(preset)


def munition_rcs_m2(kind: str, caliber_m: float, preset: str | None = None) -> float:
    """Mean RCS (m^2) of a mortar bomb or rocket: the preset's figure when ``preset`` is given, otherwise
    scaled as k d^2 from the calibre ``caliber_m`` (m)."""
    if preset is not None:
        return float(_munition(preset).rcs_m2)
    if kind not in ROUND_KINDS:
        raise ValueError(f"not a munition kind: {kind!r}")
    # A shell is as short for its calibre as a mortar bomb; a rocket is longer.
    k = ROCKET_RCS_PER_CALIBRE2 if kind == "rocket" else MORTAR_RCS_PER_CALIBRE2
    return float(k * caliber_m**2)


def munition_critical_dimension_m(preset: str) -> float:
    """Critical dimension (m) of a munition seen side-on: its calibre (the smallest dimension)."""
    return float(_munition(preset).caliber_m)


def rcs_m2(kind: str) -> float:
    """Median RCS (m^2) of an object kind (a key of :data:`SIGNATURES`); for a munition use
    :func:`munition_rcs_m2`."""
    try:
        return SIGNATURES[kind].rcs_median_m2
    except KeyError:
        raise ValueError(f"no signature for kind {kind!r}; known: {', '.join(SIGNATURES)}") from None


def sample_rcs_m2(kind: str, rng: np.random.Generator, size: int | None = None):
    """Log-normal draw(s) of one individual's mean RCS (m^2) for ``kind``."""
    sig = SIGNATURES.get(kind)
    if sig is None:
        raise ValueError(f"no signature for kind {kind!r}; known: {', '.join(SIGNATURES)}")
    return 10.0 ** rng.normal(math.log10(sig.rcs_median_m2), sig.rcs_log10_sigma, size)


def critical_dimension_m(kind: str, preset: str | None = None) -> float:
    """Critical dimension (m) of an object kind; munitions (``mortar``/``rocket``) need their ``preset``."""
    if kind in ROUND_KINDS:
        if preset is None:
            raise ValueError(f"a {kind} needs its munition preset for a critical dimension")
        return munition_critical_dimension_m(preset)
    try:
        return SIGNATURES[kind].critical_dimension_m
    except KeyError:
        raise ValueError(f"no signature for kind {kind!r}; known: {', '.join(SIGNATURES)}") from None


def critical_dimensions(objects) -> np.ndarray:
    """(n,) critical dimensions (m) of truth objects (anything with ``kind`` and ``meta``, e.g.
    ``bastion.world.truth.TruthObject``), for :meth:`bastion.sense.eoir.EoirModel.scan`."""
    return np.array([critical_dimension_m(o.kind, (o.meta or {}).get("preset")) for o in objects], float)


# The track class a camera that recognises an object names it by (its kind otherwise): an FPV drone is a
# small quadcopter, a flock's members are birds.
RECOGNISED_AS = {"fpv": "quadcopter", "birds": "bird"}


def recognition_labels(objects) -> np.ndarray:
    """(n,) the class names a camera recognising truth objects (anything with ``kind``) gives them, for
    :meth:`bastion.sense.eoir.CuedCamera.look`."""
    return np.array([RECOGNISED_AS.get(o.kind, o.kind) for o in objects], dtype=object)


# Object kinds whose moving parts modulate a radar echo (micro-Doppler): rotors (quadcopters, FPV drones,
# helicopters), flapping wings (birds), propellers (one-way attack drones) and jet-engine blades
# (airliners). Rockets and mortar bombs in free flight have none.
MICRO_DOPPLER_KINDS = ("quadcopter", "fpv", "bird", "birds", "owa_drone", "helicopter", "aircraft")


def micro_doppler_signatures(objects) -> np.ndarray:
    """(n,) the class name a micro-Doppler classifier gives truth objects (anything with ``kind``) by their
    moving parts, ``""`` for objects without (rounds), for
    :meth:`bastion.sense.radar.RadarModel.micro_doppler_labels`."""
    return np.array([RECOGNISED_AS.get(o.kind, o.kind) if o.kind in MICRO_DOPPLER_KINDS else "" for o in objects],
                    dtype=object)
