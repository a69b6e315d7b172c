"""A detection batch refuses what is not a measurement before it reaches the tracker."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.sense.detections import DetectionBatch

R_RADAR = np.diag([10.0**2, np.radians(0.3) ** 2, np.radians(0.3) ** 2])  # range m, azimuth and elevation rad


def test_a_covariance_that_is_not_positive_definite_is_refused_naming_the_detection():
    z = np.array([[3000.0, 0.1, 0.05], [4000.0, 0.2, 0.05], [5000.0, 0.3, 0.05]])
    R = np.stack([R_RADAR, R_RADAR, R_RADAR])
    ok = DetectionBatch("surveillance", "radar", np.zeros(3), np.zeros(3), z, R)
    assert len(ok) == 3 and len(ok.subset([0, 2])) == 2
    negative = R.copy()
    negative[2, 1, 1] = -1e-6  # a negative azimuth variance
    with pytest.raises(ValueError, match="surveillance.*R of detection 2 is not a positive-definite"):
        DetectionBatch("surveillance", "radar", np.zeros(3), np.zeros(3), z, negative)
    correlated = R.copy()
    correlated[1, 0, 1] = correlated[1, 1, 0] = 1.0  # |correlation| far beyond 1
    with pytest.raises(ValueError, match="R of detection 1 is not"):
        DetectionBatch("surveillance", "radar", np.zeros(3), np.zeros(3), z, correlated)
    with pytest.raises(ValueError, match="non-finite"):
        DetectionBatch("surveillance", "radar", np.zeros(3), np.zeros(3), z, np.full((3, 3, 3), np.nan))
