"""Try it panel: the user types what the scenario reads and sees the model's answer."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from rnn_tui.ui.messages import TryItRequested
from rnn_tui.ui.widgets import ImageView

HINTS = {
    "tokens": "Press enter to type a sentence; enter again shows the model's answer.",
    "series": "Press enter to type numbers separated by spaces (in the data's units); enter "
    "again: the model continues the series one step at a time.",
    "vector": "Press enter to type the number of a held-out example (an image); enter again "
    "shows the model's answer.",
}
# The field is not focused when the panel is shown (space still trains): enter goes in.
PLACEHOLDER = "press enter to type here"
TYPING = "typing: enter runs it · esc leaves the field"


class TryItPanel(Vertical):
    """An input, the answer, and a note on unknown words; the timestep panel then shows this input."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mirror: Any = None
        self.result: Any = None
        self.scenario_name: str | None = None  # whose input the field holds

    def compose(self) -> ComposeResult:
        yield Static("Try it", classes="panel-title")
        yield Static("The model is loading…", id="try-hint")
        yield Input(placeholder=PLACEHOLDER, id="try-input", disabled=True)
        with Horizontal(id="try-result-row"):
            yield ImageView(id="try-image")
            yield Static("", id="try-result")

    def on_mount(self) -> None:
        self.query_one("#try-image", ImageView).display = False
        # Mounted lazily: the screen's model copy may already exist.
        self.set_mirror(getattr(self.screen, "mirror", None))

    def set_mirror(self, mirror: Any) -> None:
        """The UI's model copy (None while a new one is built)."""
        self.mirror = mirror
        field = self.query_one("#try-input", Input)
        field.disabled = mirror is None
        if mirror is None:
            self.query_one("#try-hint", Static).update("The model is loading…")
            return
        self.scenario_name = mirror.scenario.name
        dataset = mirror.dataset
        hint = HINTS[dataset.input_kind]
        if dataset.input_kind == "vector":
            hint = hint.replace("example", f"example (1-{mirror.test_size})")
        examples = self._examples(mirror)
        if examples:
            hint += f"\nFor example: {examples}"
        self.query_one("#try-hint", Static).update(hint)

    @staticmethod
    def _examples(mirror: Any) -> str:
        dataset = mirror.dataset
        if dataset.input_kind == "vector":
            return "1, 2, 3"
        if dataset.input_kind == "series":
            return "0.1 0.5 0.9 0.7 0.2 -0.3 -0.8"
        vocab = dataset.source_vocab
        if vocab is None:
            return ""
        length = int(dataset.test.lengths[0])
        return " ".join(vocab.tokens[i] for i in dataset.test.inputs[0, :length].tolist())

    def follow(self, scenario_name: str) -> None:
        """A new model (reset, new settings, another scenario): the old answer goes; so
        does the typed input if it was written for another scenario."""
        self.result = None
        self.query_one("#try-result", Static).update("")
        self.query_one("#try-image", ImageView).display = False
        if scenario_name != self.scenario_name:
            self.query_one("#try-input", Input).value = ""
        self.scenario_name = scenario_name

    def focus_input(self) -> None:
        field = self.query_one("#try-input", Input)
        if not field.disabled:
            self.screen.set_focus(field)  # at once: what is typed next goes into it

    def on_descendant_focus(self) -> None:
        self.query_one("#try-input", Input).placeholder = TYPING

    def on_descendant_blur(self) -> None:
        self.query_one("#try-input", Input).placeholder = PLACEHOLDER

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.mirror is None:
            return
        self.query_one("#try-result", Static).update("thinking…")
        self.post_message(TryItRequested(event.value))

    def show_result(self, result: Any, step: int | None) -> None:
        """The answer (a ``mirror.TryResult``), or an error sentence as a string."""
        out = self.query_one("#try-result", Static)
        image = self.query_one("#try-image", ImageView)
        if isinstance(result, str):
            image.display = False
            out.update(Text("✖ " + result, style="bold"))
            return
        self.result = result
        text = Text()
        if not step:
            text.append(
                "! The model is untrained (step 0): its answer is a guess. Train it first: "
                "esc leaves the field, then space trains.\n\n"
            )
        text.append("answer: ", style="bold")
        text.append(result.answer + "\n")
        if result.unknown_words:
            text.append(
                f"! Not in the vocabulary (read as <unk>): {', '.join(result.unknown_words)}\n"
            )
        text.append(
            "\nThe Timestep panel now steps through this input (s goes back to held-out samples)."
        )
        out.update(text)
        image.display = result.image is not None
        if result.image is not None:
            image.set_image(result.image)
