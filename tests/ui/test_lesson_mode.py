"""Lesson mode by keyboard at 80x24: predict, run, check against this run, back, replay, leave.

One small lesson (tests/ui/data/tiny-lesson.toml: a short long-memory task, 10 training
steps) walked in the real app with its training process; progress goes to a temporary
state directory (RNN_TUI_STATE_DIR).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rnn_tui.core.lessons.loader import load_lesson
from rnn_tui.core.lessons.progress import load_progress, save_progress
from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.lesson_app import first_scenario, resume_step
from rnn_tui.ui.lessons.mode import PANE_ID
from rnn_tui.ui.lessons.pane import LessonPane
from tests.ui.test_app_pilot import main_screen, wait_for

TINY = Path(__file__).parent / "data" / "tiny-lesson.toml"


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_TUI_STATE_DIR", str(tmp_path))
    return tmp_path


def lesson_app(lesson, start: int = 0) -> RnnTuiApp:
    scenario, settings = first_scenario(lesson)
    return RnnTuiApp(scenario, settings=settings, lesson=(lesson, start))


def pane_text(app) -> str:
    return main_screen(app).query_one(f"#{PANE_ID}", LessonPane).text


def phase(app) -> str:
    walk = main_screen(app).walk
    return "none" if walk is None else walk.record.phase


async def wait_phase(pilot, *phases: str, what: str = "") -> None:
    await wait_for(pilot, lambda: phase(pilot.app) in phases, what=what or f"phase {phases}")


async def test_walk_a_lesson_by_keyboard(state_dir):
    lesson = load_lesson(TINY)
    app = lesson_app(lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: main_screen(app).walk is not None, what="the lesson")
        screen = main_screen(app)
        # Step 1 opens the scenario (already open: the app started on it) and shows Timestep.
        await wait_phase(pilot, "checked", what="step 1's actions")
        assert "step 1 / 4" in screen.query_one(f"#{PANE_ID}").border_title
        assert screen.panel == "timestep"
        assert screen.scenario.data.params["seq_len"] == 8
        assert "✓ opened long-memory" in pane_text(app)

        # Step 2 asks first: nothing trains until a key answers.
        await pilot.press("greater_than_sign")
        await wait_phase(pilot, "asking")
        assert "? After 10 steps" in pane_text(app)
        assert "a-b predict" in pane_text(app)
        assert screen.session.step == 0
        await pilot.press("a")
        await wait_phase(pilot, "checked", "failed", what="training and the check")
        record = screen.walk.record
        assert record.phase == "checked", record.error
        assert record.answer == "a"
        assert screen.session.step >= 10
        # Judged on this run's numbers: the claims read the losses this run reported.
        losses = screen.live.evidence.runs["lstm"].losses
        lower = sum(losses[-10:]) / len(losses[-10:]) < losses[0]
        assert record.right == (("a",) if lower else ("b",))
        text = pane_text(app)
        assert f"Trained to step {screen.session.step}" in text
        assert "← your prediction" in text

        # Step 3: a bad value is said in the pane; the app goes on.
        await pilot.press("full_stop")
        await wait_phase(pilot, "failed", what="the bad field")
        assert "✖" in pane_text(app) and "seq_len" in pane_text(app)
        assert screen.scenario.data.params["seq_len"] == 8

        # Back shows step 2 as it ended, without training again; replay runs it again.
        steps_before = screen.session.step
        await pilot.press("less_than_sign")
        assert screen.walk.index == 1 and phase(app) == "checked"
        assert screen.session.step == steps_before
        await pilot.press("R")
        await wait_phase(pilot, "asking")
        assert screen.walk.record.answer is None
        await pilot.press("b")
        await wait_phase(pilot, "checked", "failed")
        assert screen.session.step >= steps_before + 10

        # Progress: saved as the learner moves.
        assert load_progress()["tiny-test"].step == 1

        # To the end, then leave: the pane goes, the app stays.
        await pilot.press("full_stop", "full_stop")
        await wait_phase(pilot, "checked", "failed")
        await pilot.press("full_stop")
        await pilot.press("full_stop")
        assert screen.walk.finished and "Lesson finished" in pane_text(app)
        assert load_progress()["tiny-test"].finished
        await pilot.press("X")
        await pilot.pause()
        assert screen.walk is None and not screen.query(f"#{PANE_ID}")
        await pilot.press("tab")  # the normal app again: every panel is reachable


async def test_hidden_panel_and_key(state_dir):
    lesson = load_lesson(TINY)
    app = lesson_app(lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: main_screen(app).walk is not None, what="the lesson")
        screen = main_screen(app)
        await wait_phase(pilot, "checked", what="step 1")
        seen = set()
        for _ in range(10):
            await pilot.press("tab")
            seen.add(screen.panel)
        assert "map" not in seen and {"timestep", "training", "inside"} <= seen
        clip = screen.scenario.training.clip
        await pilot.press("g")  # hidden by the lesson: does nothing
        await pilot.pause()
        assert screen.scenario.training.clip == clip
        footer_keys = {key for key, b in screen.active_bindings.items() if b.binding.show}
        assert "g" not in footer_keys
        await pilot.press("X")  # left: the map and g are back
        await pilot.pause()
        assert "g" in {key for key, b in screen.active_bindings.items() if b.binding.show}
        await pilot.press("g")
        await pilot.pause()
        assert screen.scenario.training.clip != clip


def test_resume_where_left(state_dir):
    lesson = load_lesson(TINY)
    assert resume_step(lesson) == 0
    save_progress("tiny-test", 2, False)
    assert resume_step(lesson) == 2
    save_progress("tiny-test", 3, True)
    assert resume_step(lesson) == 0  # finished: starts again from the top
