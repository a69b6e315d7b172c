"""Kinematic truth motion of drones, birds, aircraft and helicopters, sampled at a fixed step.

Ballistic rounds are in ``bastion.world.munitions`` (point-mass flight with drag).
"""

from __future__ import annotations

import math

import numpy as np

from bastion.physics.atmosphere import G0
from bastion.world.trajectory import Trajectory

WAYPOINT_CAPTURE_M = 150.0  # a drone moves to its next waypoint within this horizontal distance
# Normal load (g) of a fixed-wing drone's push-over into its terminal dive: assumed (no public figure for
# Shahed-class airframes; a light airframe's gentle manoeuvre). At 50 m/s a 40 deg push-over takes ~2.4 s.
PUSHOVER_G = 1.5


def _wrap(a: float) -> float:
    return (a + np.pi) % (2.0 * np.pi) - np.pi


def owa_drone_path(
    start, waypoints, target, t_start: float, speed: float, dive_angle: float,
    turn_rate: float, climb_rate: float, dt: float, t_max: float,
) -> Trajectory:
    """A fixed-wing one-way attack drone: waypoint navigation at cruise speed (horizontal turn rate and
    climb rate limited), then a terminal dive at ``dive_angle`` (rad) onto ``target``: a push-over at
    ``PUSHOVER_G`` (the flight path turns toward the target at most g n / V rad/s, begun early by the arc's
    tangent length so that it ends on the dive line), gaining speed to 1.25 x cruise.

    The path ends at impact (the last sample is the target point) or at ``t_max``. Stepped with plain
    floats: one object, thousands of small steps, where NumPy's per-call overhead would dominate.
    """
    x, y, z = (float(v) for v in start)
    tx, ty, tz = (float(v) for v in target)
    legs = [tuple(float(v) for v in w) for w in waypoints] + [(tx, ty, tz)]
    leg = 0
    heading = math.atan2(legs[0][0] - x, legs[0][1] - y)
    ts, ps, vs = [t_start], [(x, y, z)], []
    t = t_start
    diving = False
    tan_dive = math.tan(dive_angle)
    dive_speed = speed * 1.25  # drones gain speed in the dive
    vel = (speed * math.sin(heading), speed * math.cos(heading), 0.0)
    # Tangent length of the push-over arc (radius V^2 / (g n)) for the dive angle.
    arc_lead = speed**2 / (G0 * PUSHOVER_G) * math.tan(0.5 * dive_angle)
    while t < t_max:
        if not diving and leg == len(legs) - 1:
            if math.hypot(tx - x, ty - y) <= max(z - tz, 0.0) / tan_dive + arc_lead:
                diving = True
        if diving:
            dx, dy, dz = tx - x, ty - y, tz - z
            dist = math.sqrt(dx * dx + dy * dy + dz * dz)
            sp = math.sqrt(vel[0] ** 2 + vel[1] ** 2 + vel[2] ** 2)
            if dist <= sp * dt:
                t += dist / sp
                vs.append(vel)
                ts.append(t)
                ps.append((tx, ty, tz))
                break
            vel = _turn_toward(vel, (dx / dist, dy / dist, dz / dist), G0 * PUSHOVER_G / sp * dt)
            # Gravity along the path speeds it up, to the dive speed.
            sp_new = min(dive_speed, max(sp, sp - G0 * vel[2] / sp * dt))
            vel = (vel[0] * sp_new / sp, vel[1] * sp_new / sp, vel[2] * sp_new / sp)
        else:
            ax, ay, az = legs[leg]
            dx, dy, dz = ax - x, ay - y, az - z
            if leg < len(legs) - 1 and math.hypot(dx, dy) < WAYPOINT_CAPTURE_M:
                leg += 1
                continue
            if leg == len(legs) - 1:
                dz = 0.0  # hold cruise height on the run-in: the dive is what brings it down
            turn = _wrap(math.atan2(dx, dy) - heading)
            heading += min(max(turn, -turn_rate * dt), turn_rate * dt)
            climb = min(max(dz / max(dt, 1e-9), -climb_rate), climb_rate)
            hspeed = math.sqrt(max(speed**2 - climb**2, 0.0))
            vel = (hspeed * math.sin(heading), hspeed * math.cos(heading), climb)
        vs.append(vel)
        x, y, z = x + vel[0] * dt, y + vel[1] * dt, z + vel[2] * dt
        t += dt
        ts.append(t)
        ps.append((x, y, z))
    vs.append(vel)
    return Trajectory(np.array(ts), np.array(ps), np.array(vs))


def _turn_toward(vel: tuple[float, float, float], u_to: tuple[float, float, float],
                 max_angle: float) -> tuple[float, float, float]:
    """``vel`` (m/s) turned toward the unit vector ``u_to`` by at most ``max_angle`` (rad), same speed."""
    sp = math.sqrt(vel[0] ** 2 + vel[1] ** 2 + vel[2] ** 2)
    u = (vel[0] / sp, vel[1] / sp, vel[2] / sp)
    cos_a = max(-1.0, min(1.0, u[0] * u_to[0] + u[1] * u_to[1] + u[2] * u_to[2]))
    angle = math.acos(cos_a)
    if angle <= max_angle:
        return (u_to[0] * sp, u_to[1] * sp, u_to[2] * sp)
    # Rotate u in the plane of u and u_to (the component of u_to normal to u gives the direction).
    n = (u_to[0] - cos_a * u[0], u_to[1] - cos_a * u[1], u_to[2] - cos_a * u[2])
    nn = math.sqrt(n[0] ** 2 + n[1] ** 2 + n[2] ** 2)
    if nn < 1e-12:  # straight away from the target: no plane to turn in; fly on
        return vel
    c, s_ = math.cos(max_angle), math.sin(max_angle)
    return tuple(sp * (c * u[k] + s_ * n[k] / nn) for k in range(3))  # type: ignore[return-value]


def straight_path(start, end, t_start: float, speed: float, dt: float, t_max: float) -> Trajectory:
    """Constant-speed straight flight from ``start`` to ``end`` (ends there or at ``t_max``)."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    d = end - start
    length = float(np.linalg.norm(d))
    duration = min(length / speed, max(t_max - t_start, 0.0))
    t = np.append(np.arange(0.0, duration, dt), duration)
    vel = d / length * speed
    return Trajectory(t + t_start, start + t[:, None] * vel, np.tile(vel, (t.size, 1)))


# Bank angle of a helicopter's turns at its waypoints: assumed (a moderate manoeuvre; a standard-rate turn
# of 3 deg/s is about 12 deg of bank at 40 m/s, helicopters bank far more when they must). The turn radius
# is V^2 / (g tan(bank)): 280 m at 40 m/s, 860 m at 70 m/s.
HELICOPTER_BANK_DEG = 30.0


def loop_path(waypoints, t_start: float, speed: float, dt: float, t_max: float,
              bank_deg: float = HELICOPTER_BANK_DEG) -> Trajectory:
    """Constant-speed flight round a closed loop of ``waypoints`` until ``t_max``, turning at each waypoint
    on a level coordinated-turn arc of bank ``bank_deg`` (radius V^2 / (g tan bank), shrunk where the legs
    are too short for it) tangent to both legs, so that the heading never jumps. Height changes linearly
    along each leg and through each turn (the climb rate steps where they join). The flight starts at the
    end of the turn at the first waypoint.
    """
    w = np.asarray(waypoints, float)
    n = len(w)
    nxt = np.roll(w, -1, axis=0)
    leg = nxt - w  # leg k: waypoint k -> k + 1 (cyclic)
    leg_h = np.hypot(leg[:, 0], leg[:, 1])
    alpha = np.arctan2(leg[:, 1], leg[:, 0])  # direction of each leg (rad from east, counter-clockwise)
    # Corner k joins leg k - 1 to leg k at waypoint k.
    turn = (alpha - np.roll(alpha, 1) + np.pi) % (2.0 * np.pi) - np.pi  # signed, + = left
    theta = np.abs(turn)
    r_nominal = speed**2 / (G0 * math.tan(math.radians(bank_deg)))
    half = 0.5 * np.minimum(leg_h, np.roll(leg_h, 1))  # at most half of either leg goes into the turn
    tan_half = np.tan(0.5 * np.minimum(theta, np.pi - 1e-6))
    tangent = np.minimum(r_nominal * tan_half, half)
    radius = np.where(tan_half > 1e-9, tangent / np.maximum(tan_half, 1e-12), 0.0)
    tangent = np.where(theta > 1e-9, tangent, 0.0)
    # Pieces, in order: for each leg k, its straight part, then the turn at waypoint k + 1. A piece is
    # (kind 0 straight / 1 turn, start east, start north, start direction, turn sign, radius, horizontal
    # length, start height, height change).
    pieces = []
    for k in range(n):
        k1 = (k + 1) % n
        frac_in, frac_out = tangent[k] / max(leg_h[k], 1e-12), 1.0 - tangent[k1] / max(leg_h[k], 1e-12)
        p_in, p_out = w[k] + frac_in * leg[k], w[k] + frac_out * leg[k]
        pieces.append((0.0, p_in[0], p_in[1], alpha[k], 0.0, 0.0, max(leg_h[k] - tangent[k] - tangent[k1], 0.0),
                       p_in[2], p_out[2] - p_in[2]))
        exit_z = w[k1][2] + tangent[k1] / max(leg_h[k1], 1e-12) * leg[k1][2]
        pieces.append((1.0, p_out[0], p_out[1], alpha[k], float(np.sign(turn[k1])), radius[k1],
                       radius[k1] * theta[k1], p_out[2], exit_z - p_out[2]))
    kinds_a, x0_a, y0_a, a0_a, sign_a, rad_a, length_h_a, z0_a, dz_a = np.array(pieces, float).T
    length_3d = np.hypot(length_h_a, dz_a)
    cum = np.concatenate([[0.0], np.cumsum(length_3d)])
    t = np.append(np.arange(0.0, t_max - t_start, dt), t_max - t_start)
    s = np.mod(t * speed, cum[-1])
    i = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(length_3d) - 1)
    along = s - cum[i]
    safe = np.maximum(length_3d[i], 1e-12)
    h = along * length_h_a[i] / safe  # horizontal distance into the piece
    arc = (kinds_a[i] == 1) & (rad_a[i] > 0.0)
    heading = a0_a[i] + np.where(arc, sign_a[i] * h / np.maximum(rad_a[i], 1e-12), 0.0)
    cx = x0_a[i] - sign_a[i] * rad_a[i] * np.sin(a0_a[i])
    cy = y0_a[i] + sign_a[i] * rad_a[i] * np.cos(a0_a[i])
    px = np.where(arc, cx + sign_a[i] * rad_a[i] * np.sin(heading), x0_a[i] + h * np.cos(a0_a[i]))
    py = np.where(arc, cy - sign_a[i] * rad_a[i] * np.cos(heading), y0_a[i] + h * np.sin(a0_a[i]))
    pz = z0_a[i] + along * dz_a[i] / safe
    v_h, v_z = speed * length_h_a[i] / safe, speed * dz_a[i] / safe
    pos = np.column_stack([px, py, pz])
    vel = np.column_stack([v_h * np.cos(heading), v_h * np.sin(heading), v_z])
    return Trajectory(t + t_start, pos, vel)


BIRD_STEP_S = 0.25  # s: birds change heading over seconds; the world grid interpolates between steps
BIRD_CLIMB_TAU_S = 1.0
BIRD_CLIMB_SD_MPS = 1.0


def bird_paths(
    center, radius: float, speeds, t_start: float, dt: float, t_max: float, rng: np.random.Generator
) -> list[Trajectory]:
    """A flock of birds wandering about ``center``, one per speed in ``speeds`` (m/s): heading and climb
    follow random walks, each bird steered back towards the centre when farther than ``radius`` (m);
    height kept between 10 and 200 m above ground. All birds step together (vectorised over the flock),
    every ``dt`` (s; :data:`BIRD_STEP_S` is fine enough, the world interpolates onto its grid)."""
    c = np.asarray(center, float)
    speed = np.asarray(speeds, float)
    nb = speed.size
    pos = np.column_stack([c[0] + rng.uniform(-radius, radius, nb) * 0.7, c[1] + rng.uniform(-radius, radius, nb) * 0.7,
                           np.maximum(c[2] + rng.uniform(-20.0, 20.0, nb), 15.0)])
    heading = rng.uniform(0.0, 2.0 * np.pi, nb)
    climb = np.zeros(nb)
    n = int(np.ceil((t_max - t_start) / dt)) + 1
    turn_noise = rng.normal(0.0, np.radians(25.0) * np.sqrt(dt), (n, nb))  # rad per sqrt(s)
    # Climb rate: an Ornstein-Uhlenbeck process (1 m/s rms, 1 s correlation), exact for any step dt.
    phi = np.exp(-dt / BIRD_CLIMB_TAU_S)
    climb_noise = rng.normal(0.0, BIRD_CLIMB_SD_MPS * np.sqrt(1.0 - phi * phi), (n, nb))
    ps, vs = np.empty((n, nb, 3)), np.empty((n, nb, 3))
    for k in range(n):
        d = c[:2] - pos[:, :2]
        far = np.hypot(d[:, 0], d[:, 1]) > radius
        steer = np.clip(_wrap(np.arctan2(d[:, 0], d[:, 1]) - heading), -0.5 * dt, 0.5 * dt)
        heading = heading + np.where(far, steer, 0.0) + turn_noise[k]
        climb = phi * climb + climb_noise[k]
        climb = np.where(pos[:, 2] < 10.0, np.abs(climb), np.where(pos[:, 2] > 200.0, -np.abs(climb), climb))
        vel = np.column_stack([speed * np.sin(heading), speed * np.cos(heading), climb])
        ps[k], vs[k] = pos, vel
        pos = pos + vel * dt
    t = t_start + dt * np.arange(n)
    return [Trajectory(t, ps[:, j], vs[:, j]) for j in range(nb)]


QUADCOPTER_SPEED_MAX_MPS = 25.0  # DJI Mavic 4 Pro: 25 m/s max horizontal speed, Sport mode (docs/models.md)


def quadcopter_path(
    start, t_start: float, dt: float, t_max: float, rng: np.random.Generator, *,
    waypoints=None, n_waypoints: int = 4, area_center=None, area_radius: float = 300.0,
    height_range: tuple[float, float] = (20.0, 120.0), speed: float = 15.0, accel_max: float = 6.0,
    hover_s: tuple[float, float] = (0.0, 6.0), jitter_mps: float = 1.5, target=None, dive_speed: float = 25.0,
) -> Trajectory:
    """A quadcopter or FPV drone: erratic waypoint-to-waypoint flight with hovers, then optionally a
    terminal dive onto ``target``.

    Kinematics: the velocity steers towards the current waypoint at up to ``speed`` (m/s), braking so as
    to stop on it (v <= sqrt(2 a d)), with acceleration limited to ``accel_max`` (m/s^2); an
    Ornstein-Uhlenbeck gust/pilot jitter of ``jitter_mps`` (m/s rms, 2 s correlation) makes the path
    erratic. At each waypoint it hovers for a time drawn from ``hover_s`` (s). Waypoints are ``waypoints``
    ((k, 3) ENU m) or, if None, ``n_waypoints`` drawn uniformly within ``area_radius`` (m) of
    ``area_center`` (default: ``start``) at heights in ``height_range`` (m). With a ``target`` (ENU m) it
    then dives straight at it, accelerating to ``dive_speed``; the path ends on the target (last sample)
    or at ``t_max`` (s). All speeds are capped at :data:`QUADCOPTER_SPEED_MAX_MPS`.

    Returns a :class:`~bastion.world.trajectory.Trajectory` sampled every ``dt`` (s) from ``t_start``.
    """
    vmax = QUADCOPTER_SPEED_MAX_MPS
    speed, dive_speed = min(speed, vmax), min(dive_speed, vmax)
    pos = np.asarray(start, float).copy()
    centre = pos if area_center is None else np.asarray(area_center, float)
    if waypoints is None:
        ang = rng.uniform(0.0, 2.0 * np.pi, n_waypoints)
        rad = area_radius * np.sqrt(rng.uniform(0.0, 1.0, n_waypoints))
        wps = np.column_stack([centre[0] + rad * np.sin(ang), centre[1] + rad * np.cos(ang),
                               rng.uniform(*height_range, n_waypoints)])
    else:
        wps = np.asarray(waypoints, float).reshape(-1, 3)
    if len(wps) == 0 and target is None:
        wps = pos.reshape(1, 3).copy()  # nowhere to go: hover where it is
    hovers = rng.uniform(*hover_s, len(wps))
    tgt = None if target is None else np.asarray(target, float)
    vel = np.zeros(3)
    jitter = np.zeros(3)
    tau = 2.0  # s, jitter correlation time
    a_j = np.exp(-dt / tau)
    b_j = jitter_mps * np.sqrt(1.0 - a_j**2)
    leg, hover_left = 0, None
    ts, ps, vs = [t_start], [pos.copy()], []
    t = t_start
    n_steps = int(np.ceil((t_max - t_start) / dt - 1e-9))
    for k in range(1, n_steps + 1):
        jitter = a_j * jitter + b_j * rng.normal(size=3)
        if leg < len(wps):
            d = wps[leg] - pos
            dist = float(np.linalg.norm(d))
            if hover_left is not None:  # hovering on the waypoint (small station-keeping jitter)
                want = 0.2 * jitter + 0.5 * d
                hover_left -= dt
                if hover_left <= 0.0 and (leg < len(wps) - 1 or tgt is not None):
                    leg, hover_left = leg + 1, None  # without a target it holds the last waypoint
            elif dist < 2.0 and np.linalg.norm(vel) < 2.0:
                hover_left = hovers[leg]
                want = np.zeros(3)
            else:
                v_des = min(speed, np.sqrt(2.0 * accel_max * max(dist - 1.0, 0.0)))
                want = d / max(dist, 1e-9) * v_des + jitter * min(1.0, dist / 20.0)
            dv = want - vel
            step = float(np.linalg.norm(dv))
            if step > accel_max * dt:
                dv *= accel_max * dt / step
            vel = vel + dv
        else:  # terminal dive: straight at the target, accelerating
            d = tgt - pos
            dist = float(np.linalg.norm(d))
            sp = min(dive_speed, float(np.linalg.norm(vel)) + accel_max * 2.0 * dt)
            vel = d / max(dist, 1e-9) * max(sp, 1.0)
            if dist <= np.linalg.norm(vel) * dt:
                vs.append(vel.copy())
                t += dist / np.linalg.norm(vel)
                ts.append(t)
                ps.append(tgt.copy())
                break
        if tgt is None or leg < len(wps):
            vel[2] = max(vel[2], min(0.0, (1.0 - pos[2]) / dt))  # no descent below 1 m except in the dive
        sp = float(np.linalg.norm(vel))
        if sp > vmax:
            vel *= vmax / sp
        vs.append(vel.copy())
        pos = pos + vel * dt
        t = t_start + k * dt
        ts.append(t)
        ps.append(pos.copy())
    vs.append(vel.copy())
    return Trajectory(np.array(ts), np.array(ps), np.array(vs))
