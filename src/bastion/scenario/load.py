"""Loading scenarios from TOML, with one clear line per problem (``file: field.path: what is wrong``)."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from bastion.errors import UserError
from bastion.scenario.schema import Scenario

BUILTIN_PACKAGE = "bastion.scenario.builtin"
DEFAULT_SCENARIO = "night-raid"

# Discriminator values that pydantic inserts into error locations of tagged unions.
_TAGS = {
    "surveillance_radar", "counter_mortar_radar", "adsb_receiver", "iff_interrogator", "eo_camera", "ir_camera",
    "rf_detector", "rocket", "mortar", "artillery", "owa_drone", "quadcopter", "birds", "aircraft", "helicopter",
    "gun_20mm", "interceptor", "rf_jammer", "laser", "cued_eo_camera", "cued_ir_camera",
}


def _format_loc(loc: tuple) -> str:
    out = ""
    prev_index = False
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            prev_index = True
            continue
        if prev_index and part in _TAGS:
            prev_index = False
            continue
        prev_index = False
        out += ("." if out else "") + str(part)
    return out or "(top level)"


def _format_msg(err: dict) -> str:
    ctx = err.get("ctx") or {}
    kind = err["type"]
    simple = {
        "greater_than": "must be > {gt}",
        "greater_than_equal": "must be >= {ge}",
        "less_than": "must be < {lt}",
        "less_than_equal": "must be <= {le}",
        "too_short": "needs at least {min_length} items",
        "too_long": "takes at most {max_length} items",
    }
    if kind in simple:
        return simple[kind].format(**{k: (f"{v:g}" if isinstance(v, float) else v) for k, v in ctx.items()})
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        return f"unknown {ctx.get('discriminator', 'kind').strip(chr(39))} {ctx.get('tag')!r} " \
               f"(expected one of {ctx.get('expected_tags')})"
    if kind == "union_tag_not_found":
        return f"needs a {ctx.get('discriminator', 'kind').strip(chr(39))} key"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return f"must be a number, got {err.get('input')!r}"
    if kind == "finite_number":
        return f"must be a finite number, got {err.get('input')!r}"
    msg = err["msg"]
    return msg.removeprefix("Value error, ")


def validation_problems(source: str, error: ValidationError) -> list[str]:
    """One line per problem: ``source: field.path: what is wrong``."""
    return [f"{source}: {_format_loc(e['loc'])}: {_format_msg(e)}" for e in error.errors()]


def parse_scenario(text: str, source: str) -> Scenario:
    """Parse and validate scenario TOML ``text``; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UserError(f"{source}: TOML syntax: {err}") from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise UserError(validation_problems(source, err)) from None


def builtin_names() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    files = resources.files(BUILTIN_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def builtin_text(name: str) -> str:
    """The TOML text of built-in scenario ``name`` (raises UserError if there is none)."""
    if name not in builtin_names():
        raise UserError(f"no built-in scenario {name!r}; built-in: {', '.join(builtin_names())}")
    return resources.files(BUILTIN_PACKAGE).joinpath(f"{name}.toml").read_text(encoding="utf-8")


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name, or a scenario TOML file by path."""
    text_name = str(name_or_path)
    if text_name in builtin_names():
        return parse_scenario(builtin_text(text_name), f"{text_name}.toml")
    path = Path(name_or_path)
    if not path.exists():
        raise UserError(
            f"{path}: no such file, and not a built-in scenario (built-in: {', '.join(builtin_names())})"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"{path}: cannot read: {err}") from None
    return parse_scenario(text, path.name)
