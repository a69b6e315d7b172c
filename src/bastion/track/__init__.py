"""Tracking: a vectorised multi-sensor IMM tracker (see ``docs/tracking.md``).

Public API::

    from bastion.track import Tracker, TrackerConfig
    tracker = Tracker(TrackerConfig())
    upd = tracker.process(batch)        # a bastion.sense.detections.DetectionBatch, in time order
    tracker.table                       # TrackTable of live tracks (struct of arrays)
    ids, x, P = tracker.predict(t)      # all live tracks predicted to time t
    tracker.delete(track_ids)
"""

from bastion.track.config import MODEL_NAMES, TrackerConfig
from bastion.track.table import COASTING, CONFIRMED, STATUS_NAMES, TENTATIVE, TrackTable
from bastion.track.tracker import ScanUpdate, Tracker

__all__ = [
    "COASTING",
    "CONFIRMED",
    "MODEL_NAMES",
    "STATUS_NAMES",
    "TENTATIVE",
    "ScanUpdate",
    "TrackTable",
    "Tracker",
    "TrackerConfig",
]
