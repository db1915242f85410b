"""The main screen's row of panel tabs: Textual's Tabs, safe to cut short by an exit while mounting."""

from __future__ import annotations

from textual.events import Mount
from textual.widgets import Tabs


class PanelTabs(Tabs):
    """Tabs whose mount tolerates having no tabs when the app is already exiting.

    A signal or a hang-up at start-up can end the app while this row is being mounted;
    Textual's mounts then do nothing, and its Tabs, told which tab starts active, raises
    "No Tab with id ..." on mount: a traceback on the way out and exit code 1.
    """

    def _on_mount(self, event: Mount) -> None:
        if not self.query("#tabs-list > Tab"):
            event.prevent_default()  # skip Tabs' own mount: nothing to make active
