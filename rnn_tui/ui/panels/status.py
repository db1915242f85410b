"""Status line: step, steps/s, loss, metric, learning rate and clipping, readable without colour."""

from __future__ import annotations

from rich.text import Text

from rnn_tui.core.reports import goal_baseline
from rnn_tui.core.vocabulary import METRIC_TARGETS
from rnn_tui.ui.panels.text_line import TextLine
from rnn_tui.ui.session import Session

STATE_GLYPH = {
    "loading": "… loading",
    "ready": "■ ready",
    "running": "▶ training",
    "paused": "‖ paused",
    "stepped": "‖ paused",
    "budget": "■ budget done",
    "diverged": "✖ diverged",
    "error": "✖ error",
}


TYPING = "✎ typing — esc to leave"


def status_text(
    session: Session, clip_fraction: float | None = None, typing: bool = False
) -> Text:
    """One line; each item starts with a word, so NO_COLOR loses nothing. ``typing``: a
    text field has the keys (first, in reverse video: the app's keys do not act)."""
    scenario = session.scenario
    training, goal = scenario.training, scenario.goal
    state = "running" if session.running else session.why
    text = Text()
    if typing:
        text.append(TYPING, style="bold reverse")
        text.append("  ")
    text.append(STATE_GLYPH.get(state, state), style="bold")
    text.append(f"  step {session.step}")
    rate = session.steps_per_second
    if session.running and rate is not None:
        text.append(f"  {rate:.1f} steps/s")
    if session.latest is not None:
        text.append(f"  loss {session.latest.loss:.4g}")
    if session.last_eval is not None:
        value = session.last_eval[1].metric
        sign = "≥" if goal.higher_is_better else "≤"
        reached = " ✓" if goal.reached(value) else ""
        over = f" on {session.last_eval[1].targets:,} {METRIC_TARGETS[goal.metric]}"
        baseline = goal_baseline(goal.metric, session.baselines)
        versus = "" if baseline is None else f"; {baseline[0]} {baseline[1]:.3g}"
        text.append(f"  {goal.metric} {value:.3g}{over} (goal {sign}{goal.target:g}{reached}{versus})")
    text.append(f"  lr {training.learning_rate:.3g}")
    if training.clip:
        share = f", {clip_fraction:.0%} clipped" if clip_fraction else ""
        text.append(f"  clip ≤{training.max_norm:g}{share}")
    else:
        text.append("  clip off", style="bold")
    return text


class StatusLine(TextLine):
    """The line under the panels; the main screen updates it on the frame timer."""

    def show(
        self, session: Session, clip_fraction: float | None = None, typing: bool = False
    ) -> None:
        self.set(status_text(session, clip_fraction, typing))
