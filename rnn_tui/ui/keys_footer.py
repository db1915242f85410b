"""KeysFooter: Textual's Footer, recomposed only when the keys it shows change, without a leak.

Not in ``ui/widgets``: the main screen's first paint imports this, and that package
imports numpy and the charts.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


def shown_keys(screen: Screen) -> tuple[tuple[Any, ...], ...]:
    """What the footer would draw: each shown binding's key, words, state and group."""
    return tuple(
        (key, b.binding.action, b.binding.description, b.binding.key_display, b.enabled)
        + (b.binding.group.description if b.binding.group else None,)
        for key, b in screen.active_bindings.items()
        if b.binding.show
    )


class KeysFooter(Footer):
    """Footer that skips a recompose when nothing it shows changed, and frees its old keys.

    Textual recomposes the footer on every focus change (every panel switch here): about
    30 widgets mounted each time. And in Textual 8.2.8 each FooterKey's
    ``data_bind(compact=...)`` leaves a watcher on the footer that is only pruned when
    ``compact`` changes, so every recompose kept its old keys alive: measured +60 MB a
    minute while switching panels at 20 keys a second.
    """

    _shown: tuple[tuple[Any, ...], ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = shown_keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        await super().recompose()
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [
                (node, callback)
                for node, callback in watchers
                if not (node._closing or node._closed)
            ]
