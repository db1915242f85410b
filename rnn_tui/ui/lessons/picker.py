"""The list of lessons (L), each with its progress: enter starts or resumes one, s starts over."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.lessons.model import Lesson


def progress_word(lesson: Lesson, entry: Any) -> str:
    """ "new", "step 3 / 9" or "done", from the saved progress of ``lesson``."""
    if entry is None:
        return "new"
    if getattr(entry, "finished", False):
        return "✔ done"
    step = int(getattr(entry, "step", 0))
    return f"▶ at step {min(step, len(lesson.steps) - 1) + 1} / {len(lesson.steps)}"


class LessonListScreen(ModalScreen[tuple[Lesson, int] | None]):
    """Dismisses with (lesson, step to start at), or None."""

    BINDINGS = [
        Binding("escape", "close", "close"),
        Binding("s", "start_over", "start over"),
    ]

    def __init__(self, current: Lesson | None = None) -> None:
        super().__init__()
        self.current = current
        self.lessons: list[Lesson] = []
        self.progress: dict[str, Any] = {}
        self.problem = ""

    def compose(self) -> ComposeResult:
        from rnn_tui.core.lessons.loader import builtin_lessons
        from rnn_tui.core.lessons.progress import load_progress

        try:
            self.lessons = builtin_lessons()
        except RnnTuiError as error:
            self.problem = str(error)
        self.progress, warning = load_progress_safely(lambda: load_progress(warn=False))
        with Vertical(id="lesson-dialog"):
            yield Static("Lessons", id="help-title")
            options: list[Option | None] = []
            for lesson in self.lessons:
                options += [Option(self._line(lesson), id=lesson.name), None]  # None: a rule
            yield OptionList(*options[:-1], id="lesson-list")
            yield Static(self.problem or warning, id="lesson-list-note")
            yield Static(
                "↑↓ choose · enter starts or resumes · s starts over · escape closes",
                id="dialog-hint",
            )

    def _line(self, lesson: Lesson) -> Text:
        where = progress_word(lesson, self.progress.get(lesson.name))
        line = Text(f"{lesson.order}. {lesson.title}", style="bold")
        if self.current is not None and lesson.name == self.current.name:
            line.append(" (open now)")
        line.append(f" · {where}\n")
        line.append(lesson.summary, style="italic")
        return line

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.focus()
        if self.lessons:
            listing.highlighted = listing.get_option_index(self._first_unfinished().name)
        self.query_one("#lesson-list-note", Static).display = bool(
            self.query_one("#lesson-list-note", Static).content
        )

    def _first_unfinished(self) -> Lesson:
        """The lesson the learner is in, else the first not finished, else the first."""
        for lesson in self.lessons:
            if self.current is not None and lesson.name == self.current.name:
                return lesson
        for lesson in self.lessons:
            if not getattr(self.progress.get(lesson.name), "finished", False):
                return lesson
        return self.lessons[0]

    def _highlighted(self) -> Lesson | None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            return None
        name = listing.get_option_at_index(listing.highlighted).id
        return next((item for item in self.lessons if item.name == name), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        lesson = next(item for item in self.lessons if item.name == event.option.id)
        entry = self.progress.get(lesson.name)
        resume = 0
        if entry is not None and not getattr(entry, "finished", False):
            resume = min(int(getattr(entry, "step", 0)), len(lesson.steps) - 1)
        self.dismiss((lesson, resume))

    def action_start_over(self) -> None:
        lesson = self._highlighted()
        if lesson is not None:
            self.dismiss((lesson, 0))

    def action_close(self) -> None:
        self.dismiss(None)


def load_progress_safely(load: Any) -> tuple[dict[str, Any], str]:
    """The saved progress by lesson name, and a sentence if it could not be read."""
    try:
        return dict(load()), ""
    except (OSError, RnnTuiError, ValueError) as error:
        return {}, f"Progress could not be read ({error}); starting fresh."
