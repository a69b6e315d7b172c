"""Tracking benchmark scenarios in the ``c2-scenario-jsonl`` exchange format.

Targets fly at low altitude with nearly constant speed, switching at random between straight flight and
coordinated turns; some fly as tight swarms (rigid formations a few sigma apart); targets are born and
die during the run. Each scan a target is detected with probability Pd, with iid Gaussian position noise;
clutter is a Poisson number of points uniform in the surveillance volume. Deterministic for a seed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from bastion.interop.tracking_jsonl import Scan, Scenario, scenario_header


@dataclass(frozen=True)
class GenConfig:
    """Generator parameters (all SI).

    n_targets: targets alive at the start (about as many alive throughout: births balance deaths).
    n_scans: number of scans; dt: scan period (s); sigma: position noise per axis (m); pd: detection
    probability; clutter_per_scan: mean number of clutter points per scan (Poisson).
    area_per_target: horizontal area per target (m^2): sets the side of the square volume;
    z_min, z_max: altitude band (m). min_speed, max_speed: speed band (m/s). max_turn_rate: largest
    turn rate (rad/s); turn_switch_prob: chance per scan of picking a new turn rate (half of the picks
    are straight flight). swarm_fraction: share of targets flying in swarms of swarm_size, with
    swarm_spacing (m) between neighbours. death_prob: chance per scan that a target dies (a new one is
    born elsewhere to replace it). accel_noise_q: white acceleration noise density of the truth (m^2/s^3).
    process_noise_q: the nearly-constant-velocity process noise density (m^2/s^3) told to the trackers.
    """

    n_targets: int = 100
    n_scans: int = 100
    dt: float = 1.0
    sigma: float = 5.0
    pd: float = 0.9
    clutter_per_scan: float = 50.0
    area_per_target: float = 1.0e6
    z_min: float = 50.0
    z_max: float = 1000.0
    min_speed: float = 10.0
    max_speed: float = 40.0
    max_turn_rate: float = 0.1
    turn_switch_prob: float = 0.05
    swarm_fraction: float = 0.3
    swarm_size: int = 6
    swarm_spacing: float = 40.0
    death_prob: float = 0.005
    accel_noise_q: float = 0.05
    process_noise_q: float = 0.05


def _new_targets(rng, k, cfg: GenConfig, half: float):
    """k fresh target states: positions, velocities, turn rates; swarm members share motion."""
    pos = np.column_stack([rng.uniform(-half, half, k), rng.uniform(-half, half, k),
                           rng.uniform(cfg.z_min + 100.0, cfg.z_max - 100.0, k)])
    speed = rng.uniform(cfg.min_speed, cfg.max_speed, k)
    head = rng.uniform(0.0, 2.0 * np.pi, k)
    vel = np.column_stack([speed * np.cos(head), speed * np.sin(head), rng.normal(0.0, 0.5, k)])
    group = np.full(k, -1, np.int64)
    n_swarm = int(round(cfg.swarm_fraction * k / cfg.swarm_size)) if cfg.swarm_size > 1 else 0
    for g in range(n_swarm):
        members = np.arange(g * cfg.swarm_size, min((g + 1) * cfg.swarm_size, k))
        lead = members[0]
        group[members] = lead
        # A loose grid around the leader, one spacing apart, same velocity.
        offs = np.array([[(i % 3) * cfg.swarm_spacing, (i // 3) * cfg.swarm_spacing, 0.0]
                         for i in range(len(members))])
        pos[members] = pos[lead] + offs
        vel[members] = vel[lead]
    return pos, vel, group


def generate(cfg: GenConfig, seed: int) -> Scenario:
    """A scenario (header and scans) for ``cfg``, deterministic for ``seed``."""
    rng = np.random.default_rng(seed)
    side = float(np.sqrt(cfg.area_per_target * cfg.n_targets))
    half = side / 2.0
    lo = np.array([-half, -half, 0.0])
    hi = np.array([half, half, cfg.z_max + 200.0])
    pos, vel, group = _new_targets(rng, cfg.n_targets, cfg, half)
    ids = np.arange(cfg.n_targets, dtype=np.int64)
    omega = np.zeros(cfg.n_targets)
    next_id = cfg.n_targets
    scans: list[Scan] = []
    for k in range(cfg.n_scans):
        t = k * cfg.dt
        if k > 0:
            # Turn-rate switches (swarm members copy their leader so the formation stays rigid).
            switch = rng.random(len(ids)) < cfg.turn_switch_prob
            new_w = np.where(rng.random(len(ids)) < 0.5, 0.0,
                             rng.uniform(-cfg.max_turn_rate, cfg.max_turn_rate, len(ids)))
            omega = np.where(switch, new_w, omega)
            lead_idx = {int(i): j for j, i in enumerate(ids)}
            for j in np.flatnonzero(group >= 0):
                li = lead_idx.get(int(group[j]))
                if li is not None:
                    omega[j] = omega[li]
            # Exact coordinated-turn step in the horizontal plane, then truth acceleration noise.
            wt = omega * cfg.dt
            s, c = np.sin(wt), np.cos(wt)
            small = np.abs(omega) < 1e-9
            w = np.where(small, 1.0, omega)
            A = np.where(small, cfg.dt, s / w)
            B = np.where(small, 0.0, (1.0 - c) / w)
            ve, vn = vel[:, 0].copy(), vel[:, 1].copy()
            pos[:, 0] += A * ve - B * vn
            pos[:, 1] += B * ve + A * vn
            pos[:, 2] += vel[:, 2] * cfg.dt
            vel[:, 0] = c * ve - s * vn
            vel[:, 1] = s * ve + c * vn
            noise = rng.normal(0.0, np.sqrt(cfg.accel_noise_q * cfg.dt), (len(ids), 3))
            lead_rows = np.array([lead_idx.get(int(g), j) for j, g in enumerate(group)], dtype=np.int64) \
                if len(ids) else np.zeros(0, np.int64)
            noise = noise[lead_rows]  # swarms share the noise of their leader
            vel += noise
            # Keep speeds in band and altitude inside the volume (pull-up / push-down).
            hs = np.hypot(vel[:, 0], vel[:, 1])
            scale = np.clip(hs, cfg.min_speed, cfg.max_speed) / np.maximum(hs, 1e-9)
            vel[:, :2] *= scale[:, None]
            vel[:, 2] = np.where(pos[:, 2] < cfg.z_min + 50.0, np.abs(vel[:, 2]), vel[:, 2])
            vel[:, 2] = np.where(pos[:, 2] > cfg.z_max - 50.0, -np.abs(vel[:, 2]), vel[:, 2])
            # Deaths (whole swarms die with their leader) and as many births elsewhere.
            lead_dead = rng.random(len(ids)) < cfg.death_prob
            dead = lead_dead.copy()
            dead_ids = set(ids[lead_dead].tolist())
            dead |= np.array([int(g) in dead_ids for g in group], dtype=bool) if len(ids) else dead
            n_born = int(dead.sum())
            keep = ~dead
            pos, vel, ids, omega, group = pos[keep], vel[keep], ids[keep], omega[keep], group[keep]
            if n_born:
                p2, v2, g2 = _new_targets(rng, n_born, cfg, half)
                new_ids = np.arange(next_id, next_id + n_born, dtype=np.int64)
                g2 = np.where(g2 >= 0, g2 + next_id, -1)
                next_id += n_born
                pos, vel = np.vstack([pos, p2]), np.vstack([vel, v2])
                ids = np.concatenate([ids, new_ids])
                omega = np.concatenate([omega, np.zeros(n_born)])
                group = np.concatenate([group, g2])
        det = rng.random(len(ids)) < cfg.pd
        z_t = pos[det] + rng.normal(0.0, cfg.sigma, (int(det.sum()), 3))
        n_cl = int(rng.poisson(cfg.clutter_per_scan))
        z_c = rng.uniform(lo, hi, (n_cl, 3))
        z = np.vstack([z_t, z_c])
        origin = np.concatenate([ids[det], np.full(n_cl, -1, np.int64)])
        perm = rng.permutation(len(z))
        truth = np.column_stack([ids.astype(float), pos, vel])
        scans.append(Scan(k, t, truth, z[perm], origin[perm]))
    config = asdict(cfg)
    config.update({"seed": seed, "volume": [lo.tolist(), hi.tolist()],
                   "clutter_density": cfg.clutter_per_scan / float(np.prod(hi - lo))})
    header = scenario_header(cfg.sigma, config)
    return Scenario(header, scans)
