"""Open the TUI (kept apart from cli.py so `rnn-tui list` never imports textual)."""

from __future__ import annotations


def open_app(scenario: str | None, settings: list[str] | None = None) -> int:
    """``settings``: KEY=VALUE overrides (as `--set` gives them), already checked."""
    from rnn_tui.ui.app import run_app

    return run_app(scenario, settings or [])
