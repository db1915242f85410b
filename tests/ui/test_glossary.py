"""The help's glossary: every term the app shows has an entry, spelled as on screen."""

from __future__ import annotations

import pytest
from textual.app import App

from rnn_tui.core.changes import FIELDS
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.vocabulary import (
    CELL_LABELS,
    GATE_NAMES,
    METRICS,
    NONLINEARITIES,
    TOPOLOGIES,
    TOPOLOGY_LABELS,
)
from rnn_tui.ui.glossary import GLOSSARY, defined, glossary_markdown
from rnn_tui.ui.panels.status import status_text
from rnn_tui.ui.panels.step_rows import bar_rows
from rnn_tui.ui.screens.help import HelpScreen, HelpText
from rnn_tui.ui.session import Session
from rnn_tui.ui.widgets import (
    CompareChart,
    GradNormChart,
    GradThroughTimeChart,
    LossChart,
    MetricChart,
)
from rnn_tui.ui.widgets.equation_text import cell_equations
from tests.ui.test_app_rows import traced


def undefined(terms) -> list[str]:
    return [term for term in terms if not defined(term)]


def test_vocabulary_terms_are_defined():
    gates = [gate for cell_gates in GATE_NAMES.values() for gate in cell_gates]
    terms = [*CELL_LABELS.values(), *TOPOLOGIES, *TOPOLOGY_LABELS.values(), *METRICS]
    assert undefined([*terms, *gates, *NONLINEARITIES]) == []
    assert defined("i f g o") and defined("r z n")


def test_setup_fields_are_defined():
    assert undefined([spec.label for spec in FIELDS] + ["clipping", "topology", "cell"]) == []


def test_chart_titles_axes_and_legends_are_defined():
    charts = [
        LossChart(),
        GradNormChart(),
        GradThroughTimeChart(),
        CompareChart(),
        *(MetricChart(metric) for metric in METRICS),
    ]
    words = []
    for chart in charts:
        words += [chart.x_title, chart.chart_title.removeprefix("held-out ")]
        if chart.chart_title.startswith("held-out "):
            words.append("held-out")
    legends = ["train", "held-out", "goal", "max norm", "clipped", "step", "‖dL/dh_t‖"]
    assert undefined(words + legends) == []


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_timestep_rows_and_equation_symbols_are_defined(cell):
    trace = traced("sine-waves", {"model.cell": cell})
    labels = [row.label for row in bar_rows(trace, trace.part("rnn"), 2, 0)]
    assert undefined(labels) == []
    equations = " ".join(eq.full for eq in cell_equations(cell))
    symbols = [s for s in ("σ", "tanh", "⊙", "W_ih", "W_hh", "h_t", "x_t", "c_t") if s in equations]
    assert undefined(symbols) == []


def test_status_line_words_are_defined():
    session = Session(load_scenario("sentiment"))
    session.step, session.why = 12, "paused"
    text = status_text(session, clip_fraction=0.25).plain
    shown = [word for word in ("step", "lr", "clip", "clipped", "goal") if word in text]
    assert len(shown) >= 4 and undefined(shown + ["steps/s", "loss", "diverged"]) == []


def test_every_entry_has_a_meaning_and_no_name_repeats():
    names = [name.casefold() for entry in GLOSSARY for name in entry.names]
    assert len(names) == len(set(names))
    assert all(len(entry.meaning) > 20 for entry in GLOSSARY)


async def test_help_shows_the_glossary():
    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(HelpScreen(load_scenario("sentiment"), []))

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        source = app.screen.query_one(HelpText).source
        assert "## Glossary" in source and glossary_markdown() in source


def test_help_text_keeps_angle_brackets_that_markdown_would_read_as_html():
    from rich.console import Console

    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(HelpText("unknown words become <unk>; `<eos>` ends; 3 < 4").content)
    shown = console.export_text()
    assert "become <unk>;" in shown and "<eos> ends" in shown and "3 < 4" in shown
