"""A training process that dies before its model is ready (torch failing to import, killed,
out of memory) is said on the status line with its exit code, and r starts it again;
before, the app said "loading" for ever."""

from __future__ import annotations

import os
import time

from rnn_tui.core.scenario import load_scenario
from rnn_tui.ui.protocol import Failed, Ready
from rnn_tui.ui.session import Session
from rnn_tui.ui.training_process import TrainingProcess


def die_at_once(*args: object) -> None:
    os._exit(3)


class EndedProcess:
    """A child that has ended by itself with ``exitcode``."""

    def __init__(self, exitcode: int | None) -> None:
        self.exitcode = exitcode
        self.alive = False
        self.started = 0
        self.reports: list = []

    def start(self, *args: object) -> None:
        self.started += 1
        self.alive, self.exitcode = True, None
        self.reports.append(Ready(0, {}, 0.0))

    def send(self, command: object) -> None:
        pass

    def drain(self) -> list:
        out, self.reports = self.reports, []
        return out

    def stop(self, timeout: float = 1.0) -> None:
        self.alive = False


def test_a_child_that_ended_while_loading_is_an_error_and_r_restarts_it():
    process = EndedProcess(exitcode=-9)
    session = Session(load_scenario("sign-memory"), process)  # type: ignore[arg-type]
    (failed,) = session.poll()
    assert isinstance(failed, Failed)
    assert "ended before the model was ready (exit code -9)" in session.error
    assert "press r" in session.error and session.why == "error" and not session.ready
    assert session.poll() == []  # said once
    session.reset()  # what r does: a dead process is started again
    assert process.started == 1
    assert [type(r) for r in session.poll()] == [Ready] and session.ready and not session.error


def test_a_child_stopped_by_the_app_is_not_an_error():
    session = Session(load_scenario("sign-memory"), EndedProcess(exitcode=None))  # type: ignore[arg-type]
    assert session.poll() == [] and session.error is None
    session.close()
    session.process.exitcode = 0  # type: ignore[attr-defined]
    assert session.poll() == [] and session.error is None


def test_the_real_handle_reports_how_the_child_ended():
    process = TrainingProcess(die_at_once)
    process.start()
    deadline = time.monotonic() + 120  # a bound for a stuck machine, not a timing claim
    while process.exitcode is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.exitcode == 3 and not process.alive
    process.stop()
    assert process.exitcode is None  # stopped from here: nothing to report


def test_a_failure_in_the_child_is_one_paragraph_not_a_traceback():
    from rnn_tui.ui.training_child import failure_message

    def build() -> None:
        raise RuntimeError("shape mismatch in the decoder")

    try:
        build()
    except RuntimeError as error:
        said = failure_message(error)
    assert said.startswith("the training process failed: RuntimeError: shape mismatch")
    assert "test_child_dies_starting.py:" in said and "build" in said
    assert "Traceback" not in said and "\n" not in said and "r starts it again" in said
    missing = failure_message(ImportError("libtorch_cpu.so: cannot open", name="torch"))
    assert missing.startswith("the training process could not import torch: libtorch_cpu.so")
    assert "torch==2.13.0" in missing and "\n" not in missing
