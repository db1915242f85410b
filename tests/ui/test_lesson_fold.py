"""F folds the lesson pane to its key line, giving its rows to the panel above, and unfolds it;
a new step unfolds it (it is there to be read)."""

from __future__ import annotations

from rnn_tui.core.lessons.loader import load_lesson
from rnn_tui.ui.lessons.mode import PANE_ID
from rnn_tui.ui.lessons.pane import LessonPane
from tests.ui.test_app_pilot import main_screen, wait_for
from tests.ui.test_lesson_mode import TINY, idle_app, state_dir, wait_phase  # noqa: F401 - fixture


async def test_f_folds_and_unfolds_the_pane_and_a_new_step_unfolds_it(state_dir):  # noqa: F811
    app = idle_app(load_lesson(TINY))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: main_screen(app).walk is not None, what="the lesson")
        await wait_phase(pilot, "checked", "failed", what="step 1")
        screen = main_screen(app)
        pane = screen.query_one(f"#{PANE_ID}", LessonPane)
        panels = screen.query_one("#panels")
        unfolded, panel_rows = pane.size.height, panels.size.height
        await pilot.press("F")
        await wait_for(pilot, lambda: pane.size.height < unfolded, what="the fold")
        assert pane.folded and pane.size.height <= 2
        assert panels.size.height == panel_rows + unfolded - pane.size.height  # the rows went to the panel
        assert "F unfolds" in str(pane.query_one("#lesson-keys").render())
        await pilot.press("F")
        await wait_for(pilot, lambda: pane.size.height == unfolded, what="unfolded")
        await pilot.press("F", "greater_than_sign")  # folded, then the next step
        await wait_for(pilot, lambda: screen.walk.index == 1, what="step 2")
        await wait_for(pilot, lambda: pane.size.height == unfolded, what="a new step unfolds")
        assert not pane.folded
