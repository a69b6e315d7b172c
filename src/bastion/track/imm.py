"""The interacting multiple model (IMM) filter, vectorised over K tracks and M models.

Arrays: model-conditioned states ``xm`` (M, K, D), covariances ``Pm`` (M, K, D, D) (model-major, so
each model's slice is contiguous), model probabilities ``mu`` (K, M). One step over an elapsed time dt
is: mixing (with a dt-dependent switching matrix), model-matched EKF prediction, then (if a measurement
came) model-matched EKF updates and the model probability update from the measurement likelihoods.
Covariance updates use the standard form P - K H P. The combined (moment-matched) estimate is what the
track table reports.
"""

from __future__ import annotations

import numpy as np

from bastion.track.config import TrackerConfig
from bastion.track.linalg import inv_logdet
from bastion.track.measure import innovation, predict_measurement
from bastion.track.models import OMEGA, PREDICTORS, omega_decay, process_noise, transition_matrix


def _weighted_moments(w: np.ndarray, xm: np.ndarray, Pm: np.ndarray):
    """Moment-matched mixtures: for weights w (K, J, M) over the M components (xm (M, K, D),
    Pm (M, K, D, D)), means (J, K, D) and covariances (J, K, D, D). Spreads are taken about the first
    component, which avoids cancellation between large positions."""
    M, K, D = xm.shape
    J = w.shape[1]
    ref = xm[0]
    dx = xm - ref
    mean_d = np.zeros((J, K, D))
    P = np.zeros((J, K, D, D))
    wt = w.transpose(2, 1, 0)  # (M, J, K)
    for m in range(M):
        # Second moment of component m about the reference (component 0 is the reference itself).
        second = Pm[m] if m == 0 else Pm[m] + dx[m][:, :, None] * dx[m][:, None, :]
        # Every mixture j at once; each sums its components in the same order m = 0, 1, ...
        if m:
            mean_d += wt[m][:, :, None] * dx[m]
        P += wt[m][:, :, None, None] * second
    P -= np.einsum("jki,jkl->jkil", mean_d, mean_d)
    return ref + mean_d, P


def mix(xm: np.ndarray, Pm: np.ndarray, mu: np.ndarray, Pi: np.ndarray):
    """IMM interaction: mixed initial states (M, K, D), covariances (M, K, D, D) and the predicted
    model probabilities c (K, M)."""
    c = (mu[:, None, :] @ Pi)[:, 0]
    c = np.maximum(c, 1e-300)
    # w[k, j, i]: weight of model i in the mixture that starts model j.
    w = (mu[:, :, None] * Pi / c[:, None, :]).transpose(0, 2, 1)
    x0, P0 = _weighted_moments(w, xm, Pm)
    return x0, P0, c


def predict_models(x0: np.ndarray, P0: np.ndarray, dt: np.ndarray, models: tuple[str, ...],
                   cfg: TrackerConfig):
    """Model-matched EKF prediction of mixed states (M, K, D), (M, K, D, D) by dt (K,) seconds."""
    xp = x0.copy()
    Pp = P0.copy()
    dt3 = dt[:, None, None]
    for j, name in enumerate(models):
        Pj = Pp[j]  # contiguous; the structured models below work in place
        if name == "cv":
            # F = [[I, dt I], [0, I]] on position/velocity: F P F' as two row/column operations.
            xp[j, :, :3] += x0[j, :, 3:6] * dt[:, None]
            Pj[:, :3, :] += dt3 * Pj[:, 3:6, :]
            Pj[:, :, :3] += dt3 * Pj[:, :, 3:6]
            a = omega_decay(dt, cfg)  # the turn rate relaxes towards 0 (models.predict_cv)
            xp[j, :, OMEGA] *= a
            Pj[:, OMEGA, :] *= a[:, None]
            Pj[:, :, OMEGA] *= a[:, None]
        elif name == "ct":
            xp[j], F = PREDICTORS[name](x0[j], dt, cfg)
            # F differs from the identity in five rows only: F P F' = F (F P)' as row operations.
            coef = _ct_coefficients(F)
            _ct_rows_inplace(Pj, coef)
            _ct_rows_inplace(Pj.transpose(0, 2, 1), coef)
        else:
            xp[j], F = PREDICTORS[name](x0[j], dt, cfg)
            Pj[...] = F @ Pj @ np.ascontiguousarray(F.transpose(0, 2, 1))
        Pj += process_noise(name, dt, cfg, x0.shape[2])
    return xp, Pp


_CT_ENTRIES = ((0, 3), (0, 4), (0, 6), (1, 3), (1, 4), (1, 6), (2, 5), (3, 3), (3, 4), (3, 6), (4, 3), (4, 4), (4, 6))


def _ct_coefficients(F: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
    """The entries (K, 1) of a coordinated-turn Jacobian F (K, D, D) that differ from the identity's."""
    return {rc: F[:, rc[0], rc[1], None] for rc in _CT_ENTRIES}


def _ct_rows_inplace(A: np.ndarray, f: dict[tuple[int, int], np.ndarray]) -> None:
    """A <- F @ A for a coordinated-turn Jacobian F given by its entries ``f`` (:func:`_ct_coefficients`;
    non-identity rows 0-4, columns 3-6)."""
    a3, a4, a6 = A[:, 3].copy(), A[:, 4].copy(), A[:, 6]
    A[:, 0] += f[0, 3] * a3 + f[0, 4] * a4 + f[0, 6] * a6
    A[:, 1] += f[1, 3] * a3 + f[1, 4] * a4 + f[1, 6] * a6
    A[:, 2] += f[2, 5] * A[:, 5]
    A[:, 3] = f[3, 3] * a3 + f[3, 4] * a4 + f[3, 6] * a6
    A[:, 4] = f[4, 3] * a3 + f[4, 4] * a4 + f[4, 6] * a6


def predict(xm: np.ndarray, Pm: np.ndarray, mu: np.ndarray, dt: np.ndarray, models: tuple[str, ...],
            sojourn: np.ndarray, cfg: TrackerConfig, switching: bool = True):
    """Mixing plus prediction: (xp, Pp, c) model-conditioned at t + dt, c the predicted probabilities.

    With ``switching=False`` each model is predicted from its own estimate and the probabilities stay:
    the right forecast over long horizons (a ballistic round does not turn into a drone mid-flight),
    where the Markov switching applied once at the start would blend in predictions without gravity.
    """
    if not switching:
        xp, Pp = predict_models(xm, Pm, dt, models, cfg)
        return xp, Pp, mu.copy()
    Pi = transition_matrix(sojourn, dt)
    x0, P0, c = mix(xm, Pm, mu, Pi)
    xp, Pp = predict_models(x0, P0, dt, models, cfg)
    return xp, Pp, c


def combine(xm: np.ndarray, Pm: np.ndarray, mu: np.ndarray, dims: int = 6, pdims: int | None = None):
    """Moment-matched combined estimate over models: x (K, dims), P (K, pdims, pdims) (pdims defaults
    to dims; gating only needs the position block)."""
    pdims = dims if pdims is None else pdims
    x, P = _weighted_moments(mu[:, None, :], xm[:, :, :pdims], Pm[:, :, :pdims, :pdims])
    if pdims < dims:
        x = np.einsum("km,mkd->kd", mu, xm[:, :, :dims])[None]
    return x[0], P[0]


def update(xp: np.ndarray, Pp: np.ndarray, c: np.ndarray, kind: str, z: np.ndarray, R: np.ndarray,
           sensor_pos: np.ndarray, iterations: int = 1):
    """Model-matched EKF update with one measurement per track: z (K, m), R (K, m, m).

    ``iterations`` > 1 makes the polar and angle updates iterated (IEKF, Gauss-Newton on the posterior):
    rows whose measurement the first update's linearisation misjudges by more than ``RELINEARISE_SIGMA``
    of its noise are relinearised at their updated state, up to that many updates in all (see
    :func:`_iterate`). The model likelihoods stay those of the prediction, as in the gate.

    Returns updated (x, P, mu) and the normalised innovation squared (K, M) of each model.
    """
    M, K, D = xp.shape
    m = z.shape[1]
    # Model-major flattening: row j * K + k is model j of track k.
    xf = xp.reshape(M * K, D)
    Pf = Pp.reshape(M * K, D, D)
    zr = np.tile(z, (M, 1))
    Rr = np.tile(R, (M, 1, 1))
    if kind == "cartesian":
        # Linear position measurement: H selects the position, so P H' is a column block.
        nu = zr - xf[:, :3]
        PHt = np.ascontiguousarray(Pf[:, :, :3])
        S = PHt[:, :3, :] + Rr
    else:
        zhat, H = predict_measurement(kind, xf, sensor_pos)
        nu = innovation(kind, zr, zhat)
        PHt = Pf @ np.ascontiguousarray(H.transpose(0, 2, 1))
        S = H @ PHt + Rr
    Sinv, logdet = inv_logdet(S)
    gain = PHt @ Sinv
    x_new = xf + (gain @ nu[:, :, None])[:, :, 0]
    if kind != "cartesian" and iterations > 1:
        x_new, gain, H = _iterate(kind, xf, Pf, zr, Rr, sensor_pos, nu, H, x_new, gain, iterations)
    if kind == "cartesian":
        P_new = Pf - gain @ np.ascontiguousarray(PHt.transpose(0, 2, 1))
    else:
        # Joseph form for the nonlinear (radar, bearing) updates: the short form P - K S K' loses
        # positive definiteness when the state mixes metre-scale and 1e-4-scale (drag) components,
        # which made covariances indefinite and then NaN on counter-mortar radar tracks.
        A = np.broadcast_to(np.eye(D), (M * K, D, D)) - gain @ H
        P_new = A @ Pf @ A.transpose(0, 2, 1) + gain @ Rr @ gain.transpose(0, 2, 1)
    P_new = 0.5 * (P_new + P_new.transpose(0, 2, 1))
    d2 = np.einsum("ki,kij,kj->k", nu, Sinv, nu)
    loglik = (-0.5 * (d2 + logdet + m * np.log(2.0 * np.pi))).reshape(M, K).T
    logpost = loglik + np.log(np.maximum(c, 1e-300))
    logpost -= logpost.max(axis=1, keepdims=True)
    mu = np.exp(logpost)
    mu /= mu.sum(axis=1, keepdims=True)
    # Keep every model alive: a model at probability 0 could never win back a manoeuvring target.
    mu = np.maximum(mu, 1e-6)
    mu /= mu.sum(axis=1, keepdims=True)
    return x_new.reshape(M, K, D), P_new.reshape(M, K, D, D), mu, d2.reshape(M, K).T


# A row is relinearised when its updated state's predicted measurement differs from the linear forecast
# of it by more than this many standard deviations of the measurement noise in some component.
RELINEARISE_SIGMA = 0.1


def _iterate(kind: str, xf: np.ndarray, Pf: np.ndarray, z: np.ndarray, R: np.ndarray, sensor_pos: np.ndarray,
             nu0: np.ndarray, H0: np.ndarray, x1: np.ndarray, gain0: np.ndarray, iterations: int):
    """Iterated EKF steps for the rows (of xf (K, D), Pf, z, R) whose first update ``x1`` left the
    linearisation's validity; returns (x, gain, H) with the iterated rows replaced.

    Why: a young track's prediction can lie hundreds of metres and tens of degrees of azimuth from a plot
    near the radar (a rocket's boost-widened covariance, 400 m from the surveillance radar); one EKF step,
    linearised at the prediction, then moves the state along the wrong tangent and leaves it far from a
    plot of a few metres' noise with a small covariance (traced: a 122 mm rocket's track 78 m from its
    plot, 3.8 m sd, which then lost the round). Each iteration is the Gauss-Newton step of the MAP cost
    J(x) = |x - xf|^2_P^-1 + |z - h(x)|^2_R^-1 linearised at the current iterate (Bell and Cathey, "The
    iterated Kalman filter update as a Gauss-Newton method", IEEE Trans. Automatic Control 38(2), 1993);
    a step is kept only if it lowers J, so an iteration never makes the estimate worse."""
    zhat1, _ = predict_measurement(kind, x1, sensor_pos, jacobian=False)
    sd = np.sqrt(np.diagonal(R, axis1=1, axis2=2))
    # The first step's linear forecast of its residual against the residual it really left.
    forecast = nu0 - np.einsum("kmd,kd->km", H0, x1 - xf)
    actual = innovation(kind, z, zhat1)
    rows = np.flatnonzero(np.any(np.abs(actual - forecast) > RELINEARISE_SIGMA * sd, axis=1))
    if rows.size == 0:
        return x1, gain0, H0
    x, gain, H = x1.copy(), gain0.copy(), H0.copy()
    xf_r, P_r, z_r, R_r = xf[rows], Pf[rows], z[rows], R[rows]
    Rinv = np.linalg.inv(R_r)

    def cost(y: np.ndarray, HPHt: np.ndarray, resid: np.ndarray, rinv: np.ndarray) -> np.ndarray:
        # Each iterate is xf + P H' y, so its prior term is y' H P H' y: no inverse of P is needed.
        return np.einsum("km,kmn,kn->k", y, HPHt, y) + np.einsum("km,kmn,kn->k", resid, rinv, resid)

    # The first update's own cost: y0 = S0^-1 nu0 with S0 from the prediction's Jacobian.
    H_cur = H0[rows]
    HPHt = H_cur @ P_r @ H_cur.transpose(0, 2, 1)
    y = np.linalg.solve(HPHt + R_r, nu0[rows][:, :, None])[:, :, 0]
    x_cur = x1[rows]
    j_cur = cost(y, HPHt, actual[rows], Rinv)
    g_cur = gain0[rows]
    active = np.ones(rows.size, bool)
    for _ in range(iterations - 1):
        a = np.flatnonzero(active)
        if a.size == 0:
            break
        zhat_a, H_a = predict_measurement(kind, x_cur[a], sensor_pos)
        # Residual linearised at the iterate, referred back to the prediction xf.
        r_a = innovation(kind, z_r[a], zhat_a) + np.einsum("kmd,kd->km", H_a, x_cur[a] - xf_r[a])
        PHt = P_r[a] @ H_a.transpose(0, 2, 1)
        HPHt_a = H_a @ PHt
        S_a = HPHt_a + R_r[a]
        y_a = np.linalg.solve(S_a, r_a[:, :, None])[:, :, 0]
        x_new = xf_r[a] + np.einsum("kdm,km->kd", PHt, y_a)
        zhat_new, _ = predict_measurement(kind, x_new, sensor_pos, jacobian=False)
        j_new = cost(y_a, HPHt_a, innovation(kind, z_r[a], zhat_new), Rinv[a])
        better = j_new < j_cur[a]
        b = a[better]
        moved = np.abs(innovation(kind, zhat_new[better], zhat_a[better]))
        x_cur[b], j_cur[b] = x_new[better], j_new[better]
        g_cur[b] = PHt[better] @ np.linalg.inv(S_a[better])
        H_cur[b] = H_a[better]
        # Done: no better step, or the step moved the predicted measurement by little against its noise.
        active[a[~better]] = False
        active[b[np.all(moved <= RELINEARISE_SIGMA * sd[rows][b], axis=1)]] = False
    x[rows], gain[rows], H[rows] = x_cur, g_cur, H_cur
    return x, gain, H
