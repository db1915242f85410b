"""The app driven by its keys (App.run_test): training, the timestep cursor, clipping, cells, errors."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable

import numpy as np
import pytest
import torch

from rnn_tui.core.topologies import build_model
from rnn_tui.core.trace import trace_example
from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.panels.timestep import TimestepPanel
from rnn_tui.ui.screens.confirm import ConfirmScreen
from rnn_tui.ui.screens.help import HelpScreen
from rnn_tui.ui.screens.main import MainScreen

READY_TIMEOUT = 120.0  # spawning the trainer imports torch: seconds on a busy 2-core machine
POLL_SECONDS = 0.1


async def wait_for(
    pilot, condition: Callable[[], bool], timeout: float = READY_TIMEOUT, what: str = ""
) -> None:
    """Until ``condition()`` holds (the app runs meanwhile), then let the screen settle.

    Polls with asyncio.sleep, not pilot.pause(0.1): each pause walks every widget of the
    main screen, 0.15 s of CPU a second of waiting (measured; the app itself idles at
    0.01), and waiting for a model to load is most of a UI test's time.
    """
    if condition():
        return
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or condition}")
        await asyncio.sleep(POLL_SECONDS)
    await pilot.pause()


def main_screen(app: RnnTuiApp) -> MainScreen:
    screen = app.screen_stack[1] if len(app.screen_stack) > 1 else app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def wait_ready(pilot) -> MainScreen:
    """Until the trainer is built and the timestep panel shows a trace of its weights."""
    screen = main_screen(pilot.app)

    def shown() -> bool:
        if screen.panels is None:
            return False
        panel = screen.panels.timestep
        return (
            screen.session.ready
            and panel.trace is not None
            and panel.weights_step == screen.session.step
        )

    await wait_for(pilot, shown, what="the model to load")
    return screen


def reference_trace(screen: MainScreen):
    """The engine's own trace of the shown sample under the trainer's latest weights."""
    scenario = screen.scenario
    dataset = screen.mirror.dataset
    model = build_model(scenario.topology, scenario.model, dataset)
    step, state = screen.session.weights
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    return trace_example(model, dataset, dataset.test.select([screen.sample]), scenario.name)


def bar(screen: MainScreen, label: str) -> np.ndarray:
    rows = screen.query_one("#ts-bars").rows
    return next(row.values for row in rows if row.label == label)


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_space_trains_and_pauses_then_quit_stops_the_process():
    gc.unfreeze()
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_ready(pilot)
        # The long-lived heap (torch, data, widgets) is frozen out of full collections,
        # which took 160-180 ms each and were the slowest key presses.
        assert gc.get_freeze_count() > 50_000
        process = screen.session.process._process
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.session.step >= 20, 60, "20 training steps")
        await pilot.press("space")
        # The "paused" state report comes after every step trained (one queue, in order).
        await wait_for(pilot, lambda: screen.session.why == "paused", 30, "the pause")
        paused_at = screen.session.step
        # Not a wait for something: a window in which steps, if any, would show (the
        # training process sends them every 0.1 s while it runs).
        await pilot.pause(0.5)
        assert screen.session.step == paused_at, "training went on after pause"
        await pilot.press("tab", "tab")  # timestep -> training -> try: charts drew on the way
        status = str(screen.query_one("#status").render())
        assert f"step {paused_at}" in status and "paused" in status
        assert len(screen.query_one("#chart-loss").train) == paused_at
        await pilot.press("q")
    assert not process.is_alive(), "the training process outlived the app"


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_cursor_moves_and_shown_state_matches_the_engine_trace():
    app = RnnTuiApp("sentiment")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        panel = screen.query_one(TimestepPanel)
        await pilot.press("right", "right", "right")
        assert panel.position == (0, 3)
        reference = reference_trace(screen).part("rnn")
        np.testing.assert_allclose(bar(screen, "h_t"), reference.h[3, 0], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(bar(screen, "h_t-1"), reference.h[2, 0], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(
            bar(screen, "f"), reference.gates["f"][3, 0], rtol=1e-6, atol=1e-7
        )
        assert "t=4/" in str(screen.query_one("#ts-info").render())
        await pilot.press("end")
        assert panel.position == (0, reference.seq_len - 1)
        await pilot.press("home", "left")
        assert panel.position == (0, 0)

        # After training steps the view follows the new weights.
        await pilot.press("n", "n")
        await wait_for(pilot, lambda: panel.weights_step == 2, 30, "the trace at step 2")
        await pilot.press("right")
        trained = reference_trace(screen).part("rnn")
        assert not np.allclose(trained.h[1, 0], reference.h[1, 0])
        np.testing.assert_allclose(bar(screen, "h_t"), trained.h[1, 0], rtol=1e-6, atol=1e-7)


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_encoder_decoder_cursor_walks_into_the_decoder():
    app = RnnTuiApp("translation")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        panel = screen.query_one(TimestepPanel)
        encoder_steps = panel.trace.part("encoder").seq_len
        for _ in range(encoder_steps):
            await pilot.press("right")
        assert panel.position == (1, 0)
        reference = reference_trace(screen).part("decoder")
        np.testing.assert_allclose(bar(screen, "h_t"), reference.h[0, 0], rtol=1e-6, atol=1e-7)
        assert "decoder t=1/" in str(screen.query_one("#ts-info").render())


async def test_clipping_and_learning_rate_keys_change_the_running_settings():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_ready(pilot)
        assert screen.scenario.training.clip
        await pilot.press("g")
        assert not screen.scenario.training.clip
        screen.frame()
        assert "clip off" in str(screen.query_one("#status").render())
        await pilot.press("g")
        assert screen.scenario.training.clip
        rate = screen.scenario.training.learning_rate
        await pilot.press("right_square_bracket")
        assert screen.scenario.training.learning_rate == pytest.approx(rate * 2)
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert screen.scenario.training.learning_rate == pytest.approx(rate / 2)
        # The trainer runs with the new rate: the next step reports it.
        await pilot.press("n")
        await wait_for(pilot, lambda: screen.session.latest is not None, 30, "a step report")
        assert screen.session.latest.learning_rate == pytest.approx(rate / 2)


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_cell_key_switches_and_asks_before_discarding_training():
    app = RnnTuiApp("sentiment")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        assert screen.scenario.model.cell == "lstm"
        await pilot.press("c")  # untrained: no question
        assert screen.scenario.model.cell == "gru"
        assert "GRU" in str(screen.query_one("#title-bar").render())
        screen = await wait_ready(pilot)
        panel = screen.query_one(TimestepPanel)
        assert panel.trace.cell == "gru"
        assert [row.label for row in screen.query_one("#ts-bars").rows][2:5] == ["r", "z", "n"]

        await pilot.press("n")
        await wait_for(pilot, lambda: screen.session.step == 1, 30, "one step")
        await pilot.press("c")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep the trained model
        assert screen.scenario.model.cell == "gru" and screen.session.step == 1
        await pilot.press("c")
        await pilot.press("y")
        assert screen.scenario.model.cell == "rnn"
        await wait_ready(pilot)
        assert panel.trace.cell == "rnn"
        assert "Model reset" in screen.banner.text


@pytest.mark.slow
async def test_exploding_scenario_without_clipping_shows_the_divergence_banner():
    app = RnnTuiApp("exploding-gradients")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_ready(pilot)
        # Clipping off, and the learning rate doubled so the explosion comes within seconds
        # whatever the scenario file's tuning (this test is about the banner, not the tuning).
        await pilot.press("g", "right_square_bracket", "space")
        assert not screen.scenario.training.clip
        await wait_for(pilot, lambda: screen.session.diverged is not None, 120, "divergence")
        await wait_for(pilot, lambda: "DIVERGED" in screen.banner.text, 5, "the banner")
        assert f"at step {screen.session.diverged_step}" in screen.banner.text
        assert screen.banner.level == "error"
        assert not screen.session.running
        assert "diverged" in str(screen.query_one("#status").render())


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_bad_input_gets_a_message_and_the_app_stays():
    app = RnnTuiApp("sentiment")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        field = screen.query_one("#field-model-hidden-size")
        message = screen.query_one("#setup-message")
        field.focus()
        field.value = "many"
        await pilot.pause()
        assert "whole number" in str(message.render())
        assert field.has_class("-invalid")
        field.value = "5000"
        await pilot.press("enter")
        assert "1024" in str(message.render())
        assert screen.scenario.model.hidden_size == 64
        field.value = "32"
        await pilot.press("enter")
        assert screen.scenario.model.hidden_size == 32
        await pilot.press("escape")
        # A scenario file that does not exist: a message, the app keeps its scenario.
        screen.open_scenario("no/such/file.toml")
        await pilot.pause()
        assert "no such scenario file" in str(message.render())
        assert screen.scenario.name == "sentiment"
        assert app.is_running


async def test_unknown_scenario_on_the_command_line_opens_a_builtin_with_a_message():
    app = RnnTuiApp("no-such-scenario")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1, 10, "the main screen")
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.banner is not None, 10, "the panels")
        assert screen.scenario.name == "sentiment"
        assert "no-such-scenario" in screen.banner.text and screen.banner.level == "error"


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_keys_while_loading_do_not_crash_and_help_lists_every_key():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "n", "right", "c")  # before the model is ready
        screen = main_screen(app)
        assert not screen.session.running
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-text").source
        for binding in MainScreen.BINDINGS:
            assert binding.description in text
        assert screen.scenario.title in text
        help_screen = app.screen
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("question_mark")  # again: the same screen, not composed anew
        assert app.screen is help_screen
        await pilot.press("escape")
        screen.open_scenario("sentiment")
        await wait_for(pilot, lambda: screen.scenario.name == "sentiment", 30, "the switch")
        await pilot.press("question_mark")  # the scenario changed: its own description
        assert app.screen is not help_screen and isinstance(app.screen, HelpScreen)
        assert screen.scenario.title in app.screen.query_one("#help-text").source
        await pilot.press("escape")


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_try_it_answers_typed_text_and_names_unknown_words():
    app = RnnTuiApp("sentiment")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        await pilot.press("tab", "tab", "enter")  # enter goes into the field
        assert screen.panel == "try" and screen.focused.id == "try-input"
        field = screen.query_one("#try-input")
        field.value = "the movie was wonderful zzyzx"
        await pilot.press("enter")
        result = screen.query_one("#try-result")
        await wait_for(pilot, lambda: "answer" in str(result.render()), 30, "the answer")
        shown = str(result.render())
        assert "zzyzx" in shown and ("positive" in shown or "negative" in shown)
        panel = screen.query_one(TimestepPanel)
        assert panel.source == "typed" and panel.trace.parts[0].labels[-1] == "<unk>"


@pytest.mark.slow
async def test_compare_trains_the_three_cells_on_the_same_data():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        await pilot.press("tab", "tab", "tab", "enter")  # enter goes into the steps field
        assert screen.panel == "compare" and screen.focused.id == "compare-steps"
        panel = screen.panels.compare
        field = screen.query_one("#compare-steps")
        field.value = "30"
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: not panel.running and len(panel.results) == 3, 180, "three cells"
        )
        assert set(panel.results) == {"rnn", "lstm", "gru"}
        assert all(result.startswith("rmse_ratio") for result in panel.results.values())
        loss = screen.query_one("#compare-loss")
        assert sorted(loss.series) == ["GRU", "LSTM", "vanilla RNN"]
        assert all(len(history) == 30 for history in loss.series.values())
        assert not panel.process.alive


def highlighted_command(app) -> str:
    """The palette's highlighted entry ("" when the palette is not up or still searching)."""
    from textual.command import CommandList, CommandPalette

    if not isinstance(app.screen, CommandPalette):
        return ""
    option = app.screen.query_one(CommandList).highlighted_option
    return "" if option is None else str(option.prompt)


async def run_command(pilot, name: str, answer: str) -> None:
    """Pick a command in the palette by typing its name, answer its path prompt, and wait
    for the message it ends with (each file command says what it did, or why not)."""
    from rnn_tui.ui.screens.prompt import PromptScreen

    app = pilot.app
    said: list[str] = []
    notify = app.notify
    app.notify = lambda message, *args, **kwargs: (
        said.append(str(message)) or notify(message, *args, **kwargs)
    )
    try:
        await pilot.press("ctrl+p")
        await pilot.press(*name)
        await wait_for(pilot, lambda: name in highlighted_command(app), 30, f"{name!r} listed")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen), 30, "the prompt")
        app.screen.query_one("Input").value = answer
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(said), 30, f"the message of {name!r}")
    finally:
        del app.notify  # the class's own again


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_palette_saves_and_loads_weights_exports_a_trace_and_a_screenshot(tmp_path):
    import json

    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        await pilot.press("n", "n", "n")
        await wait_for(pilot, lambda: screen.session.step == 3, 30, "three steps")
        weights = tmp_path / "model.safetensors"
        await run_command(pilot, "Save weights", str(weights))
        assert weights.exists() and screen.session.unsaved_steps == 0

        await run_command(pilot, "Export trace", str(tmp_path / "trace.json"))
        exported = json.loads((tmp_path / "trace.json").read_text())
        assert exported["scenario"] == "sine-waves" and exported["steps"]

        await run_command(pilot, "Save screenshot", str(tmp_path / "shot.svg"))
        await wait_for(pilot, lambda: (tmp_path / "shot.svg").exists(), 5, "the screenshot")
        assert "rnn-tui" in (tmp_path / "shot.svg").read_text()

        # Loading a file that is not ours: a message, the model is untouched.
        (tmp_path / "junk.safetensors").write_bytes(b"not weights")
        await run_command(pilot, "Load weights", str(tmp_path / "junk.safetensors"))
        assert screen.session.step == 3

        # Reset, then load the saved weights back: the trace shows them again.
        saved_trace = screen.panels.timestep.trace
        await pilot.press("r")
        await wait_ready(pilot)
        await run_command(pilot, "Load weights", str(weights))
        panel = screen.panels.timestep
        await wait_for(
            pilot,
            lambda: (
                panel.trace is not None
                and panel.trace is not saved_trace
                and np.allclose(panel.trace.parts[0].h, saved_trace.parts[0].h)
            ),
            30,
            "the loaded weights",
        )


async def test_sequence_length_field_rebuilds_data_and_model():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        original = screen.panels.timestep.trace.parts[0].seq_len
        field = screen.query_one("#field-data-params-seq-len")
        field.focus()
        field.value = str(original // 2)
        await pilot.press("enter")
        assert screen.scenario.data.params["seq_len"] == original // 2
        await wait_ready(pilot)
        assert screen.panels.timestep.trace.parts[0].seq_len == original // 2
        assert "Model reset" in screen.banner.text


async def test_ctrl_q_asks_before_losing_training():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: screen.session.step == 1, 30, "one step")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.is_running and app.screen is screen


async def test_copy_this_setup_as_a_command_reproduces_the_setup():
    import shlex

    from rnn_tui.core.changes import apply_changes, parse_setting
    from rnn_tui.core.scenario import load_scenario
    from rnn_tui.ui.screens.share import copy_setup_command

    app = RnnTuiApp("long-memory", settings=["model.cell=gru", "training.learning_rate=0.01"])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_panels(pilot)
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        copy_setup_command(screen)
        argv = shlex.split(copied[0])
        items = [argv[i + 1] for i, word in enumerate(argv) if word == "--set"]
        rebuilt = apply_changes(load_scenario(argv[1]), dict(map(parse_setting, items)))
        assert rebuilt == screen.scenario and "--seed" in argv
        await wait_for(pilot, lambda: bool(app._notifications), 10, "the notification")
        assert copied[0] in " ".join(str(n.message) for n in app._notifications)


async def wait_for_panels(pilot) -> MainScreen:
    screen = main_screen(pilot.app)
    await wait_for(pilot, lambda: screen.panels is not None, 60, "the panels")
    return screen
