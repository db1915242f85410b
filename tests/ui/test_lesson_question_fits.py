"""At 80x24 a question's every choice is on screen without paging: while the learner is
asked, the pane grows to hold the step's words and the choices (up to half the screen),
then gives the rows back to the panel once the prediction is made."""

from __future__ import annotations

from pathlib import Path

from rnn_tui.core.lessons.loader import load_lesson
from rnn_tui.ui.lessons.mode import PANE_ID
from rnn_tui.ui.lessons.pane import LessonPane
from tests.ui.test_app_pilot import main_screen, wait_for
from tests.ui.test_lesson_mode import idle_app, state_dir, wait_phase  # noqa: F401 - fixture
from tests.ui.widgets.chart_picture import screen_lines

LESSON = Path(__file__).parents[2] / "lessons" / "exploding-gradients.toml"


async def asked(pilot):
    """The main screen and its lesson pane once step 1's question is asked."""
    app = pilot.app
    await wait_for(pilot, lambda: main_screen(app).walk is not None, what="the lesson")
    await wait_phase(pilot, "asking", what="the question")
    screen = main_screen(app)
    return screen, screen.query_one(f"#{PANE_ID}", LessonPane)


async def test_every_choice_is_on_screen_while_asking_at_80x24(state_dir):  # noqa: F811
    lesson = load_lesson(LESSON)
    ask = lesson.steps[0].ask
    assert ask is not None and len(ask.choices) == 3
    app = idle_app(lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, pane = await asked(pilot)
        await wait_for(pilot, lambda: pane.size.height > 9, what="the pane to grow")
        assert pane.size.height <= 24 // 2 + 1
        shown = "\n".join(screen_lines(app, screen))
        for choice in ask.choices:
            assert f" {choice.key}  {choice.text.strip()}" in shown, choice
        assert "pgdn" not in str(pane.query_one("#lesson-keys").render())
        await pilot.press("F")  # folded while asking: two rows, as any fold
        await wait_for(pilot, lambda: pane.size.height <= 2, what="the fold")
        await pilot.press("F")
        await wait_for(pilot, lambda: pane.size.height > 9, what="unfolded, grown again")
        grown = pane.size.height
        await pilot.press(ask.choices[0].key)  # predicted: the rows go back to the panel
        await wait_for(pilot, lambda: pane.size.height < grown, what="the pane back to its size")
        assert pane.styles.inline.height is None  # app.tcss's height again


async def test_the_checks_result_is_scrolled_into_view_at_80x24(state_dir):  # noqa: F811
    lesson = load_lesson(LESSON)
    app = idle_app(lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, pane = await asked(pilot)
        walk = screen.walk
        record = walk.record
        # As the step ends (LessonMode._step_worker): answered, actions done, checked.
        record.answer, record.right, record.phase, record.holds = "c", ("c",), "checked", True
        record.done = ["trained to step 200"]
        record.result = "The gradient norm before clipping reached 1.3e8 on this run."
        pane.show(walk, same_step=True, to_end=True)
        scroll = pane.query_one("#lesson-scroll")
        await wait_for(pilot, lambda: scroll.max_scroll_y > 0, what="a step longer than the pane")
        await wait_for(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y, what="the end")
        shown = "\n".join(screen_lines(app, screen))
        assert "reached 1.3e8 on this run" in shown and "Your prediction held" in shown
        assert "pgup" in str(pane.query_one("#lesson-keys").render())
