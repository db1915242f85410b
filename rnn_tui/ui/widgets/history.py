"""A bounded (x, y) history: recent points exact, older ones in equal, widening buckets."""

from __future__ import annotations

from collections import deque

import numpy as np

DEFAULT_MAX_POINTS = 2000


def merge_pairs(
    x: np.ndarray, y: np.ndarray, reduce: str = "mean"
) -> tuple[np.ndarray, np.ndarray]:
    """Merge neighbouring points in pairs (x by mean, y by `reduce`); an odd last point
    stays. "mean" smooths a loss curve; "max" keeps a gradient-norm spike's height.
    NaN is not skipped: a diverged step must stay visible."""
    if reduce not in ("mean", "max"):
        raise ValueError(f"reduce must be 'mean' or 'max', got {reduce!r}")
    pairs = len(x) // 2
    px = x[: 2 * pairs].reshape(pairs, 2)
    py = y[: 2 * pairs].reshape(pairs, 2)
    merged_y = py.max(axis=1) if reduce == "max" else py.mean(axis=1)
    return (
        np.concatenate((px.mean(axis=1), x[2 * pairs :])),
        np.concatenate((merged_y, y[2 * pairs :])),
    )


class BoundedHistory:
    """Append-only series that never holds more than `max_points` points.

    The newest half is kept exactly. Older points fall into equal buckets of `stride`
    steps that cover the run from its start; when the buckets fill their half, they
    merge in pairs and the stride doubles. So the whole run stays visible, evenly
    sampled, and recent detail is exact. Appending is amortised O(1).
    """

    def __init__(self, max_points: int = DEFAULT_MAX_POINTS, reduce: str = "mean") -> None:
        if max_points < 6:
            raise ValueError(f"max_points must be at least 6, got {max_points}")
        merge_pairs(np.empty(0), np.empty(0), reduce)  # validate early
        self.max_points = max_points
        self.reduce = reduce
        self._recent_size = max_points // 2
        # Even, so buckets always merge in whole pairs and stay equal; one spare slot
        # for the bucket still filling.
        self._coarse_size = (max_points - self._recent_size - 1) // 2 * 2
        self.clear()

    def clear(self) -> None:
        """Forget every point."""
        self._recent_x: deque[float] = deque()
        self._recent_y: deque[float] = deque()
        self._coarse_x = np.empty(0)
        self._coarse_y = np.empty(0)
        self._bucket: list[tuple[float, float]] = []
        self.stride = 1

    def __len__(self) -> int:
        return len(self._coarse_x) + bool(self._bucket) + len(self._recent_x)

    def append(self, x: float, y: float) -> None:
        """Add one point (x should not decrease; NaN y is kept and shows as a gap)."""
        self._recent_x.append(float(x))
        self._recent_y.append(float(y))
        if len(self._recent_x) > self._recent_size:
            self._bucket.append((self._recent_x.popleft(), self._recent_y.popleft()))
            if len(self._bucket) == self.stride:
                self._close_bucket()

    def _close_bucket(self) -> None:
        bx, by = np.array(self._bucket).T
        y = float(by.max() if self.reduce == "max" else by.mean())
        self._coarse_x = np.append(self._coarse_x, bx.mean())
        self._coarse_y = np.append(self._coarse_y, y)
        self._bucket = []
        if len(self._coarse_x) >= self._coarse_size:
            self._coarse_x, self._coarse_y = merge_pairs(
                self._coarse_x, self._coarse_y, self.reduce
            )
            self.stride *= 2

    def extend(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Append many points in order."""
        for x, y in zip(np.asarray(xs, float), np.asarray(ys, float), strict=True):
            self.append(float(x), float(y))

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        bucket_x = [float(np.mean([p[0] for p in self._bucket]))] if self._bucket else []
        reduce = np.max if self.reduce == "max" else np.mean
        bucket_y = [float(reduce([p[1] for p in self._bucket]))] if self._bucket else []
        x = np.concatenate((self._coarse_x, bucket_x, np.fromiter(self._recent_x, float)))
        y = np.concatenate((self._coarse_y, bucket_y, np.fromiter(self._recent_y, float)))
        return x, y

    @property
    def x(self) -> np.ndarray:
        """The x values held (a new array)."""
        return self._arrays()[0]

    @property
    def y(self) -> np.ndarray:
        """The y values held (a new array)."""
        return self._arrays()[1]

    @property
    def last(self) -> tuple[float, float] | None:
        """The newest point, or None when empty."""
        if self._recent_x:
            return self._recent_x[-1], self._recent_y[-1]
        return None


def thin(x: np.ndarray, y: np.ndarray, target: int) -> tuple[np.ndarray, np.ndarray]:
    """At most about `target` points that draw like all of them (min-max decimation).

    Consecutive buckets each give their lowest and highest point, in x order, so a noisy
    curve keeps its band and a spike keeps its height; the first and last points are
    kept exactly so the x range does not shrink. NaN points are kept (they draw as gaps).
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = len(x)
    if n <= max(target, 4):
        return x, y
    buckets = max(target // 2, 1)
    starts = np.linspace(0, n, buckets, endpoint=False).astype(np.int64)
    filled = np.where(np.isnan(y), np.inf, y)
    low = _bucket_arg(filled, starts, np.minimum)
    filled = np.where(np.isnan(y), -np.inf, y)
    high = _bucket_arg(filled, starts, np.maximum)
    keep = np.unique(np.concatenate(([0, n - 1], low, high, np.flatnonzero(np.isnan(y)))))
    return x[keep], y[keep]


def _bucket_arg(values: np.ndarray, starts: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
    """Index of the extreme (by `ufunc`) value within each bucket beginning at `starts`."""
    extremes = ufunc.reduceat(values, starts)
    bucket = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(values))))
    hits = np.flatnonzero(values == extremes[bucket])
    # First hit per bucket.
    _, first = np.unique(bucket[hits], return_index=True)
    return hits[first]
