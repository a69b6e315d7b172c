"""The flight tables' disk cache (bastion.diskcache): what is read back is bit for bit what was built,
a damaged or unwritable cache costs only time, and a different site makes a different entry."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.assess import launch_fit
from bastion.assess.launch_fit import TABLE_ARRAYS, TABLE_MODULES, _build_flight_table, flight_table
from bastion.diskcache import CACHE_ENV, entry_path

ROUND = "rocket_107mm"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    flight_table.cache_clear()
    yield tmp_path
    flight_table.cache_clear()


def _key(alt: float = 0.0):
    return "flight-tables", (ROUND, alt, launch_fit.ELEVATION_STEP_RAD, launch_fit.table_dt(ROUND)), TABLE_MODULES


def _same(table, arrays) -> bool:
    return all(np.array_equal(getattr(table, k), arrays[k]) for k in TABLE_ARRAYS)


def test_a_cached_table_is_the_built_table_bit_for_bit(cache, monkeypatch):
    built = _build_flight_table(ROUND, 0.0)
    first = flight_table(ROUND)
    path = entry_path(*_key())
    assert path is not None and path.is_file()
    flight_table.cache_clear()
    # The second read must come from the disk: building again would fail.
    monkeypatch.setattr(launch_fit, "_build_flight_table", lambda *a: pytest.fail("rebuilt"))
    second = flight_table(ROUND)
    assert _same(first, built) and _same(second, built)
    assert second.el_step == launch_fit.ELEVATION_STEP_RAD and second.dt == launch_fit.table_dt(ROUND)


def test_a_damaged_entry_is_rebuilt_and_rewritten(cache):
    flight_table(ROUND)
    path = entry_path(*_key())
    path.write_bytes(b"not an npz file")
    flight_table.cache_clear()
    assert _same(flight_table(ROUND), _build_flight_table(ROUND, 0.0))
    assert path.stat().st_size > 1000  # written again


def test_an_unwritable_cache_directory_costs_only_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))  # a directory under a file cannot be made
    flight_table.cache_clear()
    try:
        assert _same(flight_table(ROUND), _build_flight_table(ROUND, 0.0))
    finally:
        flight_table.cache_clear()


def test_the_site_height_and_the_code_key_the_entry(cache):
    assert entry_path(*_key(0.0)) != entry_path(*_key(1500.0))
    kind, parts, modules = _key()
    assert entry_path(kind, parts, modules) != entry_path(kind, parts, (*modules, "bastion.geo"))


def test_an_empty_cache_variable_turns_the_disk_cache_off(monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "")
    assert entry_path(*_key()) is None


def test_without_a_home_directory_there_is_no_disk_cache(monkeypatch):
    from bastion.diskcache import cache_dir
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr("os.path.expanduser", lambda p: p)  # as when HOME is unset and no passwd entry
    assert cache_dir() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/cache/x")
    assert str(cache_dir()) == "/var/cache/x/bastion"
