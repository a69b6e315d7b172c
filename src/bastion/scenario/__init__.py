"""The site and scenario schema, TOML loading and the built-in scenarios."""

from bastion.scenario.load import DEFAULT_SCENARIO, builtin_names, builtin_text, load_scenario, parse_scenario
from bastion.scenario.schema import Scenario

__all__ = ["DEFAULT_SCENARIO", "Scenario", "builtin_names", "builtin_text", "load_scenario", "parse_scenario"]
