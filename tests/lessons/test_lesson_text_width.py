"""Every built-in lesson's `say` text is wrapped at 76 columns, so it reads in an 80-column
terminal and in `--check`'s output as written."""

from rnn_tui.core.lessons.loader import builtin_lessons


def test_say_lines_fit_76_columns():
    wide = [f"{lesson.name} line {step.line}: {line!r}" for lesson in builtin_lessons()
            for step in lesson.steps for line in step.say.splitlines() if len(line) > 76]
    assert not wide, "\n".join(wide)
