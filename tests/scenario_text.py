"""Scenario TOML text shared by tests that build small scenarios of their own."""

# A field with one surveillance radar and every ROE sector on HOLD; append [[objects]] and run it.
FIELD_WITH_ONE_RADAR = """
[site]
name = "field"
lat_deg = 29.0
lon_deg = 47.0
perimeter = [[-500.0, -500.0], [500.0, -500.0], [500.0, 500.0], [-500.0, 500.0]]
[[sensors]]
name = "radar"
type = "surveillance_radar"
position = [0.0, 0.0, 10.0]
range_m = 15000.0
ref_range_m = 5000.0
ref_rcs_m2 = 0.01
[roe]
sectors = [{ name = "all", az_from_deg = 0.0, az_to_deg = 360.0, state = "HOLD" }]
"""


def silent_quad_and_flock(quad_start: tuple[float, float], flock_center: tuple[float, float]) -> str:
    """[[objects]]: a quadcopter without a radio link loitering at 60 m from ``quad_start`` (east, north m),
    and a flock of three birds at 60 m about ``flock_center``: what radar kinematics alone take for four
    birds."""
    return f"""
[[objects]]
kind = "quadcopter"
name = "silent-quad"
start = [{quad_start[0]}, {quad_start[1]}, 60.0]
area_radius_m = 200.0
speed_mps = 10.0
rf_link = false

[[objects]]
kind = "birds"
name = "flock"
count = 3
center = [{flock_center[0]}, {flock_center[1]}, 60.0]
radius_m = 150.0
"""
