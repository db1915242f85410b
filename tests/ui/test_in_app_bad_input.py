"""The in-app part of the bad-input catalogue: each bad value typed or file opened gets a
message in the app; the app keeps running, its scenario and its trained model."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnn_tui.core.changes import FIELD_BY_KEY
from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.topologies import build_model
from rnn_tui.core.weights import save_weights
from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.screens.files import _load
from rnn_tui.ui.screens.settings_flow import SettingsFlow

from .test_app_pilot import wait_for, wait_ready

# (field key, typed value, words the message must contain)
BAD_FIELDS = [
    ("model.hidden_size", "many", "whole number"),
    ("model.hidden_size", "0", "hidden_size"),
    ("model.hidden_size", "5000", "1024"),
    ("model.num_layers", "9", "num_layers"),
    ("training.learning_rate", "0", "learning_rate"),
    ("training.learning_rate", "nan", "learning_rate"),
    ("training.learning_rate", "-1", "learning_rate"),
    ("training.batch_size", "0", "batch_size"),
    ("training.max_norm", "-3", "max_norm"),
    ("model.recurrent_init_scale", "abc", "number"),
    ("data.params.seq_len", "0", "seq_len"),
    ("data.params.seq_len", "1000000", "seq_len"),
    ("training.seed", "1.5", "whole number"),
]


def bad_files(folder: Path) -> list[tuple[str, str, str]]:
    """(what, path, words) for scenario files and weights files that must be refused."""
    good = (Path(__file__).parents[2] / "scenarios" / "sine-waves.toml").read_text()
    (folder / "malformed.toml").write_text(good + "\n[model\nhidden = 3\n")
    (folder / "wrong-type.toml").write_text(
        good.replace("hidden_size = ", 'hidden_size = "big" #', 1)
    )
    (folder / "not-weights.safetensors").write_text("this is not a weights file\n")
    scenario = load_scenario("sine-waves")
    other = scenario.with_changes({"model.hidden_size": scenario.model.hidden_size + 3})
    model = build_model(other.topology, other.model, build_dataset(other))
    save_weights(model, folder / "other-shape.safetensors", {"scenario": "sine-waves"})
    data = (folder / "other-shape.safetensors").read_bytes()
    (folder / "truncated.safetensors").write_bytes(data[: len(data) // 2])
    return [
        ("scenario", str(folder / "malformed.toml"), "malformed.toml"),
        ("scenario", str(folder / "wrong-type.toml"), "hidden_size"),
        ("scenario", str(folder / "missing.toml"), "no such scenario file"),
        ("weights", str(folder / "not-weights.safetensors"), "not-weights.safetensors"),
        ("weights", str(folder / "truncated.safetensors"), "truncated.safetensors"),
        ("weights", str(folder / "other-shape.safetensors"), "other-shape.safetensors"),
        ("weights", str(folder / "missing.safetensors"), "missing.safetensors"),
    ]


def notifications(app: RnnTuiApp) -> str:
    return " ".join(str(n.message) for n in app._notifications)


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_every_bad_input_in_the_app_gets_a_message_and_changes_nothing(tmp_path):
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: screen.session.step == 1, 30, "one step")
        before = screen.scenario
        setup = screen.panels.setup
        message = screen.query_one("#setup-message")
        for key, value, words in BAD_FIELDS:
            field = screen.query_one("#field-" + key.replace(".", "-").replace("_", "-"))
            field.focus()
            field.value = value
            await pilot.press("enter")
            text = str(message.render())
            assert words in text, (key, value, text)
            assert screen.scenario == before and screen.session.step == 1
            field.value = setup._text(FIELD_BY_KEY[key])  # back to the scenario's value
        await pilot.press("escape")
        for what, path, words in bad_files(tmp_path):
            app._notifications.clear()
            if what == "scenario":
                SettingsFlow.open_scenario(screen, path)
                await pilot.pause()
                text = str(message.render()) + " " + notifications(app)
            else:
                _load(screen, path)
                await pilot.pause()
                text = notifications(app)
            assert words in text, (what, path, text)
            assert "Traceback" not in text
            assert screen.scenario == before and screen.session.step == 1, path
        assert app.is_running
