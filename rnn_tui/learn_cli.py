"""`rnn-tui learn`: list the lessons, check one headless, or open it in the app."""

from __future__ import annotations

import argparse
import shutil
import textwrap
from collections.abc import Callable

from rnn_tui.core.lessons.expressions import Value
from rnn_tui.core.lessons.loader import builtin_lessons, find_lesson
from rnn_tui.core.lessons.model import Lesson


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser],
               non_negative: Callable[[str], int]) -> None:
    learn = commands.add_parser(
        "learn", help="lessons: list them, open one in the app, or --check its claims headless")
    learn.add_argument("lesson", nargs="?", help="a lesson's name (see `rnn-tui learn`) or a path to a .toml file")
    learn.add_argument("--check", action="store_true",
                       help="run the lesson's actions headless and check every claim on this run "
                            "(exit 0: all held, 1: a claim failed)")
    learn.add_argument("--seed", type=non_negative, default=0, metavar="N",
                       help="the run's seed (default 0)")


def learn(args: argparse.Namespace) -> int:
    if args.lesson is None:
        if args.check:
            every = builtin_lessons(validate_data=True)
            return max((check(lesson, args.seed) for lesson in every), default=0)
        return list_lessons()
    lesson = find_lesson(args.lesson, validate_data=args.check)
    if args.check:
        return check(lesson, args.seed)
    return open_in_app(lesson)


MAX_WIDTH = 100  # wider lines are hard to read even on a wide terminal
KEEP = "\u00a0"  # a space the wrapping must not break at ("name = value")


def text_width() -> int:
    """The terminal's width (80 when it cannot tell, e.g. in a pipe), at most MAX_WIDTH."""
    return min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH)


def wrapped(text: str, indent: int, first: int | None = None) -> str:
    """``text`` wrapped to the terminal, its lines indented by ``indent`` spaces (the first
    by ``first``)."""
    return textwrap.fill(text, width=max(text_width(), indent + 30),
                         initial_indent=" " * (indent if first is None else first),
                         subsequent_indent=" " * indent, break_on_hyphens=False,
                         break_long_words=False).replace(KEEP, " ")


def list_lessons() -> int:
    lessons = builtin_lessons()
    width = max(len(lesson.name) for lesson in lessons)
    print("Lessons (rnn-tui learn NAME opens one; --check runs its claims headless):")
    for lesson in lessons:
        print(f"{lesson.order:>3}  {lesson.name:<{width}}  {lesson.title}")
        print(wrapped(lesson.summary, 7))
    return 0


def check(lesson: Lesson, seed: int) -> int:
    """Print every question and check with its measured values; 1 if any failed."""
    from rnn_tui.core.lessons.runner import run_lesson_headless

    print(f"lesson {lesson.name} ({lesson.path}), seed {seed}")
    outcomes = run_lesson_headless(lesson, seed, on_progress=lambda text: print(f"  ... {text}", flush=True))
    failed = 0
    for outcome in outcomes:
        mark = "holds " if outcome.holds else "FAILED"
        print(wrapped(f"{mark}  line {outcome.step_line}: {outcome.claim}", 10, first=2))
        if outcome.values:
            print(wrapped(f"measured: {_values(outcome.values)}", 10))
        print(wrapped(outcome.text, 10))
        failed += not outcome.holds
    print(f"{lesson.name}: {len(outcomes) - failed} of {len(outcomes)} claims held on seed {seed}.")
    return 1 if failed else 0


def open_in_app(lesson: Lesson) -> int:
    from rnn_tui.ui.lesson_app import run_lesson_app

    return run_lesson_app(lesson)


def _values(values: dict[str, Value]) -> str:
    return ", ".join(f"{name}{KEEP}={KEEP}{_number(value)}" for name, value in sorted(values.items()))


def _number(value: Value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return repr(value) if isinstance(value, str) else str(value)
