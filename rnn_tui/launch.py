"""Open the TUI (kept apart from cli.py so `rnn-tui list` never imports textual).

The order matters for how soon training is ready: the training process is started first
thing, on the scenario as the command line names it (it resolves the name itself), so
its imports (torch: about 2 s here) run on the other core while this process loads the
scenarios, imports Textual and draws the first screen.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rnn_tui.core.lessons.model import Lesson


def open_app(
    scenario: str | None,
    settings: list[str] | None = None,
    lesson: tuple[Lesson, int] | None = None,
) -> int:
    """Run the app in this terminal; the exit code (2 when nothing could be opened).
    ``settings``: KEY=VALUE overrides (as `--set` gives them), already checked;
    ``lesson``: open it in lesson mode at that step (0-based)."""
    from rnn_tui.ui.training_process import OpenRequest, TrainingProcess

    # Started before Textual replaces the standard streams, so no redirection is needed.
    process = TrainingProcess()
    process.start(OpenRequest(scenario, tuple(settings or ())))
    try:
        from rnn_tui.core.errors import RnnTuiError
        from rnn_tui.ui.opening import open_scenarios

        try:
            # The same resolution as the child's: the same files give the same scenario.
            opening = open_scenarios(scenario, settings or [])
        except RnnTuiError as error:
            process.stop(timeout=0)  # it is importing torch: no need to wait for it
            print(f"rnn-tui: error: {error}", file=sys.stderr)
            return 2
        from rnn_tui.ui.app import run_app

        return run_app(opening, process, lesson)
    finally:
        process.stop()  # already stopped by the screen, unless the app failed early
