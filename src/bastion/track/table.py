"""The track table: every live track as one row of a struct of NumPy arrays."""

from __future__ import annotations

import numpy as np

TENTATIVE = np.int8(0)
CONFIRMED = np.int8(1)
COASTING = np.int8(2)
STATUS_NAMES = {0: "tentative", 1: "confirmed", 2: "coasting"}

# (name, dtype, trailing shape as a function of (n_models, state_dim)); order is documentation order.
_FIELDS = (
    ("id", np.int64, lambda M, D: ()),
    ("x", np.float64, lambda M, D: (6,)),
    ("P", np.float64, lambda M, D: (6, 6)),
    ("t_state", np.float64, lambda M, D: ()),
    ("status", np.int8, lambda M, D: ()),
    ("t_first", np.float64, lambda M, D: ()),
    ("t_confirmed", np.float64, lambda M, D: ()),
    ("t_last_update", np.float64, lambda M, D: ()),
    ("hits", np.int64, lambda M, D: ()),
    ("misses", np.int64, lambda M, D: ()),
    ("history", np.uint64, lambda M, D: ()),
    ("opportunities", np.int64, lambda M, D: ()),
    ("quality", np.float64, lambda M, D: ()),
    ("mode_prob", np.float64, lambda M, D: (M,)),
    ("ballistic_coef", np.float64, lambda M, D: ()),
    ("rcs_m2", np.float64, lambda M, D: ()),
    ("rcs_count", np.int64, lambda M, D: ()),
    ("sensors", np.int64, lambda M, D: ()),
    ("last_sensor", np.int64, lambda M, D: ()),
    ("prev_sensor", np.int64, lambda M, D: ()),
    ("boost_candidate", np.bool_, lambda M, D: ()),
    ("xm", np.float64, lambda M, D: (D,)),
    ("Pm", np.float64, lambda M, D: (D, D)),
)
FIELD_NAMES = tuple(f[0] for f in _FIELDS)
# Model-conditioned arrays are stored model-major, (M, N, ...), so that each model's slice is
# contiguous for the IMM's per-model arithmetic; every other field has the track axis first.
_MODEL_MAJOR = ("xm", "Pm")


class TrackTable:
    """Live tracks (tentative, confirmed, coasting), one row each.

    Attributes (N = number of live tracks, M = number of IMM models, D = augmented state size: 8
    with the ballistic model, else 7):
        id (N,) int64: stable track ids, never reused.
        x (N, 6): combined state [e, n, u, ve, vn, vu] (m, m/s) at ``t_state``.
        P (N, 6, 6): its covariance (m^2, m^2/s, m^2/s^2).
        t_state (N,): time (s) of ``x``; the time of the last update (tracks are predicted lazily).
        status (N,) int8: TENTATIVE, CONFIRMED or COASTING (confirmed but missed at its last chance).
        t_first (N,): time (s) of the first detection; t_confirmed (N,): confirmation time (NaN before).
        t_last_update (N,): time (s) of the last detection that updated the track.
        hits (N,): number of detections that updated the track; misses (N,): consecutive misses.
        history (N,) uint64: hit (1) / miss (0) at the last 64 opportunities, newest in bit 0.
        opportunities (N,): number of opportunities (see ``last_sensor``).
        quality (N,) in [0, 1]: exponentially smoothed hit ratio.
        mode_prob (N, M): IMM model probabilities (model names in ``Tracker.model_names``).
        ballistic_coef (N,): estimated ballistic coefficient beta = m/(Cd A) (kg/m^2), NaN until the
            ballistic model has learnt it.
        rcs_m2 (N,): running mean of detection radar cross-sections (m^2), NaN when none was given.
        sensors (N,) int64: bitmask of sensors that updated the track (bit i = i-th sensor seen).
        last_sensor, prev_sensor (N,) int64: bits of the sensors that made the latest and the one
            before; a sensor's batches count as opportunities (hits or misses) for the track only
            when it made both.
        xm (M, N, D), Pm (M, N, D, D): model-conditioned augmented states (internal to the IMM;
            model-major so that each model's slice is contiguous).
    """

    def __init__(self, n_models: int, state_dim: int) -> None:
        self.n_models = n_models
        self.state_dim = state_dim
        for name, dtype, shape in _FIELDS:
            lead = (n_models, 0) if name in _MODEL_MAJOR else (0,)
            setattr(self, name, np.zeros((*lead, *shape(n_models, state_dim)), dtype=dtype))

    def __len__(self) -> int:
        return self.id.shape[0]

    def append(self, rows: dict[str, np.ndarray]) -> None:
        """Append rows given as a dict with every field."""
        for name in FIELD_NAMES:
            axis = 1 if name in _MODEL_MAJOR else 0
            setattr(self, name, np.concatenate([getattr(self, name), rows[name]], axis=axis))

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the rows where ``mask`` is True."""
        for name in FIELD_NAMES:
            arr = getattr(self, name)
            setattr(self, name, arr[:, mask] if name in _MODEL_MAJOR else arr[mask])

    def keep_append(self, mask: np.ndarray | None, rows: dict[str, np.ndarray] | None) -> None:
        """Drop the rows where ``mask`` is False and append ``rows``, copying each field once."""
        if mask is not None and mask.all():
            mask = None
        if mask is None and rows is None:
            return
        if rows is None:
            self.keep(mask)
            return
        for name in FIELD_NAMES:
            arr = getattr(self, name)
            axis = 1 if name in _MODEL_MAJOR else 0
            if mask is not None:
                arr = arr[:, mask] if axis else arr[mask]
            setattr(self, name, np.concatenate([arr, rows[name]], axis=axis))

    def index_of(self, track_ids) -> np.ndarray:
        """Row indices of ``track_ids`` (-1 where not live)."""
        ids = np.asarray(track_ids, dtype=np.int64).reshape(-1)
        order = np.argsort(self.id, kind="stable")
        pos = np.searchsorted(self.id[order], ids)
        pos = np.minimum(pos, max(len(self) - 1, 0))
        found = (len(self) > 0) & (self.id[order][pos] == ids) if len(self) else np.zeros(ids.shape, bool)
        return np.where(found, order[pos] if len(self) else -1, -1)
