"""Motion models of the IMM, vectorised over K states at once.

Every model works on the same augmented state (so that IMM mixing is a plain weighted sum):

    x = [e, n, u, ve, vn, vu, omega, k]      (m, m/s, rad/s, m^2/kg)

``omega`` is the horizontal turn rate (counter-clockwise seen from above, i.e. from east towards north)
used by the coordinated-turn model, ``k = 1/beta`` the inverse ballistic coefficient used by the
ballistic model (drag deceleration = rho(u) |v|^2 k / 2). Models that do not use a component carry it
unchanged with a small random walk, so that its estimate survives the time a target spends elsewhere;
except that the constant-velocity model forgets the turn rate (a straight flyer is not turning:
``TrackerConfig.omega_forget_s``).

Each ``predict_*`` function returns the predicted states (K, 8) and the Jacobians F (K, 8, 8) of the
transition, for an extended Kalman prediction; ``process_noise`` gives Q (K, 8, 8) for an elapsed time.
"""

from __future__ import annotations

import functools

import numpy as np

from bastion.physics.ballistic import DragCurve, WindProfile, energy_speed
from bastion.track.config import TrackerConfig

STATE_DIM = 8
OMEGA = 6
KDRAG = 7


def state_dim(models) -> int:
    """Augmented state size for a model set: the drag parameter k exists only with the ballistic
    model (7 otherwise), which saves a quarter of the covariance arithmetic for drone-only work."""
    return STATE_DIM if "ballistic" in models else STATE_DIM - 1


_EYE3 = np.eye(3)
_EYE_STACKS: dict[tuple[int, int], np.ndarray] = {}


def _eye_stack(k: int, d: int = STATE_DIM) -> np.ndarray:
    """A fresh (k, d, d) stack of identities (copied from a cached one: this runs thousands of times a run
    on a dozen tracks, where building it costs more than copying)."""
    eye = _EYE_STACKS.get((k, d))
    if eye is None:
        eye = _EYE_STACKS.setdefault((k, d), np.broadcast_to(np.eye(d), (k, d, d)).copy())
    return eye.copy()


def predict_cv(x: np.ndarray, dt: np.ndarray, cfg: TrackerConfig) -> tuple[np.ndarray, np.ndarray]:
    """Nearly constant velocity: states (K, D) moved by dt (K,) seconds; the turn rate relaxes towards 0
    (:func:`omega_decay`; its variance's relaxation is in :func:`process_noise`)."""
    F = _eye_stack(x.shape[0], x.shape[1])
    idx = np.arange(3)
    F[:, idx, idx + 3] = dt[:, None]
    a = omega_decay(dt, cfg)
    F[:, OMEGA, OMEGA] = a
    xp = x.copy()
    xp[:, :3] += x[:, 3:6] * dt[:, None]
    xp[:, OMEGA] *= a
    return xp, F


def omega_decay(dt: np.ndarray, cfg: TrackerConfig) -> np.ndarray:
    """exp(-|dt| / omega_forget_s) (K,): the share of its turn rate the constant-velocity model keeps
    over dt (s)."""
    return np.exp(-np.abs(dt) / cfg.omega_forget_s)


def predict_ct(x: np.ndarray, dt: np.ndarray, cfg: TrackerConfig) -> tuple[np.ndarray, np.ndarray]:
    """Coordinated turn in the horizontal plane with estimated turn rate; constant vertical velocity."""
    w = x[:, OMEGA]
    ve, vn = x[:, 3], x[:, 4]
    wt = w * dt
    small = np.abs(wt) < 1e-4
    w_safe = np.where(small, 1.0, w)
    s, c = np.sin(wt), np.cos(wt)
    # A = sin(wT)/w and B = (1 - cos(wT))/w, with their w-derivatives; Taylor series near w = 0 where
    # the closed forms lose all precision.
    A = np.where(small, dt - w**2 * dt**3 / 6.0, s / w_safe)
    B = np.where(small, w * dt**2 / 2.0, (1.0 - c) / w_safe)
    dA = np.where(small, -w * dt**3 / 3.0, (dt * c * w - s) / w_safe**2)
    dB = np.where(small, dt**2 / 2.0 - w**2 * dt**4 / 8.0, (dt * s * w - (1.0 - c)) / w_safe**2)
    xp = x.copy()
    xp[:, 0] = x[:, 0] + A * ve - B * vn
    xp[:, 1] = x[:, 1] + B * ve + A * vn
    xp[:, 2] = x[:, 2] + x[:, 5] * dt
    xp[:, 3] = c * ve - s * vn
    xp[:, 4] = s * ve + c * vn
    F = _eye_stack(x.shape[0], x.shape[1])
    F[:, 0, 3], F[:, 0, 4], F[:, 0, OMEGA] = A, -B, dA * ve - dB * vn
    F[:, 1, 3], F[:, 1, 4], F[:, 1, OMEGA] = B, A, dB * ve + dA * vn
    F[:, 2, 5] = dt
    F[:, 3, 3], F[:, 3, 4], F[:, 3, OMEGA] = c, -s, -dt * xp[:, 4]
    F[:, 4, 3], F[:, 4, 4], F[:, 4, OMEGA] = s, c, dt * xp[:, 3]
    return xp, F


@functools.cache
def _drag_curve(mach: tuple[float, ...], factor: tuple[float, ...]) -> DragCurve:
    return DragCurve(mach, factor)


def _drag_factor(speed: np.ndarray, cfg: TrackerConfig) -> tuple[np.ndarray, np.ndarray]:
    """f(M) and df/d|v| (s/m) of the configured Mach drag law at speeds (K,) m/s."""
    if not cfg.drag_mach:
        return np.ones_like(speed), np.zeros_like(speed)
    f, df_dm = _drag_curve(cfg.drag_mach, cfg.drag_factor).value_and_slope(speed / cfg.sound_speed)
    return f, df_dm / cfg.sound_speed


def ballistic_accel(p: np.ndarray, v: np.ndarray, k: np.ndarray, cfg: TrackerConfig):
    """Acceleration (K, 3) m/s^2 of a ballistic body: gravity plus drag rho |v_a|^2 k f(M) / 2 against its
    velocity through the air v_a = v - ``cfg.wind_mps`` in an exponential atmosphere (k the low-Mach drag
    parameter, f the configured Mach law), with the partial derivatives w.r.t. altitude u (K, 3), velocity
    (K, 3, 3) and k (K, 3)."""
    rho = cfg.rho0 * np.exp(-np.maximum(p[:, 2], -1000.0) / cfg.scale_height)
    profile = _wind_profile(cfg.wind_profile) if cfg.wind_profile else None
    if profile is not None:  # the wind at each body's height; its shear enters the altitude derivative
        v = v - profile.at(p[:, 2])
    elif any(cfg.wind_mps):
        v = v - np.asarray(cfg.wind_mps, float)
    speed = np.sqrt(np.add.reduce(v * v, axis=1))  # np.linalg.norm's own sum, without its overhead
    # Drag is computed at no more than 3 km/s: beyond any round this tracker follows, and it keeps a
    # wild tentative track from overflowing before it is deleted.
    slow = np.minimum(1.0, 3000.0 / np.maximum(speed, 1e-9))
    v = v * slow[:, None]
    speed = speed * slow
    f, df_ds = _drag_factor(speed, cfg)
    half = 0.5 * rho * speed * f
    a = -(k * half)[:, None] * v
    a[:, 2] -= cfg.gravity
    da_dk = -half[:, None] * v
    da_du = (k * half / cfg.scale_height)[:, None] * v
    sp = np.where(speed > 1e-9, speed, 1.0)
    vv = v[:, :, None] * v[:, None, :] / sp[:, None, None]
    # d(f |v| v)/dv = f (|v| I + v v'/|v|) + (df/d|v|) |v| (v v'/|v|)
    da_dv = -(0.5 * k * rho)[:, None, None] * (
        (f * speed)[:, None, None] * _EYE3 + (f + df_ds * speed)[:, None, None] * vv)
    if profile is not None:  # v_a = v - w(u): d a / d u gains -(d a / d v_a) (d w / d u)
        da_du = da_du - np.einsum("kij,kj->ki", da_dv, profile.shear(p[:, 2]) * slow[:, None])
    return a, da_du, da_dv, da_dk


@functools.lru_cache(maxsize=8)
def _wind_profile(rows: tuple[tuple[float, float, float], ...]) -> WindProfile:
    """The met report's wind by height (rows height, east, north) as a profile, built once per report."""
    return WindProfile.from_rows(rows)


def ballistic_energy_loglik(x: np.ndarray, cfg: TrackerConfig) -> np.ndarray:
    """Log plausibility (K,) of states x (K, >=6) as rounds in flight: 0 where the energy speed
    sqrt(|v|^2 + 2 g max(u, 0)) (m/s) reaches ``cfg.ballistic_min_energy_speed``, a Gaussian fall-off of
    width ``cfg.ballistic_energy_sd`` below it."""
    v0 = energy_speed(np.einsum("ki,ki->k", x[:, 3:6], x[:, 3:6]), x[:, 2], cfg.gravity)
    short = np.clip(cfg.ballistic_min_energy_speed - v0, 0.0, None) / cfg.ballistic_energy_sd
    return -0.5 * short**2


def predict_ballistic(
    x: np.ndarray, dt: np.ndarray, cfg: TrackerConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Gravity and drag, with the drag parameter k estimated; integrated in equal sub-steps no longer
    than ``cfg.ballistic_substep_s`` (at most ``cfg.ballistic_max_substeps`` of them, longer beyond) with
    Heun's method (the acceleration at both ends of a sub-step; position from the linear-in-time
    acceleration); F is the exact Jacobian of that map. Each track takes as many sub-steps as its own dt
    needs (up to the cap), so one long coast does not slow the rest."""
    K = x.shape[0]
    n_i = np.clip(np.ceil(np.abs(dt) / cfg.ballistic_substep_s), 1, cfg.ballistic_max_substeps).astype(np.int64)
    n_max = int(n_i.max(initial=1))
    h = dt / n_i
    xp = x.copy()
    F = _eye_stack(K, x.shape[1])
    uniform = bool(np.all(n_i == n_max))
    for s in range(n_max):
        if uniform:
            xp, step = _heun_step(xp, h, cfg)
            F = step if s == 0 else step @ F  # the first sub-step's map is the whole one so far
        else:
            rows = np.flatnonzero(n_i > s)
            xs, step = _heun_step(xp[rows], h[rows], cfg)
            xp[rows] = xs
            F[rows] = step @ F[rows]
    return xp, F


def _heun_step(x: np.ndarray, h: np.ndarray, cfg: TrackerConfig) -> tuple[np.ndarray, np.ndarray]:
    """One Heun sub-step of length h (K,) of the ballistic model and its exact Jacobian (K, D, D)."""
    K, D = x.shape
    eye3 = _EYE3
    h2 = 0.5 * h * h
    p, v, k = x[:, :3], x[:, 3:6], x[:, KDRAG]
    a, G = _accel_and_jacobian(p, v, k, cfg)
    # Euler predictor to the end of the sub-step, and its Jacobian E.
    p_end = p + v * h[:, None] + a * h2[:, None]
    v_end = v + a * h[:, None]
    E = _eye_stack(K, D)
    E[:, 0:3, 3:6] += h[:, None, None] * eye3
    E[:, 0:3, :] += h2[:, None, None] * G
    E[:, 3:6, :] += h[:, None, None] * G
    a_end, G_end = _accel_and_jacobian(p_end, v_end, k, cfg)
    GE = G_end @ E
    # Heun corrector: average accelerations (position from the linear-in-time acceleration).
    new = x.copy()
    new[:, :3] = p + v * h[:, None] + (a / 3.0 + a_end / 6.0) * (h * h)[:, None]
    new[:, 3:6] = v + 0.5 * (a + a_end) * h[:, None]
    step = _eye_stack(K, D)
    step[:, 0:3, 3:6] += h[:, None, None] * eye3
    step[:, 0:3, :] += (h * h)[:, None, None] * (G / 3.0 + GE / 6.0)
    step[:, 3:6, :] += (0.5 * h)[:, None, None] * (G + GE)
    return new, step


def _accel_and_jacobian(p, v, k, cfg: TrackerConfig):
    """Ballistic acceleration (K, 3) and its Jacobian (K, 3, 8) w.r.t. the augmented state."""
    a, da_du, da_dv, da_dk = ballistic_accel(p, v, k, cfg)
    G = np.zeros((p.shape[0], 3, STATE_DIM))
    G[:, :, 2] = da_du
    G[:, :, 3:6] = da_dv
    G[:, :, KDRAG] = da_dk
    return a, G


PREDICTORS = {"cv": predict_cv, "ct": predict_ct, "ballistic": predict_ballistic}


def _noise_templates(model: str, cfg: TrackerConfig, d: int) -> np.ndarray:
    """Q(dt) = |dt|^3 T[2] + |dt|^2 T[1] + |dt| T[0]: the three constant (8, 8) templates of a model
    (discretised continuous white-noise acceleration on position/velocity, random walks on the rest)."""
    T = np.zeros((3, d, d))
    if model == "cv":
        q_axes = (cfg.q_cv, cfg.q_cv, cfg.q_cv)
    elif model == "ct":
        q_axes = (cfg.q_ct, cfg.q_ct, cfg.q_cv)
    else:
        q_axes = (cfg.q_ballistic,) * 3
    for ax, q in enumerate(q_axes):
        T[2, ax, ax] = q / 3.0
        T[1, ax, ax + 3] = T[1, ax + 3, ax] = q / 2.0
        T[0, ax + 3, ax + 3] = q
    # Unused augmented components get a small random walk: keeps covariances positive definite and
    # lets the turn rate and drag estimates follow slow changes.
    T[0, OMEGA, OMEGA] = cfg.q_omega
    if d > KDRAG:
        T[0, KDRAG, KDRAG] = cfg.q_drag
    return T


# (model, id(config), d) -> (config, templates): keyed on the config's identity, as hashing a frozen
# config of thirty fields cost more than the noise itself (checked against the config kept alongside).
_TEMPLATE_CACHE: dict = {}


def process_noise(model: str, dt: np.ndarray, cfg: TrackerConfig, d: int = STATE_DIM) -> np.ndarray:
    """Q (K, d, d) of ``model`` over elapsed times dt (K,) seconds (elapsed-time aware, so sensors at
    any revisit rate and out-of-step updates get consistent noise)."""
    key = (model, id(cfg), d)
    entry = _TEMPLATE_CACHE.get(key)
    if entry is None or entry[0] is not cfg:
        entry = _TEMPLATE_CACHE[key] = (cfg, _noise_templates(model, cfg, d).reshape(3, -1))
    T = entry[1]
    adt = np.abs(dt)
    powers = np.empty((adt.shape[0], 3))
    powers[:, 0], powers[:, 1], powers[:, 2] = adt, adt * adt, adt * adt * adt
    Q = (powers @ T).reshape(-1, d, d)
    if model == "cv":  # the forgotten turn rate's variance relaxes to the prior's
        Q[:, OMEGA, OMEGA] += (1.0 - omega_decay(dt, cfg) ** 2) * cfg.omega_sigma0**2
    return Q


def transition_matrix(sojourn: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """Model switching probabilities Pi (K, M, M) over elapsed times dt (K,): row i, column j is the
    probability of moving from model i to model j. Staying has probability exp(-dt/sojourn_i)."""
    M = sojourn.shape[0]
    stay = np.exp(-np.abs(dt)[:, None] / sojourn[None, :])  # (K, M)
    if M == 1:
        return np.ones((dt.shape[0], 1, 1))
    Pi = np.broadcast_to(((1.0 - stay) / (M - 1))[:, :, None], (dt.shape[0], M, M)).copy()
    idx = np.arange(M)
    Pi[:, idx, idx] = stay
    return Pi
