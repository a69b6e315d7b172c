"""Radar plots of a flown round for the library-fit tests: positions with Gaussian noise and, from a
Doppler radar, range rates."""

from __future__ import annotations

import numpy as np

from bastion.track.plots import Plots


def noisy_plots(flight, times, sd=(30.0, 30.0, 20.0), rng=None):
    """Plots of ``flight`` at ``times`` (s after launch) with Gaussian noise of standard deviations ``sd`` (m)
    (none without ``rng``), without range rates."""
    idx = np.array([int(np.argmin(np.abs(flight.t - t))) for t in times])
    pos = flight.pos[idx].copy()
    cov = np.repeat(np.diag(np.square(sd))[None], idx.size, axis=0)
    if rng is not None:
        pos += rng.normal(size=pos.shape) * np.asarray(sd)
    return Plots.of(flight.t[idx], pos, cov)


SENSOR = np.array([-120.0, -60.0, 8.0])  # the test base's counter-mortar radar


def doppler_plots(flight, times, sd=(30.0, 30.0, 20.0), rr_sd=1.0, rng=None, sensor=SENSOR):
    """As :func:`noisy_plots`, with each plot's range rate from ``sensor`` (m/s, noise ``rr_sd``): the line of
    sight's unit vector dotted with the flight's velocity."""
    idx = np.array([int(np.argmin(np.abs(flight.t - t))) for t in times])
    d = flight.pos[idx] - sensor
    rr = np.einsum("ni,ni->n", d, flight.vel[idx]) / np.linalg.norm(d, axis=1)
    plain = noisy_plots(flight, times, sd, rng)
    if rng is not None:
        rr = rr + rng.normal(size=rr.shape) * rr_sd
    return Plots.of(plain.t, plain.pos, plain.cov, rr, rr_sd**2, sensor)
