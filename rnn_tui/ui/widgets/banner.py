"""Banner: a status message ("DIVERGED at step 123: loss is NaN", "Model reset: ..."), wrapped."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

LEVELS = ("info", "warning", "error")
PREFIX = {"info": "", "warning": "! ", "error": "✖ "}
"""Readable without colour: a warning or error says so by its first character."""


class Banner(Widget):
    """A message wrapped to the width (never cut: its last words say what to do);
    `level` picks the colours. Hidden (height 0) while empty."""

    DEFAULT_CSS = """
    Banner {
        height: auto;
        max-height: 6;  /* a one-paragraph error at 80 columns fits; panels keep their room */
        padding: 0 1;
        background: $panel;
        color: $text;
    }
    Banner.-empty { display: none; }
    Banner.-warning { background: $warning 30%; color: $text; }
    Banner.-error { background: $error; color: $text; text-style: bold; }
    """

    text: reactive[str] = reactive("")
    """The message; empty hides the banner."""
    level: reactive[str] = reactive("info")
    """"info", "warning" or "error"."""

    def __init__(
        self,
        text: str = "",
        level: str = "info",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(Banner.level, self.validate_level(level))
        self.set_reactive(Banner.text, text)
        self._sync_classes()

    def show(self, text: str, level: str = "info") -> None:
        """Show `text` at `level` ("info", "warning", "error")."""
        self.level = level
        self.text = text

    def clear(self) -> None:
        """Hide the banner."""
        self.text = ""

    def validate_level(self, level: str) -> str:
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
        return level

    def watch_text(self) -> None:
        self._sync_classes()

    def watch_level(self) -> None:
        self._sync_classes()

    def _sync_classes(self) -> None:
        self.set_class(not self.text, "-empty")
        for level in LEVELS[1:]:
            self.set_class(self.level == level, f"-{level}")

    def render(self) -> RenderResult:
        return Text(PREFIX[self.level] + self.text, overflow="fold")
