"""Shared fixtures: simulated runs are expensive, so each is made once per test session."""

from __future__ import annotations

import functools

import pytest

from bastion.evaluate.summary import build_summary
from bastion.scenario import load_scenario
from bastion.sim import Simulation

NIGHT_RAID_SEEDS = tuple(range(1, 11))


@functools.cache
def simulated(name: str, seed: int):
    """(scenario, run result, summary) of one simulated run, cached for the session."""
    scenario = load_scenario(name)
    result = Simulation(scenario, seed).run()
    summary = build_summary(scenario, result.world, result.events, result.first_detection, seed)
    return scenario, result, summary


@pytest.fixture(scope="session")
def night_raid_runs():
    return [simulated("night-raid", s) for s in NIGHT_RAID_SEEDS]
