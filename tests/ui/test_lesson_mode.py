"""Lesson mode by keyboard at 80x24: predict, run, check against this run, back, replay, leave.

One small lesson (tests/ui/data/tiny-lesson.toml: a short long-memory task, 10 training
steps) walked in the real app with its training process; progress goes to a temporary
state directory (RNN_TUI_STATE_DIR).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from rnn_tui.core.changes import parse_setting, value_at
from rnn_tui.core.lessons.loader import builtin_lessons, load_lesson
from rnn_tui.core.lessons.model import OpenScenario
from rnn_tui.core.lessons.progress import load_progress, save_progress
from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.lesson_app import first_scenario, resume_step
from rnn_tui.ui.lessons.mode import PANE_ID
from rnn_tui.ui.lessons.pane import LessonPane
from rnn_tui.ui.lessons.picker import LessonListScreen
from rnn_tui.ui.protocol import Ready, Reset
from rnn_tui.ui.training_process import TrainingProcess
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


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
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
        assert "✓ opened long-memory: seq_len=8" in pane_text(app)
        assert "showing" not in pane_text(app)  # the panel is in view: no line says so

        # Step 2 asks first: nothing trains until a key answers.
        await pilot.press("greater_than_sign")
        await wait_phase(pilot, "asking")
        assert "? After 10 steps" in pane_text(app)
        assert "a-c predict" in pane_text(app)
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
        # Longer than the pane at 80x24: once checked it scrolls to the result (under the
        # question) and says the start is above; pgup goes back to the words.
        keys = screen.query_one("#lesson-keys")
        await wait_for(pilot, lambda: "pgup ↑ the start" in keys.plain, what="the result in view")
        await pilot.press("pageup", "pageup")
        await pilot.pause()
        assert "pgdn ↓ more below" in keys.plain

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


class IdleProcess(TrainingProcess):
    """A training process that builds models (Ready, no weights) and never trains: for the
    tests of keys, panels and the list, which need no torch child (seconds of CPU each)."""

    def __init__(self) -> None:
        super().__init__()
        self.reports: list = []
        self.running = False

    @property
    def alive(self) -> bool:
        return self.running

    def start(self, *args: object) -> None:
        self.running = True
        self.reports.append(Ready(0, {}, 0.0))

    def send(self, command) -> None:
        if isinstance(command, Reset):
            self.reports.append(Ready(0, {}, 0.0))

    def drain(self, limit: int = 1000) -> list:
        out, self.reports = self.reports, []
        return out

    def stop(self, timeout: float = 1.0) -> None:
        self.running = False


def idle_app(lesson=None, start: int = 0) -> RnnTuiApp:
    scenario, settings = first_scenario(lesson) if lesson else ("long-memory", [])
    app = RnnTuiApp(scenario, settings=settings, lesson=None if lesson is None else (lesson, start))
    app.process = IdleProcess()
    return app


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_hidden_panel_and_key(state_dir):
    lesson = load_lesson(TINY)
    app = idle_app(lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: main_screen(app).walk is not None, what="the lesson")
        screen = main_screen(app)
        await wait_phase(pilot, "checked", "failed", what="step 1")
        seen = set()
        for _ in range(10):
            await pilot.press("tab")
            seen.add(screen.panel)
        assert "map" not in seen and {"timestep", "training", "inside"} <= seen
        screen.show_panel("map")  # not by the palette's commands either
        assert screen.panel != "map"
        clip = screen.scenario.training.clip
        await pilot.press("g")  # hidden by the lesson: does nothing
        await pilot.pause()
        assert screen.scenario.training.clip == clip
        assert "g" not in shown_keys(screen)
        await pilot.press("X")  # left: the map and g are back
        await pilot.pause()
        assert screen.walk is None and "g" in shown_keys(screen)
        await pilot.press("g")
        await pilot.pause()
        assert screen.scenario.training.clip != clip
        for _ in range(7):
            await pilot.press("tab")
            seen.add(screen.panel)
        assert "map" in seen


def shown_keys(screen) -> set[str]:
    return {key for key, b in screen.active_bindings.items() if b.binding.show}


async def test_c_answers_a_question_instead_of_switching_the_cell(state_dir):
    """c is the cell key; while a question offers a choice c, c answers it."""
    lesson = load_lesson(TINY)
    app = idle_app(lesson, start=1)  # resumed at the step that asks
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: phase(app) == "asking", what="the question")
        screen = main_screen(app)
        assert screen.walk.index == 1 and "step 2 / 4" in pane_border(app)
        assert "a-c predict" in pane_text(app)
        cell = screen.scenario.model.cell
        await pilot.press("c")
        await wait_for(pilot, lambda: screen.walk.record.answer == "c", what="the answer")
        assert screen.scenario.model.cell == cell
        assert "← your prediction" in pane_text(app)
        await pilot.press("X")
        await pilot.press("c")  # out of the lesson: c switches the cell again
        await wait_for(pilot, lambda: screen.scenario.model.cell != cell, what="the cell")


def pane_border(app) -> str:
    return str(main_screen(app).query_one(f"#{PANE_ID}").border_title)


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_lesson_list_shows_progress_and_starts_a_lesson(state_dir):
    lesson = load_lesson(TINY)
    builtin = builtin_lessons()
    save_progress(builtin[0].name, 1, False)
    app = idle_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: main_screen(app).panels is not None, what="the panels")
        screen = main_screen(app)
        assert screen.walk is None and "X" not in shown_keys(screen)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonListScreen), what="the list")
        listing = app.screen.query_one(OptionList)
        first = str(listing.get_option_at_index(0).prompt)
        assert builtin[0].title in first
        assert f"at step 2 / {len(builtin[0].steps)}" in first
        await pilot.press("escape")
        assert app.screen is screen and screen.walk is None
        # Started from the list (by code for the test lesson, which is not built in).
        screen.start_lesson(lesson, 0)
        await wait_for(pilot, lambda: screen.walk is not None, what="the lesson")
        assert "step 1 / 4" in pane_border(app)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonListScreen), what="the list")
        await pilot.press("enter")  # the first built-in lesson, resumed at its step 2
        await wait_for(
            pilot,
            lambda: screen.walk is not None and screen.walk.lesson.name == builtin[0].name,
            what="the built-in lesson",
        )
        assert screen.walk.index == 1
        assert load_progress()["tiny-test"].step == 0  # the left lesson kept its place
        # Resumed at step 2: step 1's settings are set up again (its scenario, its seq_len).
        first = next(a for a in builtin[0].steps[0].actions if isinstance(a, OpenScenario))
        await wait_for(
            pilot,
            lambda: screen.scenario.name == first.scenario and phase(app) != "idle",
            what="the earlier steps' settings",
        )
        for key, value in map(parse_setting, first.settings):
            assert value_at(screen.scenario, key) == value


def test_resume_where_left(state_dir):
    lesson = load_lesson(TINY)
    assert resume_step(lesson) == 0
    save_progress("tiny-test", 2, False)
    assert resume_step(lesson) == 2
    save_progress("tiny-test", 3, True)
    assert resume_step(lesson) == 0  # finished: starts again from the top


ACTIONS = Path(__file__).parent / "data" / "tiny-actions.toml"


@pytest.mark.slow
async def test_every_action_in_the_live_app_measures_what_the_headless_run_measures(state_dir):
    """Train to the goal, intervene, ablate, compare and sweep in the live app; every
    reveal reads the same numbers as `--check` (same seed, same data, deterministic
    training)."""
    from rnn_tui.core.lessons.runner import run_lesson_headless

    lesson = load_lesson(ACTIONS)
    headless = {outcome.step_line: outcome for outcome in run_lesson_headless(lesson, seed=0)}
    app = lesson_app(lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: main_screen(app).walk is not None, what="the lesson")
        screen = main_screen(app)
        results = {}
        for index, step in enumerate(lesson.steps):
            if index:
                await pilot.press("full_stop")
            await wait_for(
                pilot,
                lambda i=index: screen.walk.index == i and phase(app) in ("checked", "failed"),
                timeout=600,
                what=f"step {index + 1}",
            )
            record = screen.walk.record
            assert record.phase == "checked", record.error
            assert record.holds, record.result
            results[step.line] = record.result
            if index == 0:  # trained until the goal: stopped at the evaluation that reached it
                assert screen.session.step == headless[step.line].values["steps_to_goal"]
        # Every reveal reads the numbers the headless run measured: training to the goal
        # and the trace at t=1, the intervention and ablation (on the Inside panel), the
        # comparison's losses, the sweep's metrics.
        assert screen.panels.inside.ablation is not None
        assert screen.panel == "sweep" and screen.panels.sweep.result is not None  # charted
        assert results == {line: outcome.text for line, outcome in headless.items()}
