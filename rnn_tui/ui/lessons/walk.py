"""Where a learner is in a lesson, and what each step has shown so far: no textual, no torch.

The lesson pane draws a ``LessonWalk``; the lesson mode (``mode.py``) moves it. A step
goes through phases: ``asking`` (a prediction is wanted before anything runs),
``running`` (its actions run in the live app), ``checked`` (the claims were evaluated on
this run's numbers), or ``failed`` (an action could not be done; the sentence says why).
Going back shows an earlier step as it ended, without running it again: replay does that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rnn_tui.core.lessons.model import Lesson, LessonStep

Phase = Literal["idle", "asking", "running", "checked", "failed"]


@dataclass
class StepRecord:
    """What one step showed: the learner's answer, progress, the check's result, errors."""

    phase: Phase = "idle"
    answer: str | None = None  # the key the learner pressed (a..d)
    right: tuple[str, ...] | None = None  # keys of the choices whose claim held on this run
    progress: str = ""  # what the running action is doing ("training: step 120 / 300")
    done: list[str] = field(default_factory=list)  # one line per finished action
    table: list[str] = field(default_factory=list)  # a sweep's results, aligned lines
    result: str = ""  # the check's reveal (claim held) or its otherwise text
    holds: bool | None = None  # whether the check's claim held
    error: str = ""  # an action that failed, in one paragraph


class LessonWalk:
    """The lesson in progress: the step shown and the record of every step visited."""

    def __init__(self, lesson: Lesson, start: int = 0) -> None:
        self.lesson = lesson
        self.index = min(max(start, 0), len(lesson.steps) - 1)
        self.records: dict[int, StepRecord] = {}
        self.finished = False  # next was pressed on the last step

    @property
    def step(self) -> LessonStep:
        return self.lesson.steps[self.index]

    @property
    def count(self) -> int:
        return len(self.lesson.steps)

    @property
    def record(self) -> StepRecord:
        return self.records.setdefault(self.index, StepRecord())

    @property
    def last(self) -> bool:
        return self.index == self.count - 1

    def counter(self) -> str:
        return f"step {self.index + 1} / {self.count}"

    def begin(self) -> StepRecord:
        """A fresh record for the shown step (entered or replayed): ask first, if it asks."""
        record = StepRecord(phase="asking" if self.step.ask is not None else "running")
        self.records[self.index] = record
        return record

    def move(self, delta: int) -> bool:
        """Show the step ``delta`` away; False at either end."""
        target = self.index + delta
        if not 0 <= target < self.count:
            return False
        self.index = target
        return True

    @property
    def asking(self) -> bool:
        """Whether the shown step waits for the learner's prediction (only a step with a
        question is ever "asking": see ``begin``)."""
        record = self.records.get(self.index)
        return not self.finished and record is not None and record.phase == "asking"

    def visited(self) -> bool:
        """Whether the shown step ran (or was asked) before: going back shows its record."""
        record = self.records.get(self.index)
        return record is not None and record.phase != "idle"
