"""Save and load weights, export a trace, save a screenshot: each asks for a path, then reports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from rich.color import Color, ColorSystem
from rich.terminal_theme import SVG_EXPORT_THEME

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.ui.screens.prompt import PromptScreen

if TYPE_CHECKING:
    from textual.app import App

    from rnn_tui.ui.screens.main import MainScreen


def _ask(screen: MainScreen, question: str, default: str, then) -> None:
    def answered(path: str | None) -> None:
        if path:
            then(path)

    screen.app.push_screen(PromptScreen(question, default), answered)


def ask_path(screen: MainScreen, question: str, default: str, then) -> None:
    """Ask for a path (enter accepts, escape cancels), then call ``then(path)``."""
    _ask(screen, question, default, then)


def _stem(screen: MainScreen, step: int | None = None) -> str:
    s = screen.scenario
    return f"{s.name}-{s.model.cell}-step{screen.session.step if step is None else step}"


def _needs_model(screen: MainScreen) -> bool:
    if screen.mirror is None or not screen.session.ready:
        screen.notify("The model is still loading; try again in a moment.", severity="warning")
        return False
    return True


def save_weights(screen: MainScreen) -> None:
    if _needs_model(screen):
        _ask(
            screen,
            "Save the current weights (safetensors) to:",
            f"{_stem(screen)}.safetensors",
            lambda path: _save(screen, path),
        )


def _save(screen: MainScreen, path: str) -> None:
    session, mirror = screen.session, screen.mirror
    assert mirror is not None  # _needs_model said so
    try:
        with mirror.lock:
            if not mirror.catch_up(session.weights, session.weights_version):
                raise RnnTuiError("the newest weights do not fit the model shown; try again")
            written = mirror.save(path, session.step)
    except RnnTuiError as error:
        screen.notify(str(error), title="Not saved", severity="error")
        return
    session.mark_saved()
    screen.notify(f"Saved the weights of step {session.step} to {written}", title="Saved")


def load_weights(screen: MainScreen) -> None:
    if _needs_model(screen):
        _ask(
            screen,
            "Load weights (a .safetensors file saved by rnn-tui) from:",
            f"{_stem(screen)}.safetensors",
            lambda path: screen.confirm_discard(
                "Loading weights replaces the model's.", lambda: _load(screen, path)
            ),
        )


def _load(screen: MainScreen, path: str) -> None:
    session, mirror = screen.session, screen.mirror
    assert mirror is not None  # _needs_model said so
    session.pause()
    try:
        with mirror.lock:
            meta = mirror.load_file(path)
            state = mirror.state()
            mirror.version = None  # the trainer sends these weights back; trace them then
    except RnnTuiError as error:
        screen.notify(str(error), title="Not loaded", severity="error")
        return
    session.load_weights(state)
    screen.trace_stale = True
    trained = meta.get("step", "?")
    screen.notify(
        f"Loaded {path} (trained {trained} steps on {meta.get('scenario', '?')}).", title="Loaded"
    )


def save_for_recovery(screen: MainScreen) -> Path | None:
    """Killed or hung up on, with nobody to ask: keep the newest weights if training since
    the last save, reset or load would be lost. The file goes in the working directory
    (where the save prompt suggests too); None if there was nothing to keep or no way to."""
    session, mirror = screen.session, screen.mirror
    if mirror is None or session.weights is None or not session.unsaved_steps:
        return None
    step = session.weights[0]  # while running, at most a couple of seconds old
    path = Path(f"{_stem(screen, step)}-recovered.safetensors")
    try:
        with mirror.lock:
            if not mirror.catch_up(session.weights, session.weights_version):
                return None
            return mirror.save(path, step)
    except (RnnTuiError, OSError):
        return None


def export_trace(screen: MainScreen) -> None:
    trace = screen.panels.timestep.trace if screen.panels is not None else None
    if trace is None:
        screen.notify("No trace yet: the model is still loading.", severity="warning")
        return
    _ask(
        screen,
        "Export the shown trace (JSON) to:",
        f"{_stem(screen)}-trace.json",
        lambda path: _export(screen, trace, path),
    )


def _export(screen: MainScreen, trace, path: str) -> None:
    target = Path(path).expanduser()
    try:
        target.write_text(json.dumps(trace.to_json()), encoding="utf-8")
    except OSError as error:
        screen.notify(
            f"{target}: cannot write there ({error.strerror}).",
            title="Not exported",
            severity="error",
        )
        return
    screen.notify(f"Exported the trace to {target}", title="Exported")


def save_screenshot(screen: MainScreen) -> None:
    """Ask for a path, then save the screen shown (the main screen, help, ...) as SVG."""
    _ask(
        screen,
        "Save an SVG screenshot to:",
        f"rnn-tui-{screen.scenario.name}.svg",
        lambda path: _screenshot(screen, path),
    )


def _screenshot(screen: MainScreen, path: str) -> None:
    from rnn_tui.ui.screens.prompt import PromptScreen

    target = Path(path).expanduser()
    if target.is_dir():
        target = target / f"rnn-tui-{screen.scenario.name}.svg"
    app = screen.app

    def take() -> None:
        if isinstance(app.screen, PromptScreen):  # the picture shows the app, not the dialog
            app.call_after_refresh(take)
            return
        try:
            target.write_text(screenshot_svg(app), encoding="utf-8")
        except OSError as error:
            app.notify(f"{target}: cannot write there ({error.strerror}).", severity="error")
            return
        app.notify(f"Saved a screenshot to {target}", title="Screenshot")

    app.call_after_refresh(take)


HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b")
COLOUR_SYSTEMS = {
    "standard": ColorSystem.STANDARD,
    "windows": ColorSystem.STANDARD,
    "256": ColorSystem.EIGHT_BIT,
}


def screenshot_svg(app: App) -> str:
    """The screen as this terminal shows it. Textual's export is always in 24-bit colour:
    with 16 or 256 colours each colour comes down as the terminal gets it (in the SVG's
    own palette), and with NO_COLOR or no colour at all every colour becomes its grey."""
    svg = app.export_screenshot()
    system = app.console.color_system  # "truecolor", "256", "standard", "windows" or None
    if app.no_color or system is None:
        return HEX_COLOUR.sub(lambda match: _grey(match.group()), svg)
    if system in COLOUR_SYSTEMS:
        return HEX_COLOUR.sub(lambda match: _down(match.group(), COLOUR_SYSTEMS[system]), svg)
    return svg


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour[1:], 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def _grey(hex_colour: str) -> str:
    red, green, blue = _rgb(hex_colour)
    level = round(0.299 * red + 0.587 * green + 0.114 * blue)  # the colour's luma
    return f"#{level:02x}{level:02x}{level:02x}"


def _down(hex_colour: str, system: ColorSystem) -> str:
    colour = Color.from_rgb(*_rgb(hex_colour)).downgrade(system)
    return colour.get_truecolor(SVG_EXPORT_THEME).hex
