"""The status line fits the terminal: step, loss and the goal metric stay; the rest gives way."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.core.scenario import load_scenario
from rnn_tui.ui.panels.status import status_text
from rnn_tui.ui.protocol import Ready, State
from rnn_tui.ui.session import Session
from tests.ui.test_app_session import FakeProcess, report, steps


def training_session() -> Session:
    """Sentiment while training: steps/s, loss, accuracy with its baseline, clipping on."""
    session = Session(load_scenario("sentiment"), FakeProcess())
    session.process.reports.append(
        Ready(0, {"w": np.zeros(2)}, 0.1, {"bag_of_words_accuracy": 0.68})
    )
    session.poll()
    session.run()
    session.process.reports += [
        State(True, 0, "running"),
        steps(*(report(s, loss=0.693147, eval_metric=0.51234) for s in range(1, 1200))),
    ]
    session.poll()
    return session


@pytest.mark.parametrize("typing", [False, True])
@pytest.mark.parametrize("width", [78, 118])  # the line's width at 80 and 120 columns
def test_status_fits_and_keeps_step_loss_and_metric(width, typing):
    session = training_session()
    full = status_text(session, clip_fraction=0.25, typing=typing).plain
    assert len(full) > 78  # the richest line does not fit in 80 columns: the case at hand
    text = status_text(session, clip_fraction=0.25, typing=typing, width=width).plain
    assert len(text) <= width, text
    assert "step 1199" in text and "loss 0.6931" in text and "accuracy 0.512" in text
    assert ("typing" in text) == typing
    if width >= 118:
        assert "goal ≥0.9" in text  # a wide terminal still says what the goal is


def test_clip_off_stays_at_every_width():
    session = training_session()
    session.scenario = session.scenario.with_changes({"training.clip": False})
    for width, typing in ((78, True), (60, False)):
        text = status_text(session, typing=typing, width=width).plain
        assert "clip off" in text and len(text) <= width, text
