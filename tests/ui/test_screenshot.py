"""Screenshots: only the app's own in the palette, from any screen, in the colours in use."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from rich.terminal_theme import SVG_EXPORT_THEME
from textual.command import CommandList, CommandPalette

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.screens.files import screenshot_svg
from rnn_tui.ui.screens.help import HelpScreen
from rnn_tui.ui.screens.prompt import PromptScreen

from .test_app_pilot import wait_for
from .test_panels import panels_up

HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
SVG = (
    "<svg><style>.r1 { fill: #c5c8c6 } .r2 { fill: #ff8800; font-weight: bold }</style>"
    '<rect fill="#0178d4" x="0"/><circle fill="#ff5f57"/><text class="r1">hi</text></svg>'
)


def colours(svg: str) -> set[tuple[int, int, int]]:
    return {(int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)) for c in HEX.findall(svg)}


def fake_app(system: str | None, no_color: bool = False) -> SimpleNamespace:
    return SimpleNamespace(
        export_screenshot=lambda: SVG,
        console=SimpleNamespace(color_system=system),
        no_color=no_color,
    )


def test_screenshot_colours_follow_the_terminal_colour_system():
    assert screenshot_svg(fake_app("truecolor")) == SVG
    sixteen = {SVG_EXPORT_THEME.ansi_colors[i] for i in range(16)}
    shown = screenshot_svg(fake_app("standard"))
    assert colours(shown) <= {tuple(c) for c in sixteen}, colours(shown)
    assert '<text class="r1">hi</text>' in shown  # only colours change
    assert len(colours(screenshot_svg(fake_app("256")))) > 1
    for grey in (
        screenshot_svg(fake_app("truecolor", no_color=True)),
        screenshot_svg(fake_app(None)),
    ):
        assert all(r == g == b for r, g, b in colours(grey)), colours(grey)
        assert len(colours(grey)) == 4  # four different greys: the picture is still legible


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_palette_offers_only_the_apps_screenshot_and_it_works_from_help(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("NO_COLOR", "1")
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(100, 30)) as pilot:
        await panels_up(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Theme" in titles and "Screenshot" not in titles
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+p", *"screenshot")
        assert isinstance(app.screen, CommandPalette)
        hits = app.screen.query_one(CommandList)
        group = CommandPalette._GATHER_COMMANDS_GROUP  # the palette searches in a worker

        def searched() -> bool:
            running = any(w.group == group and w.is_running for w in app.workers)
            return hits.option_count > 0 and not running

        await wait_for(pilot, searched, 10, "the palette's hits")
        offered = [hits.get_option_at_index(i).prompt for i in range(hits.option_count)]
        assert [str(hit).splitlines()[0] for hit in offered] == ["Save screenshot…"], offered
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen), 5, "the prompt")
        target = tmp_path / "help.svg"
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists, 10, "the screenshot")
        svg = target.read_text()
        assert "rnn-tui help" in svg.replace("&#160;", " ")  # the help screen, on top
        assert "Save an SVG screenshot" not in svg.replace("&#160;", " ")  # not the prompt
        assert all(r == g == b for r, g, b in colours(svg)), "NO_COLOR: no colour at all"
        assert isinstance(app.screen, HelpScreen)
