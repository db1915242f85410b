"""Open the TUI (kept apart from cli.py so `rnn-tui list` never imports textual)."""

from __future__ import annotations


def open_app(scenario: str | None) -> int:
    from rnn_tui.ui.app import run_app

    return run_app(scenario)
