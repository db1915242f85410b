"""Map panel: held-out examples' hidden states on their two principal components, as trajectories.

The map is the engine's ``core.state_map`` (a numpy SVD of the step-by-step h_t of
MAP_EXAMPLES held-out examples) under the current weights, computed in a thread worker
on the UI's model copy: when the panel is shown, after the weights change (at most
every MAP_SECONDS while training) and after a scenario switch. The Timestep cursor's
step is marked on every trajectory (left/right move it here too).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.worker import Worker, WorkerState

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.ui.panels.text_line import TextLine
from rnn_tui.ui.widgets.state_map_view import MapData, StateMapView

if TYPE_CHECKING:
    from rnn_tui.ui.mirror import Mirror
    from rnn_tui.ui.protocol import Weights
    from rnn_tui.ui.screens.screen_parts import ScreenParts

MAP_EXAMPLES = 128  # held-out examples drawn: enough for the classes' shapes, few enough to read
MAP_SECONDS = 3.0  # while training, the map is recomputed at most this often



class MapPanel(Vertical):
    """A title line, what is mapped, and the map."""

    @dataclass
    class Computed(Message):
        """A map (or why there is none) for the weights ``key`` names."""

        data: MapData | None
        info: str
        key: tuple[int, int]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.key: tuple[int, int] | None = None  # (id of the mirror, weights version) mapped
        self.pending: tuple[int, int] | None = None  # the key a worker is computing
        self.started = 0.0  # monotonic time the last worker started
        self.info = ""

    def compose(self) -> ComposeResult:
        yield TextLine(
            "Map: held-out examples' hidden states h_t on their two principal components",
            id="map-title",
            classes="panel-title",
        )
        yield TextLine("Loading the model…", id="map-info")
        yield StateMapView(id="map-view")

    def on_mount(self) -> None:
        self.view = self.query_one(StateMapView)
        self.info_line = self.query_one("#map-info", TextLine)

    @property
    def parts(self) -> ScreenParts:
        return self.screen  # type: ignore[return-value]  # mounted on MainScreen

    # -- the screen's frame -------------------------------------------------------------
    def frame(self, shown: bool) -> None:
        """Called on the screen's frame timer: follow the cursor, recompute when stale."""
        screen = self.parts
        panels = screen.panels
        if panels is not None and panels.timestep.trace is not None:
            part, t = panels.timestep.position
            self.view.set_step(t if part == 0 else self.view.step)
        mirror, weights = screen.mirror, screen.session.weights
        if mirror is None or weights is None or not mirror.fits(screen.scenario):
            if self.key is not None:
                self.key = None
                self.view.reset()
                self._say("Building the new model…")
            if shown:
                self.view.redraw()
            return
        key = (id(mirror), screen.session.weights_version)
        due = (
            self.key is None
            or key[0] != self.key[0]
            or (time.monotonic() - self.started >= MAP_SECONDS)
        )
        if shown and key != self.key and self.pending is None and due:
            self.pending, self.started = key, time.monotonic()
            self._compute(mirror, weights, key)
        if shown:
            self.view.redraw()

    @work(thread=True, exclusive=True, group="state-map", exit_on_error=False)
    def _compute(self, mirror: Mirror, weights: tuple[int, Weights], key: tuple[int, int]) -> None:
        from rnn_tui.core.state_map import class_separation, state_map

        try:
            with mirror.lock:
                if not mirror.catch_up(weights, key[1]):
                    self.post_message(self.Computed(None, "", key))
                    return
                test = mirror.dataset.test
                split = test.select(range(min(MAP_EXAMPLES, len(test))))
                smap = state_map(mirror.model, mirror.dataset, split)
                step = mirror.step
        except RnnTuiError as error:
            self.post_message(self.Computed(None, f"No map: {error}", key))
            return
        data = MapData(
            smap.paths, smap.lengths, smap.labels, smap.label_kind, smap.label_names, smap.explained
        )
        weights_text = "initial weights" if not step else f"weights at step {step}"
        layer = f"layer {smap.layer + 1}" if mirror.model.parts[smap.part].num_layers > 1 else ""
        what = " ".join(filter(None, [smap.part if len(mirror.model.parts) > 1 else "", layer]))
        info = " · ".join(filter(None, [f"{len(split)} held-out examples", what, weights_text]))
        if smap.label_kind == "class" and len(split) > 1:
            # Fisher's ratio at the last step, where a classifier reads: a number for "apart".
            separation = class_separation(smap.final_points, smap.labels)
            shown = f"{separation:,.0f}" if separation >= 100 else f"{separation:.2g}"
            info += f" · separation {shown}"
        self.post_message(self.Computed(data, info, key))

    def on_map_panel_computed(self, message: Computed) -> None:
        message.stop()
        # Failures count as mapped too: the next try waits for new weights, not the next frame.
        self.pending, self.key = None, message.key
        if message.data is None:
            self.view.reset()
            self._say(message.info or "No map: these weights do not fit the model shown.")
            return
        self.view.set_map(message.data)
        self._say(message.info)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure in the worker: say so, and let the next frame try again."""
        if event.worker.group == "state-map" and event.state == WorkerState.ERROR:
            event.stop()
            self.key, self.pending = self.pending, None
            self.view.reset()
            self._say(f"No map: {event.worker.error}")

    def _say(self, text: str) -> None:
        self.info = text
        self.info_line.set(text)
