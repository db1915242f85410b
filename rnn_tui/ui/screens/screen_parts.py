"""The main screen's shared state, typed: its panels and what its two halves rely on.

``MainScreen`` is built from ``ModelLink`` (the UI's model copy: traces, Try it) and
``SettingsFlow`` (changing scenario and settings). Both derive from ``ScreenParts``, so
each names exactly the state it uses, with its type, and MainScreen provides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from textual.screen import Screen

from rnn_tui.core.scenario import Scenario
from rnn_tui.ui.session import Session

if TYPE_CHECKING:
    from rnn_tui.ui.mirror import Mirror
    from rnn_tui.ui.panels.compare import ComparePanel
    from rnn_tui.ui.panels.inside import InsidePanel
    from rnn_tui.ui.panels.setup import SetupPanel
    from rnn_tui.ui.panels.state_map import MapPanel
    from rnn_tui.ui.panels.sweep import SweepPanel
    from rnn_tui.ui.panels.timestep import TimestepPanel
    from rnn_tui.ui.panels.training import TrainingPanel
    from rnn_tui.ui.panels.try_it import TryItPanel
    from rnn_tui.ui.widgets import Banner

SwitchablePanel: TypeAlias = (
    "TimestepPanel | TrainingPanel | TryItPanel | ComparePanel | InsidePanel | MapPanel"
    " | SweepPanel"
)


@dataclass(frozen=True)
class Panels:
    """The screen's parts, mounted once after the first frame (their imports are heavy)."""

    setup: SetupPanel
    timestep: TimestepPanel
    training: TrainingPanel
    try_it: TryItPanel
    compare: ComparePanel
    banner: Banner
    inside: InsidePanel
    state_map: MapPanel
    sweep: SweepPanel

    def by_name(self, name: str) -> SwitchablePanel:
        """A switchable panel by its tab's name ("timestep", "training", "try", "compare",
        "inside", "map", "sweep")."""
        panels: dict[str, SwitchablePanel] = {
            "timestep": self.timestep,
            "training": self.training,
            "try": self.try_it,
            "compare": self.compare,
            "inside": self.inside,
            "map": self.state_map,
            "sweep": self.sweep,
        }
        return panels[name]


class ScreenParts(Screen[None]):
    """State shared by the main screen's halves; MainScreen sets it in ``__init__``."""

    session: Session
    catalog: dict[str, Scenario]
    panels: Panels | None = None  # None until mounted
    panel = "timestep"  # the panel shown
    mirror: Mirror | None = None  # the UI's copy of the model; None until built
    mirror_generation = 0
    sample = 0  # held-out example shown
    typed: str | None = None  # the Try it input, while the timestep panel shows it
    trace_stale = True

    @property
    def scenario(self) -> Scenario:
        return self.session.scenario

    # Provided by the halves or MainScreen; declared here so each half can call the other.
    def build_mirror(self) -> None:
        raise NotImplementedError

    def request_trace(self, force: bool = False) -> None:
        raise NotImplementedError

    def show_banner(self, text: str, level: str = "info") -> None:
        raise NotImplementedError

    def title_text(self) -> str:
        raise NotImplementedError
