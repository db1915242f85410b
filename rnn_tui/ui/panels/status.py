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
TYPING_SHORT = "✎ typing, esc"
# From the richest line to the barest: each level drops or shortens one thing, the least
# needed first. Step, loss and the goal metric stay at every width (issue 11: 80 columns).
DETAIL_LEVELS = 8


def status_text(
    session: Session,
    clip_fraction: float | None = None,
    typing: bool = False,
    width: int | None = None,
) -> Text:
    """One line; each item starts with a word, so NO_COLOR loses nothing. ``typing``: a
    text field has the keys (first, in reverse video: the app's keys do not act).
    ``width``: the richest version that fits in that many columns (None: the richest)."""
    text = _status_at(session, clip_fraction, typing, 0)
    if width is None:
        return text
    level = 0
    while text.cell_len > width and level < DETAIL_LEVELS:
        level += 1
        text = _status_at(session, clip_fraction, typing, level)
    return text


def _status_at(
    session: Session, clip_fraction: float | None, typing: bool, level: int
) -> Text:
    """The status at detail ``level`` (0: everything). In the order things go: the
    baseline, what the score is over, steps/s, the clipped share, the goal, the learning
    rate, the words "training"/"paused" (the glyph stays), the long typing notice."""
    scenario = session.scenario
    training, goal = scenario.training, scenario.goal
    state = "running" if session.running else session.why
    text = Text()
    if typing:
        text.append(TYPING if level < 8 else TYPING_SHORT, style="bold reverse")
        text.append("  ")
    glyph = STATE_GLYPH.get(state, state)
    text.append(glyph if level < 7 else glyph.split(" ", 1)[0], style="bold")
    text.append(f"  step {session.step}")
    rate = session.steps_per_second
    if session.running and rate is not None and level < 3:
        text.append(f"  {rate:.1f} steps/s")
    if session.latest is not None:
        text.append(f"  loss {session.latest.loss:.4g}")
    if session.last_eval is not None:
        value = session.last_eval[1].metric
        sign = "≥" if goal.higher_is_better else "≤"
        reached = " ✓" if goal.reached(value) else ""
        over = (
            f" on {session.last_eval[1].targets:,} {METRIC_TARGETS[goal.metric]}"
            if level < 2
            else ""
        )
        baseline = goal_baseline(goal.metric, session.baselines)
        versus = "" if baseline is None or level >= 1 else f"; {baseline[0]} {baseline[1]:.3g}"
        aim = f" (goal {sign}{goal.target:g}{reached}{versus})" if level < 5 else reached
        text.append(f"  {goal.metric} {value:.3g}{over}{aim}")
    if level < 6:
        text.append(f"  lr {training.learning_rate:.3g}")
    if training.clip:
        share = f", {clip_fraction:.0%} clipped" if clip_fraction and level < 4 else ""
        text.append(f"  clip ≤{training.max_norm:g}{share}")
    else:
        text.append("  clip off", style="bold")
    return text


class StatusLine(TextLine):
    """The line under the panels; the main screen updates it on the frame timer."""

    def show(
        self, session: Session, clip_fraction: float | None = None, typing: bool = False
    ) -> None:
        self.set(status_text(session, clip_fraction, typing, self.content_size.width or None))
