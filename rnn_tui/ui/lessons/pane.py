"""The lesson pane: the step's words, its question, what its actions did and the measured reveal.

Docked under the panels (app.tcss), so the panel a step talks about stays in view. Every
mark is a glyph as well as a colour (✔ ✖ ▶ …), so NO_COLOR loses nothing.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from rnn_tui.ui.lessons.walk import LessonWalk, StepRecord
from rnn_tui.ui.panels.text_line import TextLine

QUESTION_MARGIN = 3
"""Columns of the pane that text does not use: the padding (1 each side), the scroll bar."""


def reflow(words: str) -> str:
    """A lesson's text as the pane's width wraps it: the file's line breaks inside a
    paragraph become spaces; blank lines and indented lines (an equation) stay."""
    out: list[str] = []
    for paragraph in words.strip().split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if line.startswith("  ") or not lines or lines[-1].startswith("  "):
                lines.append(line.rstrip())
            else:
                lines[-1] += " " + line.strip()
        out.append("\n".join(lines))
    return "\n\n".join(out)


def step_text(walk: LessonWalk) -> Text:
    """The shown step as the pane writes it: words, question, progress, result."""
    step, record = walk.step, walk.records.get(walk.index) or StepRecord()
    text = Text(reflow(step.say))
    if walk.finished:
        text = Text("✔ Lesson finished. ", style="bold")
        text.append("L opens the list of lessons; X leaves lesson mode; < goes back.")
        return text
    if step.ask is not None:
        text.append("\n? " + reflow(step.ask.prompt), style="bold")
        for choice in step.ask.choices:
            text.append_text(_choice_line(choice.key, choice.text, record))
        if record.answer is None and record.phase == "asking":
            text.append("\nPress a key to predict before it runs.", style="italic")
    for line in record.done:
        text.append("\n✓ " + line)
    for index, line in enumerate(record.table):
        text.append("\n  " + line, style="bold" if index == 0 else "")
    if record.progress and record.phase == "running":
        text.append("\n▶ " + record.progress, style="bold")
    if step.ask is not None and record.right is not None and record.answer is not None:
        text.append("\n")
        text.append_text(_judgement(record))
    if record.result:
        mark = "✔ " if record.holds else "✖ "
        text.append("\n" + mark, style="bold")
        text.append(reflow(record.result))
    if record.error:
        text.append("\n✖ " + record.error.strip(), style="bold")
    if record.phase == "idle" and walk.visited() is False and (step.actions or step.check):
        text.append("\nNot run in this session: R runs this step.", style="italic")
    return text


def _choice_line(key: str, words: str, record: StepRecord) -> Text:
    picked = record.answer == key
    marks = ""
    if record.right is not None:
        marks = " ✔ held" if key in record.right else ""
    line = Text("\n")
    line.append(f" {key} ", style="bold reverse" if picked else "bold")
    line.append(f" {words.strip()}{marks}" + ("  ← your prediction" if picked else ""))
    return line


def _judgement(record: StepRecord) -> Text:
    right = record.right or ()
    if record.answer in right:
        return Text("✔ Your prediction held on this run.", style="bold")
    if not right:
        return Text(
            "✖ None of the choices held on this run: the numbers below say what happened.",
            style="bold",
        )
    if len(right) == 1:
        return Text(f"✖ Not on this run: the choice that held is {right[0]}.", style="bold")
    keys = ", ".join(right[:-1]) + " and " + right[-1]
    return Text(f"✖ Not on this run: the choices that held are {keys}.", style="bold")


def key_hints(walk: LessonWalk) -> str:
    """What the keys do now (the footer has no room for them at 80 columns)."""
    if walk.finished:
        return "< back · L lessons · X leave"
    parts = []
    if walk.asking and walk.step.ask is not None:
        keys = [choice.key for choice in walk.step.ask.choices]
        parts.append(f"{keys[0]}-{keys[-1]} predict")
    parts.append("> next" if not walk.last else "> finish")
    parts += ["< back", "R replay", "X leave"]
    return " · ".join(parts)


class LessonPane(Vertical):
    """The step's text (scrolls when long) and a line of key hints; titled with the step counter."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.walk: LessonWalk | None = None
        self._text = Text()  # the shown step's text (step_text), kept for fitting the pane

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="lesson-scroll"):
            yield Static("", id="lesson-text")
        yield TextLine("", id="lesson-keys")

    def scroll(self, pages: int) -> None:
        """Page the step's text up (-1) or down (1): a long step does not fit 80x24."""
        scroll = self.query_one("#lesson-scroll", VerticalScroll)
        scroll.scroll_to(y=scroll.scroll_y + pages * max(scroll.size.height - 1, 1), animate=False)
        self.call_after_refresh(self._hint_scroll)

    def show(self, walk: LessonWalk, same_step: bool = False, to_end: bool = False) -> None:
        """Draw ``walk``'s shown step. A new step opens at its top; the same step drawn
        again (progress) stays where the learner is reading, and the key line says when
        more is below: a lesson reads from the top down. ``to_end``: scroll to the end
        (the check's result has just come in under the question)."""
        self.walk = walk
        lesson = walk.lesson
        self.border_title = f"Lesson {lesson.order}: {lesson.title} · {walk.counter()}"
        self._text = step_text(walk)
        self.query_one("#lesson-text", Static).update(self._text)
        self._hints = key_hints(walk)
        scroll = self.query_one("#lesson-scroll", VerticalScroll)
        if not same_step:
            self.remove_class("-folded")  # a new step is there to be read
            scroll.scroll_home(animate=False)
        self._fit_question()
        if to_end:
            # After the layout: the new text's height is not known before it.
            self.call_after_refresh(self._scroll_to_end)
        # The text's height is known after the layout.
        self.call_after_refresh(self._hint_scroll)

    def _fit_question(self) -> None:
        """While the learner is asked to predict, the pane grows (up to half the screen)
        to hold the step's words, the question and every choice: at 80x24 the choices
        fell below the fold, behind pgdn. Afterwards it is back to its size (app.tcss),
        and the panel above gets the rows to show what the actions do."""
        walk = self.walk
        if self.styles.inline.clear_rule("height"):  # only when it had grown: show()
            self.refresh(layout=True)  # runs on every progress poll, 10 times a second
        if walk is None or self.folded or not walk.asking:
            return
        width = (self.size.width or self.screen.size.width) - QUESTION_MARGIN
        rows = len(self._text.wrap(self.app.console, max(width, 20))) + 2  # title, keys
        css = self.styles.height  # app.tcss's rows, now the inline rule is gone
        base = int(css.value) if css is not None and css.is_cells else self.size.height
        limit = self.screen.size.height // 2 + 1
        if rows > base:
            self.styles.height = min(rows, max(limit, base))

    _hints = ""

    def _scroll_to_end(self) -> None:
        self.query_one("#lesson-scroll", VerticalScroll).scroll_end(animate=False, immediate=True)
        self._hint_scroll()

    @property
    def folded(self) -> bool:
        return self.has_class("-folded")

    def toggle_fold(self) -> None:
        """Fold the pane to its title and key line (the panel above gets the rows), or unfold."""
        self.toggle_class("-folded")
        self._fit_question()
        self._hint_scroll()

    def _hint_scroll(self) -> None:
        scroll = self.query_one("#lesson-scroll", VerticalScroll)
        if self.folded:
            self.query_one("#lesson-keys", TextLine).set(Text("F unfolds the lesson · " + self._hints))
            return
        line = Text(self._hints + " · F fold")
        if scroll.scroll_y < scroll.max_scroll_y:
            line.append(" · pgdn ↓ more below", style="bold")
        elif scroll.max_scroll_y > 0:
            line.append(" · pgup ↑ the start")
        self.query_one("#lesson-keys", TextLine).set(line)

    def say_progress(self, walk: LessonWalk, words: str) -> None:
        """A line while the lesson gets ready (resuming), before the step shows."""
        self.walk = walk
        self.border_title = f"Lesson {walk.lesson.order}: {walk.lesson.title} · {walk.counter()}"
        self.query_one("#lesson-text", Static).update(Text("▶ " + words, style="bold"))
        self.query_one("#lesson-keys", TextLine).set("X leave")

    @property
    def text(self) -> str:
        """What the pane says now (for tests and screen readers of the log)."""
        if self.walk is None:
            return ""
        return step_text(self.walk).plain + "\n" + key_hints(self.walk)
