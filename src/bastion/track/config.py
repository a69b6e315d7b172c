"""Tracker configuration: every tunable of ``bastion.track`` in one frozen record, with units."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bastion.physics.ballistic import GENERIC_DRAG_CURVE

MODEL_NAMES = ("cv", "ct", "ballistic")


@dataclass(frozen=True)
class TrackerConfig:
    """Parameters of :class:`bastion.track.Tracker`.

    The defaults suit the C-RAM engine: a 3-D surveillance radar with a 1 s revisit (drones, birds,
    aircraft) and a counter-mortar radar with a 0.5 s revisit (rockets up to ~400 m/s, mortars).

    Motion models (interacting multiple model filter):
        models: names of the IMM's models, a subset of ``("cv", "ct", "ballistic")`` in that order.
        mode_prior: initial model probabilities (same length as ``models``); None = defaults
            cv 0.6, ct 0.2, ballistic 0.2, renormalised over the chosen models.
        sojourn_s: mean time (s) a target stays in each model before switching; the transition
            probability over an interval dt is exp(-dt / sojourn) of staying, the rest shared equally.
            None = defaults cv 20 s, ct 10 s, ballistic 30 s.
        q_cv: nearly-constant-velocity white acceleration noise spectral density (m^2/s^3), per axis.
        q_ct: coordinated-turn horizontal acceleration noise density (m^2/s^3); vertical uses ``q_cv``.
        q_omega: coordinated-turn turn-rate random-walk density (rad^2/s^3).
        q_ballistic: ballistic model acceleration noise density (m^2/s^3), per axis.
        q_drag: random-walk density of the drag parameter k = 1/beta ((m^2/kg)^2/s).
        omega_sigma0: prior standard deviation of the turn rate at initiation (rad/s).
        omega_forget_s: time constant (s) with which the constant-velocity model forgets a turn rate: a
            target flying straight is not turning, so its turn-rate estimate relaxes to 0 +- omega_sigma0
            (an Ornstein-Uhlenbeck step). Without it the estimate held the value picked up in a hover (where
            heading means nothing) through tens of seconds of straight flight, and the coordinated-turn model
            took it back up from every mixing (docs/tracking.md).
        drag_k0, drag_sigma0: prior mean and standard deviation of k = 1/beta (m^2/kg), beta the
            ballistic coefficient m/(Cd A) in kg/m^2.
        gravity: gravitational acceleration (m/s^2) used by the ballistic model.
        rho0, scale_height: sea-level air density (kg/m^3) and its exponential scale height (m).
        drag_mach, drag_factor: the drag coefficient's Mach dependence f(M) (linear between the points,
            held beyond them), so that k is the low-Mach value and drag = rho |v|^2 k f(M) / 2. Default:
            the generic projectile curve of ``bastion.physics.ballistic`` (the rounds' own law). Empty
            tuples: constant drag, k then an effective value that lags the round's Mach number (the
            origin of a 107 mm rocket came out ~70 m beyond its launcher that way).
        sound_speed: speed of sound (m/s) for the Mach number: ISA sea level; within 2.3 % up to 2 km.
        wind_mps: the wind (east, north, up m/s; the base's met report, constant with height): the ballistic
            model's drag acts on the round's speed through the air, v - wind.
        wind_profile: a met report that gives the wind by height, rows (height m, east m/s, north m/s) with
            increasing heights (linear between, held beyond the ends); when given it is the wind, not
            ``wind_mps``.
        ballistic_substep_s: integration step (s) of the ballistic prediction, up to
            ``ballistic_max_substeps`` steps; a longer coast takes that many longer steps, so that one
            long-coasting track does not multiply the prediction cost of every scan. One Heun step is
            within 1.9 m and 0.52 m/s of a 0.01 s integration after a 5 s coast (0.05 m after 2 s,
            0.0003 m/s after a 0.5 s scan; measured on rounds at 120-300 m/s through the transonic drag
            rise), far below a coasting track's own uncertainty.
        ballistic_min_energy_speed, ballistic_energy_sd: a round in flight carries its launch energy: its
            energy speed sqrt(|v|^2 + 2 g h) (h the height above the site, m) is its launch speed less what
            drag took. At each update the ballistic model's probability is multiplied by
            exp(-0.5 ((min - v0) / sd)^2) where the other models' estimate has less than ``min`` (m/s): a
            slow, low track (a bird, 10 m/s at 60 m: 36 m/s) that the ballistic model fits within the radar's
            height noise would otherwise take that model and, coasting, fall at g (a bird's track was
            found 79 m below ground at -49 m/s and declared a drone). 60 m/s: a round reaching beyond
            400 m needs more (vacuum sqrt(g R) = 63 m/s at 400 m). 0 turns the rule off.

    Gating and association:
        gate_prob: probability mass of the chi-square validation gate (per measurement dimension).
        gate_sigmas: kd-tree pre-gate radius in standard deviations (of track position plus
            measurement, in metres, largest axis), before the exact chi-square test.
        range_rate_gate_extra_mps: allowance (m/s, added in quadrature to the range rate's innovation
            standard deviation) in the gate and association cost of a Doppler radar's plots, for the
            velocity changes between scans that the motion models' noise does not cover. A bird at 11
            m/s whose heading wanders 25 deg/sqrt(s) (the simulation's birds) changes velocity by about
            3.4 m/s rms in the counter-mortar radar's 0.5 s revisit, against 1.2 m/s from ``q_cv``; with
            a 1 m/s range rate its plots failed the gate on a turn and started second tracks (77 in 53
            dense runs, 59 on bird flocks, 4 declared hostile; with 3 m/s, 1 in 8 runs, docs/tracking.md).
            It widens the gate only: the update still weighs the range rate by the radar's own noise.
        association: ``"gnn"`` (global nearest neighbour per cluster) or ``"jpda"``.
        update_iterations: most EKF steps of one update with a polar or angle plot (iterated EKF,
            ``bastion.track.imm.update``); the steps after the first are taken only where the first
            one's linearisation misjudged the plot (a young track's wide prediction near the radar).
            1: the plain EKF. JPDA's combined pseudo-measurement is always updated in one step.
        pd: detection probability assumed by JPDA.
        clutter_density: clutter spatial density (1/m^3) assumed by JPDA.

    Initiation, confirmation, deletion:
        v_max: initiation velocity gate (m/s): two detections can start a track only if the speed
            between them is at most this (plus 3 sigma of measurement noise). 600 m/s: a 122 mm rocket
            peaks at 700 m/s (docs/models.md), but at counter-mortar radar ranges the 3-sigma noise
            allowance over 0.5 s adds well over 100 m/s; 1,000 m/s was tried (2026-11-25): rocket tracks
            confirmed no sooner, and twice as many clutter pairs started tentative tracks.
        init_max_dt: oldest a single unused detection may be (s) to pair with a new one.
        init_min_dt: shortest time (s) between the two initiating detections: closer pairs (e.g. the
            edges of adjacent sectors of one rotating-radar scan) carry no usable velocity.
        block_init_in_gate: detections inside the gate of a confirmed track never start a new track.
        confirm_m, confirm_n: a tentative track is confirmed once it has ``confirm_m`` hits in its
            last ``confirm_n`` opportunities (an opportunity is a batch of the sensor that made the
            track's latest update); it is deleted once that has become impossible.
        fast_confirm_m: hits among the last ``confirm_n`` opportunities that confirm a tentative track
            started by a pair surely faster than ``boost_min_speed`` and still that fast (most likely a
            round; the boost allowance's candidates, so it needs ``boost_accel_sd`` > 0); 0: such tracks
            need ``confirm_m`` like any other. Off by default: see benchmarks/history.md, "Faster
            confirmation of fast tracks", for what 3 buys and costs on the test base.
        boost_accel_sd: along-track acceleration (m/s^2, standard deviation) a tentative track faster than
            ``boost_min_speed`` may have: a rocket in boost. Its predictions get the spread of a random
            constant acceleration of this size along its velocity, and its starting velocity (the mean
            over the initiating pair) the lag such an acceleration causes. 200: the 122 mm rocket
            accelerates at about 350 m/s^2 for 1.9 s (docs/models.md); seen only by a 1 Hz radar below
            the counter-mortar radar's elevation cover, its young tracks missed every plot of the boost
            and were confirmed 4-5 s after launch (107 mm: 2.2 s). 0: off.
        boost_cross_k: across the track's velocity the same acceleration acts with this many standard
            deviations of the velocity's direction (rad) as a fraction of it: the thrust is along the true
            velocity, and a velocity from two plots 1 s apart near the launcher can point 10-20 deg off
            it (a 3-D radar's elevation noise); plots of tight noise, such as most clutter pairs', get a
            narrow gate. 2.5: a 122 mm rocket's second plot was 2.2 standard deviations of direction off.
        boost_min_advance: such a track takes a detection only if it lies at least this fraction of the
            track's speed times the interval ahead of its last position along its velocity (less 3
            standard deviations of that position's and the detection's noise): thrust only pushes forward
            (drag slows a round by a few per cent a second; a velocity from two plots 1 s apart is 10-15 %
            off at 150-250 m/s), and the gate the allowance widens both ways let a chain of plots through a
            bird flock become a 260 m/s track that stood still. 0: no such test.
        boost_min_speed: speed (m/s) above which a tentative track may be boosting (drones, birds and
            helicopters are slower); its initiating pair must be faster than this by 2 standard deviations
            of the plots' noise along its velocity (a drone 7 km out looked 260 m/s fast from two plots
            61 m apart in elevation noise).
        boost_max_age, boost_max_dt: the allowance is for tracks at most this old (s, first plot to state:
            a motor burns 0.8-1.9 s and the first plot comes 0.1-0.9 s after launch) and acts over at most
            this long (s) per prediction, and an initiating pair gets the lag only if at most this far
            apart: wider gates for longer gaps started chains of birds and clutter.
        max_misses: a confirmed track is deleted after this many consecutive misses.
        max_coast_s: ... or when it has not been updated for this long (s).
        max_pos_sigma: ... or when its position standard deviation (m, RMS over axes) exceeds this.
        below_ground_m: ... or, as landed, when its predicted height is below -``below_ground_m`` (m; the
            ground is height 0 of the site frame) and more than 2 of its height standard deviations below
            the ground: what it followed has hit the ground (a round's impact, a drone's dive). Coasting
            on, such tracks went hundreds of metres underground and were declared mortars (2026-11-25).
        quality_alpha: exponential smoothing factor of the track quality (hit = 1, miss = 0).

    Plots:
        plot_history: how many of its latest position plots each live track keeps (``Tracker.plots``;
            0: none), for the assessment's trajectory fit of young rockets. 64 covers about 20 s of a
            rocket seen by the counter-mortar radar (0.5 s revisit) and the surveillance radar (1 s).
    """

    models: tuple[str, ...] = MODEL_NAMES
    mode_prior: tuple[float, ...] | None = None
    sojourn_s: tuple[float, ...] | None = None
    q_cv: float = 3.0
    q_ct: float = 0.5
    q_omega: float = 0.01
    q_ballistic: float = 0.5
    q_drag: float = 1e-11
    omega_sigma0: float = 0.2
    omega_forget_s: float = 2.0
    drag_k0: float = 2e-4
    drag_sigma0: float = 2e-4
    gravity: float = 9.80665
    rho0: float = 1.225
    scale_height: float = 8500.0
    drag_mach: tuple[float, ...] = GENERIC_DRAG_CURVE.mach
    drag_factor: tuple[float, ...] = GENERIC_DRAG_CURVE.factor
    sound_speed: float = 340.294
    wind_mps: tuple[float, float, float] = (0.0, 0.0, 0.0)
    wind_profile: tuple[tuple[float, float, float], ...] = ()
    ballistic_substep_s: float = 1.0
    ballistic_max_substeps: int = 1
    ballistic_min_energy_speed: float = 60.0
    ballistic_energy_sd: float = 10.0

    gate_prob: float = 0.9995
    gate_sigmas: float = 5.0
    range_rate_gate_extra_mps: float = 3.0
    association: str = "gnn"
    update_iterations: int = 5
    pd: float = 0.9
    clutter_density: float = 1e-9

    v_max: float = 600.0
    init_max_dt: float = 2.5
    init_min_dt: float = 0.2
    block_init_in_gate: bool = True
    confirm_m: int = 4
    confirm_n: int = 5
    fast_confirm_m: int = 0
    boost_accel_sd: float = 200.0
    boost_cross_k: float = 2.5
    boost_min_advance: float = 0.5
    boost_min_speed: float = 150.0
    boost_max_age: float = 3.0
    boost_max_dt: float = 1.0
    max_misses: int = 3
    max_coast_s: float = 5.0
    max_pos_sigma: float = 300.0
    below_ground_m: float = 30.0
    quality_alpha: float = 0.25
    plot_history: int = 64

    def __post_init__(self) -> None:
        # Sequences given as lists become tuples: the record stays hashable (caches key on it).
        for name in ("models", "mode_prior", "sojourn_s", "drag_mach", "drag_factor", "wind_mps"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        object.__setattr__(self, "wind_profile", tuple(tuple(float(v) for v in row) for row in self.wind_profile))

    def check(self) -> None:
        """Raise ValueError on an inconsistent configuration."""
        if not self.models or any(m not in MODEL_NAMES for m in self.models):
            raise ValueError(f"models must be a non-empty subset of {MODEL_NAMES}, got {self.models}")
        if list(self.models) != [m for m in MODEL_NAMES if m in self.models]:
            raise ValueError(f"models must be listed in the order {MODEL_NAMES}")
        if len(self.priors()) != len(self.models) or len(self.sojourns()) != len(self.models):
            raise ValueError("mode_prior and sojourn_s need one entry per model")
        if self.association not in ("gnn", "jpda"):
            raise ValueError(f"association must be 'gnn' or 'jpda', got {self.association!r}")
        if not 1 <= self.update_iterations <= 20:
            raise ValueError(f"update_iterations must be 1 to 20, got {self.update_iterations}")
        if not 1 <= self.confirm_m <= self.confirm_n <= 62:
            raise ValueError("need 1 <= confirm_m <= confirm_n <= 62")
        if not 0 <= self.fast_confirm_m <= self.confirm_n:
            raise ValueError("need 0 <= fast_confirm_m <= confirm_n")
        if not self.omega_forget_s > 0.0:
            raise ValueError(f"need omega_forget_s > 0 (s), got {self.omega_forget_s}")
        if self.ballistic_substep_s <= 0.0 or self.ballistic_max_substeps < 1:
            raise ValueError("need ballistic_substep_s > 0 and ballistic_max_substeps >= 1")
        if self.ballistic_min_energy_speed < 0.0 or self.ballistic_energy_sd <= 0.0:
            raise ValueError("need ballistic_min_energy_speed >= 0 and ballistic_energy_sd > 0")
        if len(self.drag_mach) != len(self.drag_factor) or len(self.drag_mach) == 1:
            raise ValueError("drag_mach and drag_factor need the same length (0 for constant drag, else >= 2)")
        if self.boost_accel_sd < 0.0 or self.boost_min_speed < 0.0 or self.boost_cross_k < 0.0 \
                or self.boost_min_advance < 0.0:
            raise ValueError("need boost_accel_sd, boost_cross_k, boost_min_advance and boost_min_speed >= 0")
        if self.plot_history < 0:
            raise ValueError("plot_history must be >= 0")
        if not 0.0 < self.gate_prob < 1.0:
            raise ValueError("gate_prob must lie in (0, 1)")
        if len(self.wind_mps) != 3 or not all(math.isfinite(w) for w in self.wind_mps):
            raise ValueError(f"wind_mps must be three finite numbers (east, north, up m/s), got {self.wind_mps}")
        rows = self.wind_profile
        if rows and (any(len(r) != 3 or not all(math.isfinite(v) for v in r) for r in rows)
                     or any(b[0] <= a[0] for a, b in zip(rows, rows[1:], strict=False))):
            raise ValueError("wind_profile: rows (height, east, north) of finite numbers, heights increasing")

    def priors(self) -> tuple[float, ...]:
        """Initial model probabilities, normalised to sum to one."""
        raw = self.mode_prior or tuple(_DEFAULT_PRIOR[m] for m in self.models)
        total = float(sum(raw))
        return tuple(float(v) / total for v in raw)

    def sojourns(self) -> tuple[float, ...]:
        """Mean sojourn time (s) per model."""
        return self.sojourn_s or tuple(_DEFAULT_SOJOURN[m] for m in self.models)


_DEFAULT_PRIOR = {"cv": 0.6, "ct": 0.2, "ballistic": 0.2}
_DEFAULT_SOJOURN = {"cv": 20.0, "ct": 10.0, "ballistic": 30.0}
