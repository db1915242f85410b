"""The main screen's link to the UI's model copy: building it, tracing a sample, answering Try it."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import Scenario
from rnn_tui.ui.messages import MirrorBuilt, TraceReady, TryItAnswered, TryItRequested
from rnn_tui.ui.protocol import Weights
from rnn_tui.ui.screens.screen_parts import ScreenParts

if TYPE_CHECKING:
    from rnn_tui.ui.mirror import Mirror


class ModelLink(ScreenParts):
    """Mixed into MainScreen: thread workers around ``mirror.Mirror`` (which imports torch).

    Weights arrive from the training process as numpy; a worker loads them into the
    mirror and traces the shown sample, so the timestep view follows training.
    """

    def build_mirror(self) -> None:
        self.mirror_generation += 1
        self.mirror_builds += 1
        self._mirror_worker(self.scenario, self.mirror, self.mirror_generation)

    @work(thread=True, exclusive=True, group="mirror", exit_on_error=False)
    def _mirror_worker(
        self, scenario: Scenario, previous: Mirror | None, generation: int
    ) -> None:
        from rnn_tui.ui.mirror import Mirror

        try:
            mirror = Mirror(scenario, previous)
        except RnnTuiError as error:
            self.post_message(MirrorBuilt(None, str(error), generation))
            return
        self.post_message(MirrorBuilt(mirror, None, generation))

    def on_mirror_built(self, message: MirrorBuilt) -> None:
        self.mirror_builds -= 1
        if message.generation != self.mirror_generation:
            return  # built for settings that have changed since
        if message.mirror is None:
            if self.panels is not None:
                self.panels.timestep.clear(f"Timestep view: {message.error}")
            return
        self.mirror = message.mirror
        if not gc.get_freeze_count():
            # torch, numpy, the data and the widgets are now a few hundred thousand objects
            # that live as long as the app. Python's full collections walked them all,
            # 160-180 ms each, a few times a minute: the slowest key presses. Frozen, they
            # are skipped. Only once: freezing again later would also freeze garbage
            # (closed screens, old models) that no collection could then free.
            gc.freeze()
        self.sample = min(self.sample, self.mirror.test_size - 1)
        if self.panels is not None:
            self.panels.try_it.set_mirror(self.mirror)
            self.panels.setup.refresh_hints()  # the data's ranges: its modules are loaded now
        self.trace_stale = True

    def request_trace(self, force: bool = False) -> None:
        """Trace the shown sample under the newest weights (only while the panel is visible,
        beside Setup too)."""
        mirror, weights = self.mirror, self.session.weights
        if mirror is None or weights is None or not mirror.fits(self.scenario):
            return
        if not self.on_screen("timestep") and not force:
            return  # traced when the panel is shown
        self.trace_stale = False
        self._trace_worker(mirror, weights, self.session.weights_version, self.sample, self.typed)

    @work(thread=True, exclusive=True, group="trace", exit_on_error=False)
    def _trace_worker(
        self,
        mirror: Mirror,
        weights: tuple[int, Weights],
        version: int,
        sample: int,
        typed: str | None,
    ) -> None:
        """Load the newest weights into the mirror, then trace a held-out sample or the typed input."""
        step = weights[0]
        try:
            with mirror.lock:
                if not mirror.catch_up(weights, version):
                    return
                result = None if typed is None else mirror.try_input(typed)
                trace = mirror.trace(sample) if result is None else result.trace
        except RnnTuiError as error:
            self.post_message(TryItAnswered(str(error), step))
            return
        if result is not None:
            self.post_message(TryItAnswered(result, step))
            self.post_message(TraceReady(trace, sample, step, "typed", result.image))
            return
        images = mirror.dataset.extras.get("test_images")
        image = None if images is None else images[sample]
        if not get_current_worker().is_cancelled:
            self.post_message(TraceReady(trace, sample, step, "held-out", image))

    def on_trace_ready(self, message: TraceReady) -> None:
        if self.panels is not None:
            self.panels.timestep.set_trace(
                message.trace, message.sample, message.step, message.source, message.image
            )

    def on_try_it_requested(self, message: TryItRequested) -> None:
        mirror = self.mirror
        if mirror is None or self.session.weights is None or not mirror.fits(self.scenario):
            if self.panels is not None:
                self.panels.try_it.show_result(
                    "the model is still loading; try again in a moment", None
                )
            return
        self.typed = message.text
        self.request_trace(force=True)

    def on_try_it_answered(self, message: TryItAnswered) -> None:
        if isinstance(message.result, str):
            self.typed = None  # the held-out sample comes back on the next trace
        if self.panels is not None:
            self.panels.try_it.show_result(message.result, message.step)
