"""TextLine: one line of text that redraws without a layout pass (Static.update re-lays out the screen)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widget import Widget


class TextLine(Widget):
    """Height 1; ``set`` changes the text and repaints only this line, only if it changed."""

    DEFAULT_CSS = "TextLine { height: 1; }"

    def __init__(self, text: str | Text = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._text = Text(text) if isinstance(text, str) else text

    @property
    def plain(self) -> str:
        return self._text.plain

    def set(self, text: str | Text) -> None:
        text = Text(text) if isinstance(text, str) else text
        if text.plain != self._text.plain or text.spans != self._text.spans:
            self._text = text
            self.refresh()

    def render(self) -> Text:
        return self._text
