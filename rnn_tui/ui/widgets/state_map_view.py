"""StateMapView: held-out examples' hidden-state trajectories on their first two principal components.

Each example's path h_1 ... h_T is a braille line in its class's colour; at the cursor's
step t every example gets a marker glyph of its class (so the map reads without
colour: NO_COLOR, 16 colours). Per-step labels (the word a decoder should say, the word
an encoder reads, a series' target value) colour only the markers, since one path
passes through many of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnn_tui.ui.widgets.chart_base import SERIES_COLOURS, HistoryChart

CLASS_GLYPHS = "●▲■◆★✚"
"""One glyph per class (or word, or value band), in legend order."""
PATH_GREY = "#8a8a8a"
"""Paths of examples whose label changes along the way (words, values)."""
MOST_WORDS = 5
"""Words named in the legend at a step; the rest are 'other'."""
VALUE_BANDS = 3


@dataclass(frozen=True)
class MapData:
    """What the view draws: the engine's ``StateMap`` fields it needs (numpy only)."""

    paths: np.ndarray  # (N, T, 2), NaN past an example's length
    lengths: np.ndarray  # (N,)
    labels: np.ndarray  # (N,) classes, or (N, T) words or values
    label_kind: str  # "class" | "token" | "value"
    label_names: tuple[str, ...] | None
    explained: np.ndarray  # (2,) fractions of variance

    @property
    def steps(self) -> int:
        return int(self.paths.shape[1])


@dataclass(frozen=True)
class Group:
    """Examples drawn alike at the cursor: one legend entry."""

    name: str
    members: np.ndarray  # example indices
    glyph: str
    colour: str


class StateMapView(HistoryChart):
    """A PCA map: ``set_map`` the data, ``set_step`` the cursor's t (from 0)."""

    DEFAULT_CSS = "StateMapView { height: 1fr; min-height: 8; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(title="", x_title="PC1", id=id, classes=classes)
        self.integer_x = False  # principal-component scores, not training steps
        self.data: MapData | None = None
        self.step = 0

    def reset(self) -> None:
        self.data = None
        self.mark_dirty()

    def set_map(self, data: MapData) -> None:
        self.data = data
        self.step = min(self.step, max(data.steps - 1, 0))
        self.mark_dirty()

    def set_step(self, t: int) -> None:
        """Mark step ``t`` (clamped to the map's steps); redraws only if it moved."""
        if self.data is not None:
            t = min(max(t, 0), self.data.steps - 1)
        if t != self.step:
            self.step = t
            self.mark_dirty()

    @property
    def axis_titles(self) -> tuple[str, str]:
        """(x, y) axis titles with the share of variance each component explains."""
        if self.data is None:
            return "PC1", "PC2"
        first, second = (100 * self.data.explained).tolist()
        return f"PC1 ({first:.0f}% of variance)", f"PC2 ({second:.0f}%)"

    def groups(self) -> list[Group]:
        """How the examples are grouped at the cursor's step, in legend order."""
        data = self.data
        if data is None:
            return []
        if data.label_kind == "class":
            labels = data.labels
            names = data.label_names or tuple(str(v) for v in np.unique(labels))
            ids = range(len(names)) if data.label_names else np.unique(labels).tolist()
            return [
                self._group(name, np.flatnonzero(labels == value), index)
                for index, (value, name) in enumerate(zip(ids, names, strict=True))
                if (labels == value).any()
            ]
        at_t = data.labels[:, self.step]
        alive = np.flatnonzero(self.step < data.lengths)
        if data.label_kind == "value":
            return self._value_groups(at_t, alive)
        return self._word_groups(at_t, alive)

    def _group(self, name: str, members: np.ndarray, index: int) -> Group:
        return Group(
            name,
            members,
            CLASS_GLYPHS[index % len(CLASS_GLYPHS)],
            SERIES_COLOURS[index % len(SERIES_COLOURS)],
        )

    def _value_groups(self, values: np.ndarray, alive: np.ndarray) -> list[Group]:
        data = self.data
        assert data is not None
        every = data.labels[np.arange(data.steps)[None, :] < data.lengths[:, None]]
        edges = np.quantile(every, np.linspace(0, 1, VALUE_BANDS + 1)[1:-1])
        bands = np.searchsorted(edges, values[alive], side="right")
        names = [f"target < {edges[0]:.4g}"]
        names += [f"{low:.4g} to {high:.4g}" for low, high in zip(edges, edges[1:], strict=False)]
        names.append(f"target ≥ {edges[-1]:.4g}")
        return [
            self._group(name, alive[bands == band], band)
            for band, name in enumerate(names)
            if (bands == band).any()
        ]

    def _word_groups(self, words: np.ndarray, alive: np.ndarray) -> list[Group]:
        data = self.data
        assert data is not None
        names = data.label_names or ()
        ids, counts = np.unique(words[alive], return_counts=True)
        top = ids[np.argsort(-counts, kind="stable")][:MOST_WORDS]
        groups = [
            self._group(
                names[word] if word < len(names) else str(word), alive[words[alive] == word], i
            )
            for i, word in enumerate(top.tolist())
        ]
        rest = alive[~np.isin(words[alive], top)]
        if len(rest):
            groups.append(Group("other words", rest, "·", PATH_GREY))
        return groups

    def _configure(self) -> None:
        super()._configure()
        self.margin_bottom = 3  # tick labels, then the x axis's title (textual-plot's row 2)

    def _draw(self) -> None:
        data = self.data
        x_title, y_title = self.axis_titles
        self.chart_title = f"{y_title} · markers at t={self.step + 1}:"
        self.x_title = x_title  # drawn by HistoryChart on the bottom row
        if data is None or data.steps == 0:
            return
        groups = self.groups()
        colours = [PATH_GREY] * len(data.lengths)
        if data.label_kind == "class":
            for group in groups:
                for example in group.members.tolist():
                    colours[example] = group.colour
        # In the examples' own (mixed) order: where paths cross, the one drawn last colours
        # the cell, and drawing class by class would bury the first class under the others.
        for example, colour in enumerate(colours):
            path = data.paths[example, : data.lengths[example]]
            self.line(path[:, 0], path[:, 1], colour, None)
        at_t = data.paths[:, self.step]
        for group in groups:
            points = at_t[group.members]
            self.markers(points[:, 0], points[:, 1], group.glyph, group.colour, group.name)
        self._fix_y_range()

    def _fix_y_range(self) -> None:
        """The y range of every path, not just the markers: moving the cursor keeps the scale."""
        data = self.data
        assert data is not None
        ys = data.paths[..., 1]
        if np.isfinite(ys).any():
            low, high = float(np.nanmin(ys)), float(np.nanmax(ys))
            pad = (high - low) * 0.02 or 1.0
            self.set_ylimits(low - pad, high + pad)
