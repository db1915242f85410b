"""The first screen's reading while torch loads: the scenario's description and its network unrolled.

Drawn in the app's first frame, before the panels' modules (numpy, the charts) are even
imported and seconds before the model exists: everything here comes from the scenario
file alone. Light on purpose: textual, rich and the unrolled picture, nothing else
(tests/ui/test_first_look.py checks that the first screen never imports torch).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from rnn_tui.core.scenario import Scenario
from rnn_tui.ui.panels.text_line import TextLine
from rnn_tui.ui.widgets.unrolled import UnrolledNetwork

LOADING = "… loading the model: training and a traced sample follow in a few seconds"


def reflow(text: str) -> str:
    """Paragraphs of a TOML multi-line string re-joined, so a panel wraps them at its width.

    Lines that start a list item ("- ...") stay lines of their own."""
    paragraphs = []
    for paragraph in text.strip().split("\n\n"):
        items: list[str] = []
        for line in paragraph.splitlines():
            words = " ".join(line.split())
            if items and not words.startswith("- "):
                items[-1] += " " + words if words else ""
            elif words:
                items.append(words)
        if items:
            paragraphs.append("\n".join(items))
    return "\n\n".join(paragraphs)


def scenario_about(scenario: Scenario) -> Text:
    """The scenario in words: title, topology and use, the goal, the summary, the description."""
    goal = scenario.goal
    sign = "≥" if goal.higher_is_better else "≤"
    text = Text()
    text.append(scenario.title + "\n", style="bold")
    text.append(f"{scenario.topology} · {scenario.use_case}\n", style="italic")
    text.append(f"goal: {goal.metric} {sign} {goal.target:g}\n\n")
    text.append(scenario.summary + "\n\n")
    text.append(reflow(scenario.description))
    return text


class FirstLook(Vertical):
    """Stands where the panels will be until they are mounted: the unrolled network drawn
    from the scenario (symbols x_t, h_t, y_t), then what the scenario is about."""

    DEFAULT_CSS = """
    FirstLook { height: 1fr; }
    FirstLook > #first-loading { color: $text-muted; }
    FirstLook > #first-unrolled { margin: 1 0 1 0; }
    FirstLook > #first-about { height: auto; }
    """

    def __init__(self, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        yield TextLine(LOADING, id="first-loading")
        unrolled = UnrolledNetwork(id="first-unrolled")
        unrolled.show_scenario(self.scenario)
        yield unrolled
        yield Static(scenario_about(self.scenario), id="first-about")
