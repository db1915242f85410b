"""`rnn-tui learn NAME`: the app in lesson mode on one lesson, resumed where the learner left it."""

from __future__ import annotations

from rnn_tui.core.lessons.model import Lesson, OpenScenario
from rnn_tui.core.lessons.progress import load_progress


def first_scenario(lesson: Lesson) -> tuple[str | None, list[str]]:
    """The scenario (and its --set items) the lesson opens first, if it opens one before
    anything else needs a model: the app starts its training process on it at once."""
    for step in lesson.steps:
        for action in step.actions:
            if isinstance(action, OpenScenario):
                return action.scenario, list(action.settings)
            return None, []
    return None, []


def resume_step(lesson: Lesson) -> int:
    """Where the learner left ``lesson`` (0-based); 0 when new or finished."""
    entry = load_progress(warn=False).get(lesson.name)
    if entry is None or entry.finished:
        return 0
    return min(max(entry.step, 0), len(lesson.steps) - 1)


def run_lesson_app(lesson: Lesson) -> int:
    """Run the app in this terminal in lesson mode; the exit code (as ``open_app``'s)."""
    from rnn_tui.launch import open_app

    scenario, settings = first_scenario(lesson)
    return open_app(scenario, settings, lesson=(lesson, resume_step(lesson)))
