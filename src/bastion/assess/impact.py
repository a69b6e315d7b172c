"""Where and when a threat will hit.

Ballistic tracks: the filtered state is flown forward with the drag model (``bastion.physics``) to the
ground; the error ellipse comes from flying the unscented sigma points of the state covariance too
(Julier and Uhlmann's unscented transform), all tracks and all sigma points in one vectorised call.

Drone tracks: the asset whose footprint the current ground track runs into first, and when it gets
there at the current ground speed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.assess.boost_back import BoostBackTable, boost_back_table, boost_corrected, rocket_rounds
from bastion.covariance import psd_cholesky
from bastion.physics.ballistic import GENERIC_DRAG_CURVE, integrate_to_ground
from bastion.physics.rounds import PRESETS

# Ballistic coefficients (kg/m^2) used when the tracker has no estimate: the low-Mach beta = m / (Cd0 A)
# of the munition presets (docs/models.md): 107 mm rocket after burnout (8,387), 81 mm mortar bomb
# (7,194), the 105 mm howitzer's shell (11,603; since 2026-12-07, when the library got a gun: 8,000 was
# assumed before). Earlier figures (4,000 and 2,500) were half and a third of the presets' and put rocket
# impacts short by 100 m and more.
DEFAULT_BETA = {"rocket": 8400.0, "mortar": 7200.0, "artillery": 11600.0}
# Rockets differ too much for one prior: the 122 mm's beta (16,150 kg/m^2) is twice the 107 mm's, and a
# 122 mm rocket fused with the 107 mm prior landed hundreds of metres long in the prediction. The
# candidates are the threat library's rockets: (beta kg/m^2, the fastest the round flies after burnout
# m/s, its published peak speed).
ROCKET_ROUNDS = rocket_rounds()
ROCKET_PRIORS = tuple((m.beta, float(m.max_speed_mps or np.inf)) for m in ROCKET_ROUNDS)
SPEED_MARGIN = 1.15  # a track this much faster than a candidate's peak speed cannot be that round
# An origin whose 95 % ellipse is longer (semi-major axis, m) than the farthest any round of the threat
# library reaches says nothing of where it was fired from: it is not reported (a 122 mm rocket fired from
# 2 km, tracked for a second before impact, once had its origin 2,900 km out, inside its own ellipse).
ORIGIN_MAX_SEMI_MAJOR_M = max(m.max_range_m for m in PRESETS.values())
CHI2_2DOF_95 = 5.991464547107979  # chi-square 0.95 quantile, 2 degrees of freedom
PREDICT_DT_S = 1.0  # RK4 step (s): drag and gravity vary smoothly; 1 s lands within a metre of 0.05 s
MAX_FLIGHT_S = 200.0
# Calibration of the ellipses (variance factors on the unscented east-north covariance), measured by
# benchmarks/assess_warn.py so that the 95 % ellipse holds the truth in about 95 % of cases
# (docs/assessment.md, "Ellipse calibration").
# First measured over 80 rounds (2 seeds): the 95th percentile of the truth's squared Mahalanobis
# distance was 0.42, 0.47 and 0.73 of the chi-square 95 % point at 20, 10 and 5 s before impact, 0.83 for
# the origin; one factor 0.5 then. Per class since 2026-11-25, from the dense benchmark's runs on seeds
# 3000-3023 (720 mortars, 480 rockets; the tracker with the Mach drag law): the factor that puts the 95th
# percentile on the chi-square point was 0.38 / 0.33 / 0.45 for mortars and 0.77 / 0.71 / 0.81 for
# rockets (20 / 10 / 5 s before impact), 0.49 (rockets) and 0.44 (mortars) for the origin. Checked on
# other seeds (3100-3152, benchmarks/README.md).
IMPACT_COV_SCALE = 0.5  # classes without a factor of their own
IMPACT_COV_SCALE_BY_CLASS = {"mortar": 0.4, "rocket": 0.75}
ORIGIN_COV_SCALE = 0.45


# The mortars' factor by time to impact: (seconds before impact, factor) knots, linear between, held
# beyond the ends. From the dense benchmark's calibration seeds 3000-3023 (720 mortars, 2026-12-03, main
# with the rocket fit): the factor that puts the 95th percentile of the truth's squared Mahalanobis
# distance on the chi-square point was 0.38 / 0.40 / 0.50 at 20 / 10 / 5 s. (Before: 0.4 ramped to 0.45
# over the last 10-5 s, from seeds 3000-3023 of 2026-11-25: 0.38 / 0.33 / 0.45.) In its last seconds a
# mortar bomb's filtered ellipse is too tight for one factor (docs/assessment.md).
IMPACT_COV_SCALE_BY_TIME = {"mortar": ((5.0, 0.50), (10.0, 0.40), (20.0, 0.38))}


def impact_cov_scale(classes, t_go=None) -> np.ndarray:
    """The ellipse calibration factor (:data:`IMPACT_COV_SCALE_BY_CLASS`) of each track's class; with the
    times to impact ``t_go`` (s, one per track), the class's factor at that time
    (:data:`IMPACT_COV_SCALE_BY_TIME`) where it has one (NaN time: the class factor)."""
    scale = np.array([IMPACT_COV_SCALE_BY_CLASS.get(c, IMPACT_COV_SCALE) for c in classes], float)
    if t_go is None:
        return scale
    t_go = np.asarray(t_go, float)
    for k, c in enumerate(classes):
        knots = IMPACT_COV_SCALE_BY_TIME.get(c)
        if knots is not None and np.isfinite(t_go[k]):
            scale[k] = np.interp(t_go[k], [a for a, _ in knots], [b for _, b in knots])
    return scale


@dataclass(frozen=True)
class ImpactPrediction:
    """Arrays over the predicted tracks: impact point (N,3) ENU m, impact time (N,) s, east-north
    covariance (N,2,2) m^2, and the impact time's standard deviation (N,) s (the sigma points' spread in
    flight time; None where not computed)."""

    impact: np.ndarray
    t_impact: np.ndarray
    cov_en: np.ndarray
    t_impact_sd: np.ndarray | None = None


def unscented_points(x: np.ndarray, P: np.ndarray, kappa: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Sigma points (N, 2n+1, n) and weights (2n+1,) of states x (N, n) with covariances P (N, n, n)."""
    n = x.shape[1]
    lam = kappa  # alpha = 1, beta = 0: the symmetric set with weights lam / (n + lam) at the centre
    # Cholesky of the correlation matrix (with a little jitter), scaled back: the components differ by
    # orders of magnitude (metres against the drag parameter's 1e-4 m^2/kg), so an absolute jitter would
    # swamp the small ones.
    d = np.sqrt(np.clip(np.einsum("nii->ni", P), 1e-30, None))  # (N, n)
    C = P / (d[:, :, None] * d[:, None, :]) + 1e-9 * np.eye(n)
    S = np.sqrt(n + lam) * d[:, :, None] * psd_cholesky(C)  # (N, n, n); columns are the offsets
    offsets = np.swapaxes(S, 1, 2)  # (N, n, n): row k is column k of S
    pts = np.concatenate([x[:, None, :], x[:, None, :] + offsets, x[:, None, :] - offsets], axis=1)
    w = np.full(2 * n + 1, 1.0 / (2.0 * (n + lam)))
    w[0] = lam / (n + lam)
    return pts, w


K_MIN = 1e-6  # m^2/kg: smallest drag parameter a sigma point may carry (beta = 1e6 kg/m^2, near vacuum)
# Relative standard deviation of the class's default drag parameter as a prior (the 107 mm and 122 mm
# rockets' betas differ by a factor of two; the mortars' 60-120 mm span 4,400-10,100 kg/m^2).
PRIOR_K_REL_SD = 0.5


def _with_drag_prior(x: np.ndarray, P: np.ndarray, beta: np.ndarray):
    """States (N, 7) whose k is the tracker's low-Mach drag estimate (its ballistic model carries the
    generic Mach law, ``bastion.track.config``), fused with the class's default k = 1/beta (relative sd
    PRIOR_K_REL_SD) where ``beta`` is finite."""
    x, P = x.copy(), P.copy()
    k_t, v_t = x[:, 6], P[:, 6, 6]
    b = np.asarray(beta, float)
    has = np.isfinite(b) & (b > 0)
    k_p = np.where(has, 1.0 / np.where(has, b, 1.0), 0.0)
    v_p = np.where(has, (PRIOR_K_REL_SD * k_p) ** 2, np.inf)
    w = np.where(has, v_t / (v_t + np.where(has, v_p, 1.0)), 0.0)  # weight of the prior
    x[:, 6] = (1.0 - w) * k_t + w * k_p
    shrink = np.sqrt(1.0 - w)  # the fused variance (1 - w) v_t; cross terms scaled alike
    P[:, 6, :] *= shrink[:, None]
    P[:, :, 6] *= shrink[:, None]
    return x, P


def drag_priors(classes, x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, list[str | None]]:
    """Each track's drag prior: the ballistic coefficient (kg/m^2) and, for rockets, the threat-library
    round (name) it is taken for (None for other classes, or without the drag state). The class default,
    except for rockets, where of the candidate rounds (:data:`ROCKET_PRIORS`) that can fly as fast as the
    track does, the one whose drag best explains the tracker's own estimate is taken (the largest marginal
    likelihood N(k_track; k_candidate, var_track + var_candidate), k = 1/beta at low Mach). States x (N, 7)
    carry the tracker's low-Mach drag parameter k (m^2/kg) as the last component, with covariance P
    (N, 7, 7)."""
    beta = np.array([DEFAULT_BETA.get(c, np.nan) for c in classes], float)
    rounds: list[str | None] = [None] * len(classes)
    rocket = np.flatnonzero([c == "rocket" for c in classes])
    if rocket.size == 0 or x.shape[1] < 7:
        return beta, rounds
    choice = _rocket_choice(x[rocket], P[rocket])
    beta[rocket] = np.array([b for b, _ in ROCKET_PRIORS])[choice]
    for k, j in zip(rocket.tolist(), choice.tolist(), strict=True):
        rounds[k] = ROCKET_ROUNDS[j].name
    return beta, rounds


def drag_prior_beta(classes, x: np.ndarray, P: np.ndarray) -> np.ndarray:
    """The ballistic coefficients (kg/m^2) of :func:`drag_priors`."""
    return drag_priors(classes, x, P)[0]


def _rocket_choice(xr: np.ndarray, Pr: np.ndarray) -> np.ndarray:
    """Index into :data:`ROCKET_PRIORS` of the candidate round for rocket states xr (N, 7), Pr (N, 7, 7)."""
    k_t, v_t = xr[:, 6], Pr[:, 6, 6]
    speed = np.linalg.norm(xr[:, 3:6], axis=1)
    cand_beta = np.array([b for b, _ in ROCKET_PRIORS])
    cand_vmax = np.array([v for _, v in ROCKET_PRIORS])
    k_c = 1.0 / cand_beta
    var = v_t[:, None] + (PRIOR_K_REL_SD * k_c[None, :]) ** 2
    score = -0.5 * (k_t[:, None] - k_c[None, :]) ** 2 / var - 0.5 * np.log(var)
    feasible = speed[:, None] <= SPEED_MARGIN * cand_vmax[None, :]
    feasible[~feasible.any(axis=1), -1] = True  # faster than every candidate: the fastest one
    score = np.where(feasible, score, -np.inf)
    return np.argmax(score, axis=1)


def _fly_sigma_points(x, P, beta, ground_up, site_alt_m, directions, tables=None, wind=(0.0, 0.0, 0.0)):
    """Fly the unscented sigma points of states x (N, 6) or (N, 7) (the 7th component the drag parameter
    k = 1/beta, m^2/kg, whose uncertainty then widens the ellipse) to the ground, once per entry of
    ``directions`` (False forward to the impact, True backwards to the origin), all in one batch; with
    ``tables`` (one :class:`BoostBackTable` or None per track), each back-flown point is moved to its
    launcher; ``wind`` (east, north, up m/s) carries the drag. Returns per direction the mean ground point
    (N, 3), the mean signed flight time (N,), the east-north covariance (N, 2, 2) and the flight time's
    standard deviation (N,)."""
    n_trk, dim = x.shape
    if dim == 7:
        x, P = _with_drag_prior(x, P, beta)
    pts, w = unscented_points(x, P)
    k = pts.shape[1]
    flat = pts.reshape(-1, dim).copy()
    # Sigma points born below ground (a track near impact) are lifted to it: they have landed.
    flat[:, 2] = np.maximum(flat[:, 2], ground_up + 1e-3)
    if dim == 7:
        b = 1.0 / np.maximum(flat[:, 6], K_MIN)
    else:
        b = np.repeat(np.asarray(beta, float), k)
    m = flat.shape[0]
    n_dir = len(directions)
    back = directions[0] if n_dir == 1 else np.repeat(np.asarray(directions, bool), m)
    t_all, p_all, v_all = integrate_to_ground(
        np.tile(flat[:, :3], (n_dir, 1)), np.tile(flat[:, 3:6], (n_dir, 1)), np.tile(b, n_dir),
        dt=PREDICT_DT_S, t_max=MAX_FLIGHT_S, ground_up=ground_up, site_alt_m=site_alt_m, backwards=back,
        drag_curve=GENERIC_DRAG_CURVE if dim == 7 else None, wind=wind,
    )
    out = []
    for j, backwards in enumerate(directions):
        t_hit = t_all[j * m:(j + 1) * m].reshape(n_trk, k)
        p_hit = p_all[j * m:(j + 1) * m].reshape(n_trk, k, 3)
        if backwards and tables is not None:
            v_hit = v_all[j * m:(j + 1) * m].reshape(n_trk, k, 3)
            for i, table in enumerate(tables):
                if table is not None:
                    p_hit[i] = boost_corrected(p_hit[i], v_hit[i], table)
        # A sigma point that never lands inside the horizon (NaN) falls back on the centre point.
        bad = ~np.isfinite(t_hit)
        t_hit = np.where(bad, t_hit[:, :1], t_hit)
        p_hit = np.where(bad[..., None], p_hit[:, :1], p_hit)
        mean = np.einsum("k,nkd->nd", w, p_hit)
        t_mean = np.einsum("k,nk->n", w, t_hit)
        d = p_hit[:, :, :2] - mean[:, None, :2]
        t_sd = np.sqrt(np.maximum(np.einsum("k,nk->n", w, (t_hit - t_mean[:, None]) ** 2), 0.0))
        out.append((mean, t_mean, np.einsum("k,nki,nkj->nij", w, d, d), t_sd))
    return out


def _boost_tables(rounds: list[str | None] | None) -> list[BoostBackTable | None] | None:
    """The boost correction table of each track's rocket (None: no boost), or None when there is none."""
    if rounds is None or all(r is None for r in rounds):
        return None
    return [None if r is None else boost_back_table(r, PREDICT_DT_S) for r in rounds]


def predict_ballistic_impact(
    t_now: float | np.ndarray, x: np.ndarray, P: np.ndarray, beta: np.ndarray, *, ground_up: float = 0.0,
    site_alt_m: float = 0.0, cov_scale: float | np.ndarray = IMPACT_COV_SCALE, wind=(0.0, 0.0, 0.0),
) -> ImpactPrediction:
    """Impact points and times of N ballistic tracks with states x (N,6) and covariances P (N,6,6)
    at times ``t_now`` (s, scalar or (N,)), ballistic coefficients ``beta`` (N,) kg/m^2, flown with
    constant drag (a class default). With states (N,7) whose last component is the tracker's low-Mach drag
    parameter k = 1/beta (m^2/kg) and its covariance, drag follows the generic Mach curve of
    ``bastion.physics`` (as in the tracker's ballistic model): that k is fused with the low-Mach prior
    1/``beta`` (NaN: none), and its uncertainty carried into the ellipse. ``cov_scale`` (scalar or (N,))
    multiplies the east-north covariance (the calibration of docs/assessment.md); ``wind`` (east, north, up
    m/s, the met report) is the air the drag acts against."""
    if x.shape[0] == 0:
        return ImpactPrediction(np.zeros((0, 3)), np.zeros(0), np.zeros((0, 2, 2)))
    [(mean, t_mean, cov, t_sd)] = _fly_sigma_points(x, P, beta, ground_up, site_alt_m, (False,), wind=wind)
    return ImpactPrediction(mean, t_now + t_mean, cov * np.reshape(cov_scale, (-1, 1, 1)), t_sd)


def predict_ballistic_origin(
    x: np.ndarray, P: np.ndarray, beta: np.ndarray, *, ground_up: float = 0.0, site_alt_m: float = 0.0,
    cov_scale: float = ORIGIN_COV_SCALE, rounds: list[str | None] | None = None, wind=(0.0, 0.0, 0.0),
) -> ImpactPrediction:
    """Point of origin of N ballistic tracks: the states flown backwards in time to the ground, with the
    ellipse from the unscented transform. Returns the origin (N,3), the flight time back to it (N,) (s,
    positive: how long ago it was fired, counted from the state time) and the east-north covariance.
    States may carry the drag parameter as a 7th component, as in :func:`predict_ballistic_impact`.

    A rocket's arc flown back meets the ground beyond its launcher (the boost): ``rounds`` names, per
    track, the threat-library rocket it is taken for (None: no boost), whose boost correction
    (``bastion.assess.boost_back``) then moves the point to the launcher. The flight time stays that of
    the ballistic arc (and the correction that of still air: ``wind`` carries the arc only).
    """
    if x.shape[0] == 0:
        return ImpactPrediction(np.zeros((0, 3)), np.zeros(0), np.zeros((0, 2, 2)))
    [(mean, t_mean, cov, t_sd)] = _fly_sigma_points(x, P, beta, ground_up, site_alt_m, (True,),
                                                    _boost_tables(rounds), wind)
    return ImpactPrediction(mean, -t_mean, cov * cov_scale, t_sd)


def predict_ballistic_impact_and_origin(
    t_now: float | np.ndarray, x: np.ndarray, P: np.ndarray, beta: np.ndarray, *, ground_up: float = 0.0,
    site_alt_m: float = 0.0, cov_scale: float | np.ndarray = IMPACT_COV_SCALE,
    origin_cov_scale: float = ORIGIN_COV_SCALE, rounds: list[str | None] | None = None, wind=(0.0, 0.0, 0.0),
) -> tuple[ImpactPrediction, ImpactPrediction]:
    """:func:`predict_ballistic_impact` and :func:`predict_ballistic_origin` of the same states, the sigma
    points flown forward and backwards in one batch (the engine's every cycle: half the integrator's
    per-step cost); the same results as the two calls."""
    if x.shape[0] == 0:
        empty = ImpactPrediction(np.zeros((0, 3)), np.zeros(0), np.zeros((0, 2, 2)))
        return empty, empty
    (mi, ti, ci, si), (mo, to, co, so) = _fly_sigma_points(x, P, beta, ground_up, site_alt_m, (False, True),
                                                           _boost_tables(rounds), wind)
    return (ImpactPrediction(mi, t_now + ti, ci * np.reshape(cov_scale, (-1, 1, 1)), si),
            ImpactPrediction(mo, -to, co * origin_cov_scale, so))


def drone_target_assets(
    x: np.ndarray, asset_centres: np.ndarray, asset_radii: np.ndarray, margin_m: float = 150.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For N drone tracks (states x (N,6), m and m/s), the index of the first asset (centres (A,2) m,
    radii (A,) m) whose footprint the current ground track runs into (-1: none), the time (s) to reach
    it, and how far (m) along the ground track the last asset on that line ends: a drone flying over one
    asset may be going for the next one, so the zones up to there are on its path too."""
    n, a = x.shape[0], asset_centres.shape[0]
    if n == 0 or a == 0:
        return np.full(n, -1), np.full(n, np.inf), np.zeros(n)
    v = x[:, 3:5]
    speed = np.linalg.norm(v, axis=1)
    u = v / np.maximum(speed, 1e-6)[:, None]
    r = asset_centres[None, :, :] - x[:, None, :2]  # (N, A, 2)
    along = np.einsum("nad,nd->na", r, u)
    cross = np.abs(r[..., 0] * u[:, None, 1] - r[..., 1] * u[:, None, 0])
    hit = (along > -asset_radii[None, :]) & (cross <= asset_radii[None, :] + margin_m) & (speed[:, None] > 5.0)
    dist = np.where(hit, np.maximum(along, 0.0), np.inf)
    best = dist.argmin(axis=1)
    found = np.isfinite(dist[np.arange(n), best])
    t = np.where(found, dist[np.arange(n), best] / np.maximum(speed, 1e-6), np.inf)
    reach = np.where(hit, along + asset_radii[None, :], 0.0).max(axis=1)
    return np.where(found, best, -1), t, np.where(found, reach, 0.0)


class OriginFuser:
    """Point of origin per track, fused over the track's life.

    Each decision cycle gives an origin estimate (mean, east-north covariance) by flying the current state
    back to the ground. Later states have flown farther from the launcher, so their back-integration is
    longer and carries more drag and velocity error; earlier ones are noisier. The fused origin is the
    information-weighted mean of all the estimates so far, sum(C_i^-1)^-1 sum(C_i^-1 mu_i). The estimates
    share the same track, so their errors are correlated and the fused information would overstate the
    accuracy: the reported covariance is that of the single best (smallest) estimate, a conservative bound.
    """

    def __init__(self) -> None:
        self._info: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, float | None]] = {}

    def update(self, ids, origin: np.ndarray, cov_en: np.ndarray,
               t_state: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Fold in estimates (origin (N,3), cov (N,2,2)) for tracks ``ids``, made from states of times
        ``t_state`` (N,) s; return the fused (N,3), (N,2,2). An estimate from the same state time as the
        track's last one (a track coasting without updates) is the same information and is not folded in
        again: it would pull the fused origin towards the last state by counting it once per cycle."""
        out_o, out_c = np.array(origin, float, copy=True), np.array(cov_en, float, copy=True)
        for j, tid in enumerate(np.asarray(ids).tolist()):
            c = np.asarray(cov_en[j], float) + 1e-6 * np.eye(2)
            if not np.all(np.isfinite(c)) or not np.all(np.isfinite(origin[j])):
                continue
            eig = np.linalg.eigvalsh(c)
            if eig[0] <= 1e-12 * max(eig[1], 1.0):
                # A degenerate ellipse (all its spread along one line, so wide that the jitter is lost
                # in rounding) has no inverse: nothing to fold in; the track keeps its fused origin.
                prev = self._info.get(tid)
                if prev is not None:
                    out_o[j, :2], out_c[j] = np.linalg.solve(prev[0], prev[1]), prev[2]
                continue
            ts = None if t_state is None else float(t_state[j])
            prev = self._info.get(tid)
            if prev is not None and ts is not None and prev[3] == ts:
                info, vec, best = prev[:3]
            else:
                inv = np.linalg.inv(c)
                if prev is None:
                    info, vec, best = inv, inv @ origin[j, :2], c
                else:
                    info, vec, best = prev[0] + inv, prev[1] + inv @ origin[j, :2], prev[2]
                    if np.trace(c) < np.trace(best):
                        best = c
            self._info[tid] = (info, vec, best, ts)
            out_o[j, :2] = np.linalg.solve(info, vec)
            out_c[j] = best
        return out_o, out_c

    def forget(self, live_ids) -> None:
        """Drop the tracks not in ``live_ids``."""
        live = set(np.asarray(list(live_ids)).tolist())
        for tid in [t for t in self._info if t not in live]:
            del self._info[tid]


def origin_informative(cov_en: np.ndarray) -> np.ndarray:
    """(N,) True where an origin's east-north covariance (N, 2, 2) m^2 gives a 95 % ellipse no longer
    (semi-major axis) than ``ORIGIN_MAX_SEMI_MAJOR_M``."""
    cov = np.asarray(cov_en, float)
    finite = np.isfinite(cov).all(axis=(-2, -1))
    largest = np.linalg.eigvalsh(np.where(finite[..., None, None], cov, 0.0))[..., -1]
    return finite & (np.sqrt(np.clip(largest, 0.0, None) * CHI2_2DOF_95) <= ORIGIN_MAX_SEMI_MAJOR_M)
