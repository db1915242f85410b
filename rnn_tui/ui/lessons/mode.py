"""Lesson mode, mixed into the main screen: lesson keys, the pane, hidden panels and keys, progress.

A step is entered: its words show; if it asks a prediction, the answer keys (a-d) wait
for one BEFORE anything runs; then its actions run in the live app (``live.py``) and
its claims are judged on what this run measured. > goes on, < shows the step before as
it ended (without running it again), R runs the shown step again, X leaves lesson mode
(the app stays as it is; progress is kept, L resumes). A teacher's ``hide_panels`` are
out of reach (no tab, no key) and ``hide_keys`` do nothing and leave the footer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, work
from textual.binding import Binding
from textual.keys import key_to_character
from textual.widgets import Tabs
from textual.worker import Worker

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.ui.lessons.walk import LessonWalk
from rnn_tui.ui.protocol import Report
from rnn_tui.ui.screens.screen_parts import ScreenParts

if TYPE_CHECKING:
    from rnn_tui.core.lessons.model import Lesson
    from rnn_tui.ui.lessons.live import LiveLesson
    from rnn_tui.ui.lessons.pane import LessonPane
    from rnn_tui.ui.screens.main import MainScreen

PANE_ID = "lesson-pane"
# The lesson keys. The pane lists them; L (the list of lessons) is in the help and the
# palette: the footer has no room left for it, even at 120 columns. The answer keys
# (a-d, as the lesson names them) are taken in on_key while a prediction is asked,
# before the screen's own bindings (c is otherwise "cell").
LESSON_BINDINGS: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding("L", "lessons", "lessons: the list, with your progress", show=False),
    Binding("greater_than_sign", "lesson_next", "lesson: next step", show=False),
    Binding("full_stop", "lesson_next", "lesson: next step", show=False),
    Binding("less_than_sign", "lesson_back", "lesson: the step before, as it ended", show=False),
    Binding("comma", "lesson_back", "lesson: the step before, as it ended", show=False),
    Binding("R", "lesson_replay", "lesson: run the step again", show=False),
    Binding("X", "lesson_leave", "lesson: leave (your place is kept)", show=False),
    Binding("F", "lesson_fold", "lesson: fold the pane to its key line, or unfold it", show=False),
    Binding("pageup", "lesson_scroll(-1)", "lesson: scroll the text up", show=False),
    Binding("pagedown", "lesson_scroll(1)", "lesson: scroll the text down", show=False),
]
LESSON_ACTIONS = {"lesson_next", "lesson_back", "lesson_replay", "lesson_leave", "lesson_scroll"}


def key_matches(key: str, hidden: tuple[str, ...]) -> bool:
    """Whether Textual's ``key`` (a name like left_square_bracket) is one the teacher hid
    (written as a name or as the character, "[")."""
    return key in hidden or key_to_character(key) in hidden


class LessonMode(ScreenParts):
    """The main screen's lesson: None when the app is not in lesson mode."""

    BINDINGS = LESSON_BINDINGS

    walk: LessonWalk | None = None
    live: LiveLesson | None = None
    lesson_worker: Worker[None] | None = None

    # -- state the screen asks about ------------------------------------------------------
    @property
    def lesson(self) -> Lesson | None:
        return None if self.walk is None else self.walk.lesson

    def panel_hidden(self, name: str) -> bool:
        return self.lesson is not None and name in self.lesson.hide_panels

    def key_hidden(self, key: str) -> bool:
        return self.lesson is not None and key_matches(key, self.lesson.hide_keys)

    def lesson_check_action(self, action: str) -> bool | None:
        """False hides a lesson key outside a lesson, or a key the teacher hid; None: no say."""
        if action in LESSON_ACTIONS:
            return self.walk is not None
        if self.lesson is not None and action in self._hidden_actions():
            return False
        return None

    def asking(self) -> tuple[str, ...]:
        """The answer keys, while the shown step waits for a prediction."""
        walk = self.walk
        if walk is None or not walk.asking or walk.step.ask is None:
            return ()
        return tuple(choice.key for choice in walk.step.ask.choices)

    def _hidden_actions(self) -> set[str]:
        hidden = self.lesson.hide_keys if self.lesson is not None else ()
        return {
            binding.action
            for key, bindings in self._bindings.key_to_bindings.items()
            if key_matches(key, hidden)
            for binding in bindings
        }

    @property
    def typing(self) -> bool:
        raise NotImplementedError  # MainScreen's

    def on_key(self, event: events.Key) -> None:
        """While a prediction is asked its keys answer it; a key the teacher hid does
        nothing. A text field keeps its letters either way."""
        if self.typing:
            return
        if event.key in self.asking():
            event.stop()
            event.prevent_default()
            self.action_lesson_answer(event.key)
        elif self.key_hidden(event.key):
            event.stop()
            event.prevent_default()

    # -- the frame -----------------------------------------------------------------------
    @property
    def lesson_training(self) -> bool:
        """Whether a lesson's Train action drives the training now (it stops it, not the budget)."""
        return self.live is not None and self.live.training

    def lesson_receive(self, report: Report) -> None:
        if self.live is not None:
            self.live.receive(report)

    # -- starting and leaving ---------------------------------------------------------------
    def action_lessons(self) -> None:
        """L: the list of lessons; picking one starts (or resumes) it."""
        from rnn_tui.ui.lessons.picker import LessonListScreen

        def picked(choice: tuple[Lesson, int] | None) -> None:
            if choice is None:
                return
            lesson, start = choice
            self.main.confirm_discard(
                f"The lesson {lesson.title!r} builds its own models.",
                lambda: self.start_lesson(lesson, start),
            )

        self.app.push_screen(LessonListScreen(current=self.lesson), picked)

    def start_lesson(self, lesson: Lesson, start: int = 0) -> None:
        """Lesson mode on ``lesson`` from step ``start`` (0-based); replaces the one open."""
        if self.walk is not None:
            self.action_lesson_leave()
        self.call_later(self._start_lesson, lesson, start)

    async def _start_lesson(self, lesson: Lesson, start: int) -> None:
        from rnn_tui.ui.lessons.live import LiveLesson
        from rnn_tui.ui.lessons.pane import LessonPane

        for old in self.query(f"#{PANE_ID}"):
            await old.remove()  # the pane of a lesson just left
        pane = LessonPane(id=PANE_ID)
        await self.mount(pane, after="#body")
        self.walk = LessonWalk(lesson, start)
        self.live = LiveLesson(self.main)
        self._apply_hiding()
        if start > 0:
            self._resume_worker(start)
        else:
            self._enter_step()

    @work(exclusive=True, group="lesson", exit_on_error=False)
    async def _resume_worker(self, start: int) -> None:
        """Resumed at a later step: set up what the steps before it set (scenario, cell,
        fields, panel); their training is not redone (R on a step runs it again)."""
        from rnn_tui.ui.lessons.live import ActionFailed

        walk, live = self.walk, self.live
        if walk is None or live is None:
            return
        pane = self.pane
        if pane is not None:
            pane.say_progress(
                walk, f"Resuming at step {start + 1}: setting up the steps before it…"
            )
        try:
            await live.restore(walk.lesson.steps[:start])
        except ActionFailed as error:
            self.notify(f"Could not set up the earlier steps: {error}", severity="warning")
        if self.walk is walk:
            self.notify(
                f"Resumed at step {start + 1}: the earlier steps' settings are applied, their "
                "training is not redone (< goes back, R replays a step).",
                title=walk.lesson.title,
            )
            self._enter_step()

    @property
    def main(self) -> MainScreen:
        return self  # type: ignore[return-value]  # mixed into MainScreen

    @property
    def pane(self) -> LessonPane | None:
        from rnn_tui.ui.lessons.pane import LessonPane

        found = self.query(f"#{PANE_ID}")
        return found.first(LessonPane) if found else None

    def action_lesson_leave(self) -> None:
        walk = self.walk
        if walk is None:
            return
        self._stop_step()
        self._save(walk)
        self.walk = self.live = None
        pane = self.pane
        if pane is not None:
            pane.remove()
        self._apply_hiding()
        self.notify("Left the lesson; L resumes it where you were.", title=walk.lesson.title)
        self.refresh_bindings()

    def _apply_hiding(self) -> None:
        """Hidden panels lose their tab (and the screen moves off one if it is shown)."""
        from rnn_tui.core.lessons.model import PANELS

        tabs = self.query_one(Tabs)
        for name in PANELS:
            if self.panel_hidden(name):
                tabs.hide(f"tab-{name}")
            else:
                tabs.show(f"tab-{name}")
        if self.panel_hidden(self.panel):
            visible = [name for name in PANELS if not self.panel_hidden(name)]
            if visible:
                self.main.show_panel(visible[0])
        self.main._show_panels()  # Setup (a sidebar when wide) may be hidden now
        self.refresh_bindings()

    # -- steps ----------------------------------------------------------------------------
    def _enter_step(self) -> None:
        walk = self.walk
        if walk is None:
            return
        walk.finished = False
        record = walk.begin()
        self._save(walk)
        self._redraw()
        if record.phase == "running":
            self._run_step()

    def _run_step(self) -> None:
        self.lesson_worker = self._step_worker()

    @work(exclusive=True, group="lesson", exit_on_error=False)
    async def _step_worker(self) -> None:
        from rnn_tui.ui.lessons.live import ActionFailed

        walk, live = self.walk, self.live
        if walk is None or live is None:
            return
        record = walk.record
        record.phase = "running"
        self._redraw(same_step=True)  # answered: the question stays where it was read
        try:
            await live.run(walk.step, record, lambda: self._redraw(same_step=True))
        except (ActionFailed, RnnTuiError) as error:
            record.error = str(error)
            record.phase = "failed"
        else:
            record.phase = "checked"
        record.progress = ""
        if self.walk is walk:
            # The step's answer came in below what was read: scroll to it (at 80x24 the
            # reveal was behind pgdn). pgup goes back to the words.
            self._redraw(same_step=True, to_end=True)
            self.refresh_bindings()

    def _stop_step(self) -> None:
        worker = self.lesson_worker
        if worker is not None and worker.is_running:
            worker.cancel()
            if self.live is not None:
                self.live.cancel()
            if self.walk is not None:
                record = self.walk.records.get(self.walk.index)
                if record is not None and record.phase == "running":
                    record.phase = "failed"
                    record.error = "Stopped before it finished: R runs it again."
        self.lesson_worker = None

    def _redraw(self, same_step: bool = False, to_end: bool = False) -> None:
        pane, walk = self.pane, self.walk
        if pane is not None and walk is not None:
            pane.show(walk, same_step, to_end)

    def _save(self, walk: LessonWalk) -> None:
        from rnn_tui.core.lessons.progress import save_progress

        try:
            save_progress(walk.lesson.name, walk.index, walk.finished)
        except OSError as error:
            self.notify(f"Progress not saved: {error}", severity="warning")

    # -- the keys --------------------------------------------------------------------------
    def action_lesson_answer(self, key: str) -> None:
        walk = self.walk
        if walk is None or walk.step.ask is None:
            return
        record = walk.record
        if record.phase != "asking":
            return
        record.answer = key
        record.phase = "running"
        self.refresh_bindings()
        self._run_step()

    def action_lesson_next(self) -> None:
        walk = self.walk
        if walk is None:
            return
        self._stop_step()
        if walk.finished:
            return
        if walk.last:
            walk.finished = True
            self._save(walk)
            self._redraw()
            self.refresh_bindings()
            return
        walk.move(1)
        if walk.visited():
            self._redraw()  # came back to it with <: as it ended; R runs it again
            self.refresh_bindings()
        else:
            self._enter_step()

    def action_lesson_back(self) -> None:
        walk = self.walk
        if walk is None:
            return
        self._stop_step()
        if walk.finished:
            walk.finished = False
        elif not walk.move(-1):
            return
        self._save(walk)
        self._redraw()
        self.refresh_bindings()

    def action_lesson_scroll(self, pages: int) -> None:
        pane = self.pane
        if pane is not None:
            pane.scroll(pages)

    def action_lesson_fold(self) -> None:
        """At 80x24 the pane's rows squeeze the panel a step talks about: fold it away."""
        pane = self.pane
        if pane is not None:
            pane.toggle_fold()

    def action_lesson_replay(self) -> None:
        if self.walk is None:
            return
        self._stop_step()
        self._enter_step()
        self.refresh_bindings()
