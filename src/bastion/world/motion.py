"""Kinematic truth motion of drones, birds, aircraft and helicopters, sampled at a fixed step.

Ballistic rounds are in ``bastion.world.munitions`` (point-mass flight with drag).
"""

from __future__ import annotations

import numpy as np

from bastion.world.trajectory import Trajectory

WAYPOINT_CAPTURE_M = 150.0  # a drone moves to its next waypoint within this horizontal distance


def _wrap(a: float) -> float:
    return (a + np.pi) % (2.0 * np.pi) - np.pi


def owa_drone_path(
    start, waypoints, target, t_start: float, speed: float, dive_angle: float,
    turn_rate: float, climb_rate: float, dt: float, t_max: float,
) -> Trajectory:
    """A fixed-wing one-way attack drone: waypoint navigation at cruise speed (horizontal turn rate and
    climb rate limited), then a straight terminal dive at ``dive_angle`` (rad) onto ``target``.

    The path ends at impact (the last sample is the target point) or at ``t_max``.
    """
    pos = np.asarray(start, float).copy()
    target = np.asarray(target, float)
    legs = [np.asarray(w, float) for w in waypoints] + [target]
    leg = 0
    first = legs[0] - pos
    heading = np.arctan2(first[0], first[1])
    ts, ps, vs = [t_start], [pos.copy()], []
    t = t_start
    diving = False
    vel = np.array([speed * np.sin(heading), speed * np.cos(heading), 0.0])
    while t < t_max:
        if not diving and leg == len(legs) - 1:
            horiz = np.hypot(*(target[:2] - pos[:2]))
            if horiz <= max(pos[2] - target[2], 0.0) / np.tan(dive_angle):
                diving = True
        if diving:
            d = target - pos
            dist = np.linalg.norm(d)
            dive_speed = speed * 1.25  # drones gain speed in the dive
            if dist <= dive_speed * dt:
                vel = d / dist * dive_speed
                t += dist / dive_speed
                vs.append(vel.copy())
                ts.append(t)
                ps.append(target.copy())
                break
            vel = d / dist * dive_speed
        else:
            aim = legs[leg]
            d = aim - pos
            if leg < len(legs) - 1 and np.hypot(d[0], d[1]) < WAYPOINT_CAPTURE_M:
                leg += 1
                continue
            if leg == len(legs) - 1:
                d[2] = 0.0  # hold cruise height on the run-in: the dive is what brings it down
            want = np.arctan2(d[0], d[1])
            heading += np.clip(_wrap(want - heading), -turn_rate * dt, turn_rate * dt)
            climb = np.clip(d[2] / max(dt, 1e-9), -climb_rate, climb_rate)
            climb = np.clip(climb, -climb_rate, climb_rate)
            hspeed = np.sqrt(max(speed**2 - climb**2, 0.0))
            vel = np.array([hspeed * np.sin(heading), hspeed * np.cos(heading), climb])
        vs.append(vel.copy())
        pos = pos + vel * dt
        t += dt
        ts.append(t)
        ps.append(pos.copy())
    vs.append(vel.copy())
    return Trajectory(np.array(ts), np.array(ps), np.array(vs))


def straight_path(start, end, t_start: float, speed: float, dt: float, t_max: float) -> Trajectory:
    """Constant-speed straight flight from ``start`` to ``end`` (ends there or at ``t_max``)."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    d = end - start
    length = float(np.linalg.norm(d))
    duration = min(length / speed, max(t_max - t_start, 0.0))
    t = np.append(np.arange(0.0, duration, dt), duration)
    vel = d / length * speed
    return Trajectory(t + t_start, start + t[:, None] * vel, np.tile(vel, (t.size, 1)))


def loop_path(waypoints, t_start: float, speed: float, dt: float, t_max: float) -> Trajectory:
    """Constant-speed flight round a closed loop of ``waypoints`` until ``t_max``."""
    w = np.asarray(waypoints, float)
    closed = np.vstack([w, w[:1]])
    seg = np.diff(closed, axis=0)
    seg_len = np.linalg.norm(seg, axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg_len)])
    t = np.append(np.arange(0.0, t_max - t_start, dt), t_max - t_start)
    s = np.mod(t * speed, cum[-1])
    i = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1)
    frac = (s - cum[i]) / seg_len[i]
    pos = closed[i] + frac[:, None] * seg[i]
    vel = seg[i] / seg_len[i][:, None] * speed
    return Trajectory(t + t_start, pos, vel)


def bird_path(
    center, radius: float, speed: float, t_start: float, dt: float, t_max: float, rng: np.random.Generator
) -> Trajectory:
    """A bird wandering about ``center``: heading and climb follow a random walk, steered back towards
    the centre when farther than ``radius``; height kept between 10 and 200 m above ground."""
    c = np.asarray(center, float)
    pos = c + np.array([*rng.uniform(-radius, radius, 2) * 0.7, rng.uniform(-20.0, 20.0)])
    pos[2] = max(pos[2], 15.0)
    heading = rng.uniform(0.0, 2.0 * np.pi)
    climb = 0.0
    n = int(np.ceil((t_max - t_start) / dt)) + 1
    ps, vs = np.empty((n, 3)), np.empty((n, 3))
    turn_sigma = np.radians(25.0) * np.sqrt(dt)  # rad per sqrt(s)
    for k in range(n):
        d = c[:2] - pos[:2]
        if np.hypot(*d) > radius:
            heading += np.clip(_wrap(np.arctan2(d[0], d[1]) - heading), -0.5 * dt, 0.5 * dt)
        heading += rng.normal(0.0, turn_sigma)
        climb = 0.95 * climb + rng.normal(0.0, 0.3)
        if pos[2] < 10.0:
            climb = abs(climb)
        elif pos[2] > 200.0:
            climb = -abs(climb)
        vel = np.array([speed * np.sin(heading), speed * np.cos(heading), climb])
        ps[k], vs[k] = pos, vel
        pos = pos + vel * dt
    return Trajectory(t_start + dt * np.arange(n), ps, vs)
