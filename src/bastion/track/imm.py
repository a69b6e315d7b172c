"""The interacting multiple model (IMM) filter, vectorised over K tracks and M models.

Arrays: model-conditioned states ``xm`` (K, M, D), covariances ``Pm`` (K, M, D, D), model probabilities
``mu`` (K, M). One step over an elapsed time dt is: mixing (with a dt-dependent switching matrix),
model-matched EKF prediction, then (if a measurement came) model-matched EKF updates and the model
probability update from the measurement likelihoods. The combined (moment-matched) estimate is what
the track table reports.
"""

from __future__ import annotations

import numpy as np

from bastion.track.config import TrackerConfig
from bastion.track.linalg import inv_logdet
from bastion.track.measure import innovation, predict_measurement
from bastion.track.models import PREDICTORS, process_noise, transition_matrix


def _weighted_moments(w: np.ndarray, xm: np.ndarray, Pm: np.ndarray):
    """Moment-matched mixtures: for weights w (K, J, M) over the M components (xm (K, M, D),
    Pm (K, M, D, D)), means (K, J, D) and covariances (K, J, D, D). Spreads are taken about the first
    component, which avoids cancellation between large positions, and all sums are batched matmuls."""
    K, M, D = xm.shape
    # Batched matmuls only take NumPy's fast path on contiguous operands.
    w = np.ascontiguousarray(w)
    ref = xm[:, :1]
    dx = xm - ref
    second = Pm + np.einsum("kmi,kmj->kmij", dx, dx)
    mean_d = w @ dx
    P = (w @ second.reshape(K, M, D * D)).reshape(K, -1, D, D)
    P -= np.einsum("kmi,kmj->kmij", mean_d, mean_d)
    return ref + mean_d, P


def mix(xm: np.ndarray, Pm: np.ndarray, mu: np.ndarray, Pi: np.ndarray):
    """IMM interaction: mixed initial states (K, M, D), covariances (K, M, D, D) and the predicted
    model probabilities c (K, M)."""
    c = (mu[:, None, :] @ Pi)[:, 0]
    c = np.maximum(c, 1e-300)
    # w[k, j, i]: weight of model i in the mixture that starts model j.
    w = (mu[:, :, None] * Pi / c[:, None, :]).transpose(0, 2, 1)
    x0, P0 = _weighted_moments(w, xm, Pm)
    return x0, P0, c


def predict_models(x0: np.ndarray, P0: np.ndarray, dt: np.ndarray, models, cfg: TrackerConfig):
    """Model-matched EKF prediction of mixed states by dt (K,) seconds."""
    xp = np.empty_like(x0)
    Pp = np.empty_like(P0)
    for j, name in enumerate(models):
        Q = process_noise(name, dt, cfg)
        if name == "cv":
            # F = [[I, dt I], [0, I]] on position/velocity: F P F' as two row/column operations.
            xj = x0[:, j].copy()
            xj[:, :3] += x0[:, j, 3:6] * dt[:, None]
            A = P0[:, j].copy()
            A[:, :3, :] += dt[:, None, None] * A[:, 3:6, :]
            A[:, :, :3] += dt[:, None, None] * A[:, :, 3:6]
            xp[:, j] = xj
            Pp[:, j] = A + Q
            continue
        xj, F = PREDICTORS[name](x0[:, j], dt, cfg)
        xp[:, j] = xj
        Pp[:, j] = F @ np.ascontiguousarray(P0[:, j]) @ np.ascontiguousarray(F.transpose(0, 2, 1)) + Q
    return xp, Pp


def predict(xm, Pm, mu, dt, models, sojourn, cfg, switching: bool = True):
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


def combine(xm: np.ndarray, Pm: np.ndarray, mu: np.ndarray, dims: int = 6):
    """Moment-matched combined estimate over models: x (K, dims), P (K, dims, dims)."""
    x, P = _weighted_moments(mu[:, None, :], xm[:, :, :dims], Pm[:, :, :dims, :dims])
    return x[:, 0], P[:, 0]


def update(xp, Pp, c, kind: str, z: np.ndarray, R: np.ndarray, sensor_pos: np.ndarray):
    """Model-matched EKF update with one measurement per track: z (K, m), R (K, m, m).

    Returns updated (x, P, mu) and the normalised innovation squared (K, M) of each model.
    """
    K, M, D = xp.shape
    m = z.shape[1]
    xf = xp.reshape(K * M, D)
    Pf = Pp.reshape(K * M, D, D)
    zr = np.repeat(z, M, axis=0)
    Rr = np.repeat(R, M, axis=0)
    if kind == "cartesian":
        # Linear position measurement: H selects the position, so H P H' is a sub-block.
        nu = zr - xf[:, :3]
        PHt = Pf[:, :, :3]
        S = Pf[:, :3, :3] + Rr
    else:
        zhat, H = predict_measurement(kind, xf, sensor_pos)
        nu = innovation(kind, zr, zhat)
        PHt = Pf @ H.transpose(0, 2, 1)
        S = H @ PHt + Rr
    Sinv, logdet = inv_logdet(S)
    gain = PHt @ Sinv
    x_new = xf + (gain @ nu[:, :, None])[:, :, 0]
    P_new = Pf - gain @ np.ascontiguousarray(PHt.transpose(0, 2, 1))
    d2 = np.einsum("ki,kij,kj->k", nu, Sinv, nu)
    loglik = (-0.5 * (d2 + logdet + m * np.log(2.0 * np.pi))).reshape(K, M)
    logpost = loglik + np.log(np.maximum(c, 1e-300))
    logpost -= logpost.max(axis=1, keepdims=True)
    mu = np.exp(logpost)
    mu /= mu.sum(axis=1, keepdims=True)
    # Keep every model alive: a model at probability 0 could never win back a manoeuvring target.
    mu = np.maximum(mu, 1e-6)
    mu /= mu.sum(axis=1, keepdims=True)
    return x_new.reshape(K, M, D), P_new.reshape(K, M, D, D), mu, d2.reshape(K, M)
