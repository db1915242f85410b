"""The bridge between the app and its training process: what Setup sends is what the trainer uses."""

from __future__ import annotations

from rnn_tui.core.changes import FIELD_BY_KEY
from rnn_tui.core.reports import StepReport
from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.panels.setup import field_id

from .test_app_pilot import wait_for, wait_ready


async def test_setup_learning_rate_and_batch_size_together_reach_the_optimizer():
    """The bug this bridge fixed: with both changed, the optimizer kept the old rate."""
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        taken: list[StepReport] = []
        original = screen.session._on_steps

        def on_steps(reports: tuple[StepReport, ...]) -> None:
            taken.extend(reports)
            original(reports)

        screen.session._on_steps = on_steps  # type: ignore[method-assign]
        old_lr = screen.scenario.training.learning_rate
        new_lr = old_lr * 4
        for key, value in (("training.learning_rate", new_lr), ("training.batch_size", 5)):
            field = screen.query_one("#" + field_id(FIELD_BY_KEY[key]))
            field.focus()
            field.value = str(value)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: screen.scenario.training.batch_size == 5, 10, "the change applied"
        )
        assert screen.scenario.training.learning_rate == new_lr
        await pilot.press("escape", "n")
        await wait_for(pilot, lambda: bool(taken), 60, "a training step")
        # StepReport.learning_rate is read from the optimizer's param_groups in the child.
        assert taken[-1].learning_rate == new_lr
        assert screen.session.step == 1 and screen.session.ready  # no rebuild: same model
