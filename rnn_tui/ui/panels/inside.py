"""Inside panel: set a unit by hand (an intervention) and rank units by ablation.

An intervention in the engine's grammar (``core.interventions``: h:12@5..=0 clamps unit
12 of h to 0 from step 5) runs on the shown held-out sample under the current weights,
in a thread worker on the UI's model copy; the panel shows, per step, the prediction
before and after, the changed steps marked. ctrl+r ranks units by ablation
(``core.ablation``: each unit of h set to 0 at every step in turn, on the held-out
evaluation set) in a worker on a copy of the model, with progress; escape stops it.
Enter on a ranked unit applies "ablate unit N" as an intervention.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.vocabulary import Metric
from rnn_tui.ui.panels.text_line import TextLine

if TYPE_CHECKING:
    from rnn_tui.core.ablation import UnitAblation
    from rnn_tui.core.intervention_trace import InterventionTrace, PartEffect
    from rnn_tui.ui.mirror import Mirror
    from rnn_tui.ui.protocol import Weights
    from rnn_tui.ui.screens.screen_parts import ScreenParts

RERUN_SECONDS = 2.0  # while training, the shown intervention re-runs at most this often
CHANGED = "✱"  # marks a step whose answer changed (readable without colour)



class InsidePanel(Vertical):
    """A spec field, its meaning, the per-step effect table and the ablation ranking."""

    BINDINGS = [
        Binding("ctrl+r", "rank_units", "rank units"),
        Binding("down", "to_ranking", "ranked units", show=False),
        Binding("escape", "stop_or_leave", "stop / leave field", show=False),
    ]

    @dataclass
    class Intervened(Message):
        result: InterventionTrace
        sample: int
        step: int | None
        key: tuple[int, int]

    @dataclass
    class Refused(Message):
        """The spec did not fit (one paragraph), or the model was not ready."""

        text: str

    @dataclass
    class Progress(Message):
        done: int
        total: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, InsidePanel.Progress)  # only the newest count matters

    @dataclass
    class Ranked(Message):
        result: UnitAblation | None
        step: int | None
        mirror_id: int
        error: str = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unit = 0  # offered in the default spec: the top-ranked unit once ranked
        self.default_spec = ""
        self.spec: str | None = None  # the last spec that ran
        self.result: InterventionTrace | None = None
        self.ablation: UnitAblation | None = None
        self.ranking_worker: Worker[None] | None = None
        self.key: tuple[int, int] | None = None  # (id of mirror, weights version) of the result
        self.running = False  # an intervention worker is out
        self.started = 0.0
        self.mirror_id: int | None = None

    def compose(self) -> ComposeResult:
        yield TextLine(
            "Inside: set a unit by hand and re-run the sequence; rank units by ablation",
            classes="panel-title",
        )
        yield Static(
            "enter runs ROW:UNITS@STEPS=VALUE on the shown sample: h:3@5..=0 holds unit 3 of h "
            "at 0 from t=5; f:*@2=0 shuts all forget gates at t=2. ctrl+r ranks units",
            id="inside-hint",
        )
        yield Input(placeholder="h:0@1..=0", compact=True, id="inside-spec")
        yield Static("", id="inside-meaning")
        with Horizontal(id="inside-body"):
            with Vertical(id="inside-left"):
                yield Static("", id="inside-summary")
                with VerticalScroll(id="inside-scroll"):
                    yield Static("", id="inside-effects")
            with Vertical(id="inside-right"):
                yield Static("ctrl+r ranks the units by ablation.", id="inside-ablation")
                yield OptionList(id="inside-ranking")

    def on_mount(self) -> None:
        self.field = self.query_one("#inside-spec", Input)
        self.ranking = self.query_one("#inside-ranking", OptionList)

    @property
    def parts(self) -> ScreenParts:
        return self.screen  # type: ignore[return-value]  # mounted on MainScreen

    # -- the spec -------------------------------------------------------------------------
    def suggested_spec(self) -> str:
        """h of the chosen unit clamped to 0 from the Timestep cursor's step to the end."""
        screen = self.parts
        prefix, t = "", 1
        panels, mirror = screen.panels, screen.mirror
        trace = None if panels is None else panels.timestep.trace
        if trace is not None:
            index, cursor = panels.timestep.position  # type: ignore[union-attr]
            t = cursor + 1
            if len(trace.parts) > 1:
                prefix = trace.parts[index].name + "."
        elif mirror is not None and len(mirror.model.parts) > 1:
            prefix = next(iter(mirror.model.parts)) + "."
        return f"{prefix}h:{self.unit}@{t}..=0"

    def offer_spec(self) -> None:
        """Shown: offer the cursor's step (unless the user typed their own spec)."""
        if self.field.value in ("", self.default_spec):
            self.default_spec = self.suggested_spec()
            self.field.value = self.default_spec
            self.field.cursor_position = len(self.default_spec)

    def focus_default(self) -> None:
        """Entered (enter): the field takes the keys, with the offered spec."""
        self.offer_spec()
        self.screen.set_focus(self.field)  # at once: what is typed next goes into it

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        spec = event.value.strip()
        if not spec:
            self._refuse("Type an intervention first, e.g. " + self.suggested_spec())
            return
        self.run(spec)

    def run(self, spec: str) -> None:
        """Run ``spec`` on the shown held-out sample under the newest weights."""
        screen = self.parts
        mirror, weights = screen.mirror, screen.session.weights
        if mirror is None or weights is None or not mirror.fits(screen.scenario):
            self._refuse("The model is still loading; try again in a moment.")
            return
        self.spec, self.running, self.started = spec, True, time.monotonic()
        key = (id(mirror), screen.session.weights_version)
        self._intervene(mirror, weights, key, min(screen.sample, mirror.test_size - 1), spec)

    @work(thread=True, exclusive=True, group="intervene", exit_on_error=False)
    def _intervene(
        self,
        mirror: Mirror,
        weights: tuple[int, Weights],
        key: tuple[int, int],
        sample: int,
        spec: str,
    ) -> None:
        from rnn_tui.core.intervention_trace import parse_for_example, trace_intervened

        try:
            with mirror.lock:
                if not mirror.catch_up(weights, key[1]):
                    self.post_message(self.Refused("The model is being rebuilt; try again."))
                    return
                example = mirror.dataset.test.select([sample])
                # The worker's thread enters the interventions' context (a context variable).
                interventions = parse_for_example([spec], mirror.model, example)
                result = trace_intervened(
                    mirror.model, mirror.dataset, example, interventions, mirror.scenario.name
                )
                step = mirror.step
        except RnnTuiError as error:
            self.post_message(self.Refused(str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Intervened(result, sample, step, key))

    def on_inside_panel_refused(self, message: Refused) -> None:
        message.stop()
        self.running = False
        self.spec = None  # nothing to re-run when the weights change
        # The table would describe another spec than the one in the field.
        self.result = None
        self.query_one("#inside-summary", Static).update("")
        self.query_one("#inside-effects", Static).update("")
        self._refuse(message.text)

    def _refuse(self, text: str) -> None:
        self.query_one("#inside-meaning", Static).update(Text("✖ " + text, style="bold"))

    def on_inside_panel_intervened(self, message: Intervened) -> None:
        message.stop()
        self.running = False
        if message.key[0] != self.mirror_id:
            return  # traced on a model that has since been replaced
        self.result, self.key = message.result, message.key
        result = message.result
        meaning = Text("means: ", style="bold")
        meaning.append("; ".join(iv.describe() for iv in result.interventions))
        self.query_one("#inside-meaning", Static).update(meaning)
        weights = "initial weights" if not message.step else f"weights at step {message.step}"
        summary = Text(f"held-out sample {message.sample + 1} · {weights} · ")
        summary.append(f"loss {result.before.loss:.3g} → {result.after.loss:.3g}\n", style="bold")
        table = Text()
        for effect in result.effects:
            summary.append_text(self._summary(effect, len(result.effects) > 1))
            table.append_text(self._table(result, effect, len(result.effects) > 1))
        if not result.effects:
            summary.append("This model has no output per step to compare.")
        summary.rstrip()
        self.query_one("#inside-summary", Static).update(summary)
        self.query_one("#inside-effects", Static).update(table)
        self._scroll_to_first_change(result)

    def _scroll_to_first_change(self, result: InterventionTrace) -> None:
        """The table opens at the first changed step (a line above it), else at the top."""
        line = 0
        for effect in result.effects:
            changed = effect.changed.nonzero()[0]
            if len(changed):
                line += 1 + int(changed[0])  # under the header row
                break
            line += len(effect.changed) + 2
        else:
            line = 0
        scroll = self.query_one("#inside-scroll", VerticalScroll)
        scroll.call_after_refresh(scroll.scroll_to, y=max(line - 1, 0), animate=False)

    @staticmethod
    def _summary(effect: PartEffect, named: bool) -> Text:
        changed = effect.changed
        count = int(changed.sum())
        where = f"{effect.part}: " if named else ""
        if count:
            steps = [t + 1 for t in changed.nonzero()[0].tolist()]
            listed = ", ".join(map(str, steps[:6])) + (", …" if len(steps) > 6 else "")
            return Text(
                f"{where}the answer changed at {count} of {len(changed)} steps {CHANGED} "
                f"(t={listed})\n",
                style="bold",
            )
        shift = effect.shift
        what = "probability shift" if effect.kind == "probabilities" else "change of a value"
        return Text(
            f"{where}no answer changed; largest {what} {shift.max():.2g} "
            f"(t={int(shift.argmax()) + 1})\n"
        )

    @staticmethod
    def _table(result: InterventionTrace, effect: PartEffect, named: bool) -> Text:
        labels = result.before.part(effect.part).labels
        text = Text()
        if named:
            text.append(f"{effect.part}\n", style="bold underline")
        text.append("   t  reads    before → after\n", style="bold")
        for t, (before, after) in enumerate(zip(effect.before, effect.after, strict=True)):
            changed = bool(effect.changed[t])
            line = (
                f"{CHANGED if changed else ' '}{t + 1:>3}  {labels[t][:7]:<7}  {before} → {after}\n"
            )
            text.append(line, style="bold reverse" if changed else "")
        return text

    # -- ranking units by ablation ---------------------------------------------------------
    def action_rank_units(self) -> None:
        screen = self.parts
        mirror, weights = screen.mirror, screen.session.weights
        if mirror is None or weights is None or not mirror.fits(screen.scenario):
            self._say_ablation(Text("The model is still loading; try again in a moment."))
            return
        if self.ranking_worker is not None and self.ranking_worker.is_running:
            return  # one ranking at a time; escape stops it
        self.ranking.clear_options()
        self._say_ablation(Text("Ranking units… (escape stops)"))
        scenario = screen.scenario
        self.ranking_worker = self._rank(
            mirror,
            weights,
            screen.session.weights_version,
            scenario.goal.metric,
            scenario.training.eval_size,
        )

    @work(thread=True, exclusive=True, group="ablate", exit_on_error=False)
    def _rank(
        self, mirror: Mirror, weights: tuple[int, Weights], version: int, metric: Metric, size: int
    ) -> None:
        from rnn_tui.core.ablation import ablate_units

        worker = get_current_worker()
        try:
            with mirror.lock:
                if not mirror.catch_up(weights, version):
                    self.post_message(
                        self.Ranked(None, None, id(mirror), "The model is being rebuilt.")
                    )
                    return
                # A copy: the Timestep view keeps tracing while the ranking takes seconds.
                model, step = copy.deepcopy(mirror.model), mirror.step
            test = mirror.dataset.test
            split = test.select(range(min(size, len(test))))

            def progress(done: int, total: int) -> None:
                self.post_message(self.Progress(done, total))

            result = ablate_units(
                model,
                mirror.dataset,
                split,
                metric,
                stop=worker.cancelled_event,
                on_progress=progress,
            )
        except RnnTuiError as error:
            self.post_message(self.Ranked(None, None, id(mirror), str(error)))
            return
        self.post_message(self.Ranked(result, step, id(mirror)))

    def on_inside_panel_progress(self, message: Progress) -> None:
        message.stop()
        if self.ranking_worker is not None and self.ranking_worker.is_running:
            self._say_ablation(
                Text(f"Ranking units: {message.done} of {message.total} ablated (escape stops)")
            )

    def on_inside_panel_ranked(self, message: Ranked) -> None:
        message.stop()
        if message.mirror_id != self.mirror_id:
            return  # ranked on a model that has since been replaced
        result = message.result
        if result is None:
            self._say_ablation(Text("✖ " + message.error, style="bold"))
            return
        self.ablation = result
        ranking = result.ranking
        if len(ranking):
            self.unit = int(ranking[0])
        measured = len(ranking)
        hidden = len(result.ablated)
        weights = "initial weights" if not message.step else f"weights at step {message.step}"
        header = Text(
            f"held-out {result.metric} {result.baseline:.3g}, loss {result.baseline_loss:.3g} "
            f"({result.examples} examples, {weights}). Each unit of {result.row} set to 0 at "
            f"every step; most harmful first; enter applies one.",
        )
        if measured < hidden:
            header.append(f"\nStopped after {measured} of {hidden} units.", style="bold")
        header.append(f"\nunit  {result.metric[:8]:>8}   change     loss", style="bold")
        self._say_ablation(header)
        prefix = f"{result.part}." if self._parts_count() > 1 else ""
        self.ranking.clear_options()
        self.ranking.add_options(
            Option(self._ranked_line(result, int(unit)), id=f"{prefix}{result.row}:{int(unit)}@*=0")
            for unit in ranking
        )

    @staticmethod
    def _ranked_line(result: UnitAblation, unit: int) -> str:
        change = result.ablated[unit] - result.baseline
        return (
            f"{unit:>4}  {result.ablated[unit]:>8.3g}  {_signed(change):>7}"
            f"  {_signed(result.loss_effect[unit]):>7}"
        )

    def _parts_count(self) -> int:
        mirror = self.parts.mirror
        return 1 if mirror is None else len(mirror.model.parts)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        spec = event.option.id
        if spec is None:
            return
        self.unit = int(spec.split(":")[1].split("@")[0])
        self.field.value = spec
        self.run(spec)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure in a worker: one line, not a traceback."""
        if event.state != WorkerState.ERROR or event.worker.group not in ("intervene", "ablate"):
            return
        event.stop()
        if event.worker.group == "intervene":
            self.running = False
            self._refuse(f"the intervention failed: {event.worker.error}")
        else:
            self._say_ablation(Text(f"✖ the ranking failed: {event.worker.error}", style="bold"))

    def _say_ablation(self, text: Text) -> None:
        self.query_one("#inside-ablation", Static).update(text)

    def action_to_ranking(self) -> None:
        if self.ranking.option_count:
            self.ranking.focus()
            if self.ranking.highlighted is None:
                self.ranking.highlighted = 0

    def action_stop_or_leave(self) -> None:
        worker = self.ranking_worker
        if worker is not None and worker.is_running:
            worker.cancel()
            self._say_ablation(Text("Stopping…"))
            return
        self.screen.set_focus(None)

    # -- the screen's frame -------------------------------------------------------------
    def frame(self, shown: bool) -> None:
        """Called on the screen's frame timer: forget results of an old model; while
        shown, re-run the spec under newer weights (at most every RERUN_SECONDS)."""
        screen = self.parts
        mirror = screen.mirror
        mirror_id = None if mirror is None else id(mirror)
        if mirror_id != self.mirror_id:
            self.mirror_id = mirror_id
            self._forget()
            return
        if not shown or self.spec is None or self.running or self.result is None:
            return
        key = (mirror_id, screen.session.weights_version)
        if key != self.key and time.monotonic() - self.started >= RERUN_SECONDS:
            self.run(self.spec)

    def _forget(self) -> None:
        """A new model: the shown results described the old one."""
        worker = self.ranking_worker
        if worker is not None and worker.is_running:
            worker.cancel()
        self.result = self.ablation = self.key = None
        self.spec = None
        self.unit = 0
        self.query_one("#inside-meaning", Static).update("")
        self.query_one("#inside-summary", Static).update("")
        self.query_one("#inside-effects", Static).update("")
        self.ranking.clear_options()
        self._say_ablation(Text("ctrl+r ranks the units by ablation."))


def _signed(value: float) -> str:
    return "0" if value == 0 else f"{value:+.2g}"
