"""Which scenario the app opens, worked out before Textual is imported.

Kept free of textual (and torch) so the command line can resolve the scenario, start the
training process on it, and only then import Textual: the child imports torch (about
2 s here) while the parent imports Textual and draws the first screen, instead of after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rnn_tui.core.changes import apply_changes, parse_setting
from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import DEFAULT_SCENARIO, Scenario, builtin_names, load_scenario


@dataclass(frozen=True)
class Opening:
    """The built-in scenarios, the one to open first, and what went wrong on the way."""

    catalog: dict[str, Scenario]
    initial: Scenario
    error: str | None  # shown on the first screen: a scenario that did not load


def load_catalog() -> tuple[dict[str, Scenario], list[str]]:
    """Every built-in scenario that loads, and a message for each that does not."""
    catalog, problems = {}, []
    for name in builtin_names():
        try:
            catalog[name] = load_scenario(name)
        except RnnTuiError as error:
            problems.append(str(error))
    return catalog, problems


def pick_scenario(
    name_or_path: str | None, catalog: dict[str, Scenario]
) -> tuple[Scenario, str | None]:
    """The scenario to open, and a message when the requested one could not be opened."""
    fallback = catalog.get(DEFAULT_SCENARIO) or next(iter(catalog.values()), None)
    if name_or_path is None:
        if fallback is None:
            raise RnnTuiError(
                "no built-in scenario could be loaded; give a path to a scenario file."
            )
        return fallback, None
    try:
        return catalog.get(name_or_path) or load_scenario(name_or_path), None
    except RnnTuiError as error:
        if fallback is None:
            raise
        return (
            fallback,
            f"Could not open {name_or_path!r}, showing {fallback.name} instead: {error}",
        )


def open_scenarios(name_or_path: str | None, settings: Sequence[str] = ()) -> Opening:
    """The opening for `rnn-tui [NAME] [--set KEY=VALUE ...]`; RnnTuiError when nothing
    can be opened or a setting does not apply."""
    catalog, problems = load_catalog()
    initial, message = pick_scenario(name_or_path, catalog)
    if settings:
        initial = apply_changes(initial, dict(map(parse_setting, settings)))
    error = " ".join(p for p in (message, *problems) if p) or None
    return Opening(catalog, initial, error)
