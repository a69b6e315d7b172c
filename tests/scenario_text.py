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
