"""Shared helpers for widget tests: an app that hosts one widget."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget


class HostApp(App):
    """Composes the given widgets and nothing else."""

    def __init__(self, *widgets: Widget) -> None:
        super().__init__()
        self._widgets = widgets

    def compose(self) -> ComposeResult:
        yield from self._widgets


@pytest.fixture
def host() -> type[HostApp]:
    return HostApp
