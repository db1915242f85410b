"""Help: every key (read from the bindings, so it cannot go stale), each panel, and the scenario."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from rnn_tui.core.scenario import Scenario
from rnn_tui.ui.glossary import glossary_markdown
from rnn_tui.ui.panel_help import INSIDE_HELP, MAP_HELP, SWEEP_HELP

PANELS_HELP_TEMPLATE = """\
## Panels
- **Setup**: pick a topology, then a scenario of that topology, then a cell (vanilla RNN,
  LSTM, GRU). Edit hidden size, layers, learning rate, batch size, clipping and its max
  norm, the recurrent init scale, the sequence length (where the data has one) and the
  seed; enter applies. Changing the model or the data builds a new model (you are asked
  first if training would be lost); learning rate and clipping apply at once.
- **Timestep**: one held-out sample unrolled in time. The strip shows the sequence with
  the cursor on step t; below, the input x_t, the previous state h_{t-1}, the gates
  (LSTM i f g o and the cell state c; GRU r z n), the new state h_t and the gradient
  dL/dh_t, each unit a coloured block; the cell's equations with mean |value| at t; and a
  heatmap of every hidden unit over every step (encoder and decoder each get a band;
  ▼ marks the cursor). It follows the current weights: after training it shows the
  trained network.
- **Training**: loss (train and held-out), the goal metric, the total gradient norm on a
  log scale (x marks clipped steps, the dashed line is max norm), and the gradient
  through time ‖dL/dh_t‖ for every t, log scale, earliest probe (o) under the latest
  (line): a steep fall towards t=1 is a vanishing gradient, a rise is an exploding one.
- **Try it**: type what the scenario reads (a review, a sentence to translate, a series
  prefix, an image number) and see the model's answer; the Timestep panel then steps
  through your input.
- **Compare**: trains vanilla RNN, LSTM and GRU on the same data and seed, one after
  the other, and overlays their loss curves and gradient-through-time curves.
{inside}{map}
The status line shows the state (▶ training, ‖ paused, ✖ diverged), step, steps/s, loss,
the goal metric, learning rate and clipping. Without colour (NO_COLOR, 16 colours),
units are drawn as glyphs: + ░▒▓█, − ·∘○●, NaN ?.
"""
PANELS_HELP = PANELS_HELP_TEMPLATE.replace("{inside}{map}", INSIDE_HELP + MAP_HELP + SWEEP_HELP)


LONGER = {
    "toggle_training": "start or pause training (a run goes to the scenario's step budget)",
    "step": "one training step (while paused)",
    "reset": "fresh initial weights (asks first if training would be lost)",
    "move(-1)": "cursor to the previous timestep",
    "move(1)": "cursor to the next timestep (encoder steps, then decoder steps)",
    "jump(False)": "first timestep",
    "jump(True)": "last timestep",
    "cycle_cell": "switch the cell: vanilla RNN → LSTM → GRU (a new model)",
    "toggle_clipping": "gradient clipping on/off (max norm in Setup)",
    "learning_rate(False)": "halve the learning rate (applies at once)",
    "learning_rate(True)": "double the learning rate (applies at once)",
    "next_panel": "next panel",
    "previous_panel": "previous panel",
    "enter_panel": "into the shown panel's fields: Setup's rows (then ↑↓ move between them, "
    "enter opens a list, toggles clipping or applies the typed numbers), Try it's input, "
    "Compare's steps; showing a panel never puts you in a field",
    "next_sample": "next held-out sample (or back from your Try it input)",
    "cycle_layer": "next layer, for stacked RNNs",
    "help": "this help",
    "leave_field": "leave a field (the status line says \"typing\" while you are in one: "
    "then keys type), so keys act on the app again",
    "quit": "quit (asks first if training would be lost)",
}


def keys_markdown(bindings: Sequence[Binding], key_display) -> str:
    """Every binding: key, its footer word, and a sentence."""
    rows = []
    for binding in bindings:
        key = key_display(binding)
        if binding.key_display:  # a symbol in the footer: name the key too
            key = f"{key}` `{binding.key}"
        rows.append(
            f"- `{key}` **{binding.description}**: {LONGER.get(binding.action, binding.description)}"
        )
    rows.append(
        "- `ctrl+p` **cmds**: the command palette: switch scenario, topology or cell; save or load "
        "weights; export the trace; save a screenshot; and every key above"
    )
    rows.append(
        "- `enter` in a field: in Setup, apply every changed value at once (or open the "
        "row's list: ↑↓ choose, enter picks, escape closes it); in Try it and Compare, run"
    )
    return "## Keys\n\n" + "\n".join(rows) + "\n"


class HelpText(Static):
    """The help as one rich Markdown render.

    Textual's Markdown widget builds a widget per block: 3.9 s of CPU to open this help
    (measured), where rich renders the same text in 0.07 s.
    """

    def __init__(self, source: str) -> None:
        # Outside code spans, "<unk>" would be read as an HTML tag and vanish: escape it
        # (the entities come back as "<" and ">" on screen).
        super().__init__(Markdown(_escape_tags(source)), id="help-text")
        self.source = source


def _escape_tags(markdown: str) -> str:
    """Every "<" and ">" outside `code spans` as an entity."""
    parts = markdown.split("`")
    for index in range(0, len(parts), 2):  # even parts are outside code spans
        parts[index] = parts[index].replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts)


class HelpScreen(ModalScreen[None]):
    """Escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, scenario: Scenario, bindings: Sequence[Binding]) -> None:
        super().__init__()
        self.scenario = scenario
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        s = self.scenario
        about = f"## Scenario: {s.title}\n\n*{s.topology} · {s.use_case}* — {s.summary}\n\n{s.description.strip()}\n"
        with VerticalScroll(id="help-body"):
            yield Static("rnn-tui help · escape closes · ↑↓ scroll", id="help-title")
            yield HelpText(
                keys_markdown(self.bindings, self.app.get_key_display)
                + "\n"
                + PANELS_HELP
                + "\n"
                + about
                + "\n"
                + glossary_markdown()
            )

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def on_screen_resume(self) -> None:
        self.query_one("#help-body").scroll_home(animate=False)  # opened again: from the top

    def action_close(self) -> None:
        self.dismiss(None)
