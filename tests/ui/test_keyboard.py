"""The app by keyboard alone: every Setup field, panels at every width, Try it, and no
stale Setup or Try it state after a switch of scenario or a reset."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.panels.setup import RowCheckbox
from rnn_tui.ui.screens.main import MainScreen

from .test_app_pilot import main_screen, wait_for, wait_ready
from .test_panels import panels_up

# Each Setup number field, the value typed, and where it lands in the scenario.
TYPED = [
    ("hidden size", "16", lambda s: s.model.hidden_size, 16),
    ("layers", "2", lambda s: s.model.num_layers, 2),
    ("lr", "0.01", lambda s: s.training.learning_rate, 0.01),
    ("batch size", "16", lambda s: s.training.batch_size, 16),
    ("max norm", "2.5", lambda s: s.training.max_norm, 2.5),
    ("init scale", "0.5", lambda s: s.model.recurrent_init_scale, 0.5),
    ("seq_len", "20", lambda s: s.data.params["seq_len"], 20),
    ("seed", "7", lambda s: s.training.seed, 7),
]


async def wait_model(pilot, screen: MainScreen) -> None:
    """Until the trainer and the UI's model copy both follow the current scenario (the
    Timestep panel's trace is only drawn while that panel shows)."""
    await wait_for(
        pilot,
        lambda: (
            screen.session.ready
            and screen.mirror is not None
            and screen.mirror.fits(screen.scenario)
            and screen.panels.try_it.mirror is screen.mirror
        ),
        what="the new model",
    )


def status(screen: MainScreen) -> str:
    screen.frame()
    return screen.status_line.plain


def row_label(screen: MainScreen) -> str:
    """The label of the Setup row the keys are on."""
    focused = screen.focused
    assert focused is not None and focused.parent is not None, focused
    return str(focused.parent.query_one("Label").render())


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_every_setup_field_by_keyboard_alone_at_80x24():
    app = RnnTuiApp("long-memory")  # seq2vec
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_ready(pilot)
        await pilot.press("shift+tab")
        assert screen.panel == "setup" and screen.focused is None
        await pilot.press("down")
        assert isinstance(screen.focused, Select) and row_label(screen) == "topology"
        assert not screen.query_one("#setup-topology", Select).expanded  # a row, not a list

        # topology: enter opens the list, up chooses seq2seq, enter picks it.
        await pilot.press("enter")
        assert screen.query_one("#setup-topology", Select).expanded
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: screen.scenario.topology == "seq2seq", 10, "seq2seq")
        assert screen.scenario.name == "exploding-gradients"  # the first of that topology
        await wait_model(pilot, screen)
        assert row_label(screen) == "topology"  # escape or a pick closes back to the row

        # scenario: the list holds seq2seq's scenarios; the next one is sine-waves.
        await pilot.press("down")
        assert row_label(screen) == "scenario"
        await pilot.press("enter", "down", "enter")
        await wait_for(pilot, lambda: screen.scenario.name == "sine-waves", 10, "sine-waves")
        await wait_model(pilot, screen)

        # cell: LSTM -> GRU.
        await pilot.press("down")
        assert row_label(screen) == "cell"
        await pilot.press("enter", "down", "enter")
        await wait_for(pilot, lambda: screen.scenario.model.cell == "gru", 10, "the GRU")
        await wait_model(pilot, screen)

        # clipping: enter toggles it, and the box says so in words.
        await pilot.press("down")
        assert row_label(screen) == "clipping" and isinstance(screen.focused, RowCheckbox)
        assert "typing" not in status(screen)
        await pilot.press("enter")
        assert not screen.scenario.training.clip
        assert str(screen.query_one("#setup-clip", RowCheckbox).label) == "off"

        # Every number field: down onto it, type (the old value is selected, so replaced).
        for label, typed, _, _ in TYPED:
            await pilot.press("down")
            assert row_label(screen) == label and isinstance(screen.focused, Input)
            assert "typing — esc to leave" in status(screen)
            await pilot.press(*typed)
            assert screen.focused.value == typed
        await pilot.press("down")  # the last row: the cursor stays there
        assert row_label(screen) == "seed"
        # enter applies every changed field at once.
        await pilot.press("enter")
        for label, _, value_of, expected in TYPED:
            assert value_of(screen.scenario) == expected, label
        await wait_model(pilot, screen)
        assert screen.mirror.dataset.train.inputs.shape[1] == 20

        # up walks back through every row to the top, and stays there.
        rows = screen.panels.setup.rows()
        for _ in range(len(rows)):
            await pilot.press("up")
        assert row_label(screen) == "topology"

        # escape leaves the form: the app's keys act again (space trains).
        await pilot.press("escape")
        assert screen.focused is None and "typing" not in status(screen)
        await pilot.press("space")
        assert screen.session.running
        await pilot.press("space")
        await wait_for(pilot, lambda: not screen.session.running, 10, "the pause")


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_on_setup_rows_the_app_keys_still_act():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        timestep = screen.panels.timestep
        await pilot.press("shift+tab", "down", "down")
        assert row_label(screen) == "scenario"
        await pilot.press("right", "right")  # the timestep cursor, beside the sidebar
        assert timestep.position == (0, 2)
        await pilot.press("space")  # trains: no list opens
        assert screen.session.running
        assert not screen.query_one("#setup-scenario", Select).expanded
        await pilot.press("space")
        await wait_for(pilot, lambda: not screen.session.running, 10, "the pause")
        await pilot.press("down", "down", "g")  # on the clipping row, g still toggles
        assert not screen.scenario.training.clip


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_shift_tab_switches_panels_the_same_way_at_every_width(size):
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=size) as pilot:
        screen = await wait_ready(pilot)
        timestep = screen.panels.timestep
        seen = []
        for _ in range(8):
            await pilot.press("shift+tab")
            seen.append(screen.panel)
            assert screen.focused is None, (screen.panel, screen.focused)
            assert screen.query_one("#panel-tabs").active == f"tab-{screen.panel}"
        expected = ["setup", "sweep", "map", "inside", "compare", "try", "training", "timestep"]
        assert seen == expected, seen
        await pilot.press("shift+tab")  # Setup again: at 120 columns, the sidebar
        await pilot.press("right", "right", "right")
        assert timestep.position == (0, 3)
        await pilot.press("left")
        assert timestep.position == (0, 2)
        await pilot.press("space")
        assert screen.session.running
        await pilot.press("space")
        await wait_for(pilot, lambda: not screen.session.running, 10, "the pause")


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_try_it_space_trains_until_enter_goes_into_the_field():
    app = RnnTuiApp("sentiment")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_ready(pilot)
        await pilot.press("tab", "tab")
        assert screen.panel == "try" and screen.focused is None
        field = screen.query_one("#try-input", Input)
        await pilot.press("space")
        assert screen.session.running and field.value == ""
        await pilot.press("space")
        await wait_for(pilot, lambda: not screen.session.running, 10, "the pause")
        assert "typing" not in status(screen)
        await pilot.press("enter")
        assert screen.focused is field
        assert "typing — esc to leave" in status(screen)
        await pilot.press(*"a good movie")
        assert field.value == "a good movie" and not screen.session.running
        await pilot.press("enter")
        result = screen.query_one("#try-result")
        await wait_for(pilot, lambda: "answer" in str(result.render()), 120, "the answer")
        await pilot.press("escape")
        assert screen.focused is None and "typing" not in status(screen)
        before = screen.session.step  # however many the run above took before its pause
        await pilot.press("n")  # a key of the app again, not a letter in the field
        await wait_for(pilot, lambda: screen.session.step == before + 1, 120, "one step")
        assert field.value == "a good movie"


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_setup_and_try_it_follow_a_switch_of_scenario_and_a_reset():
    app = RnnTuiApp("sentiment")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        setup = screen.panels.setup
        box = screen.query_one("#setup-clip", RowCheckbox)
        message = screen.query_one("#setup-message")
        # g turns clipping off: the box follows, in words too.
        await pilot.press("g")
        assert not screen.scenario.training.clip and not box.value
        assert str(box.label) == "off"
        await pilot.press("g")
        assert box.value and str(box.label) == "on"
        # A live change says "applied"; the next scenario does not inherit the sentence.
        await pilot.press("right_square_bracket")
        assert "applied: learning_rate" in str(message.render())

        # Try it: a review and its answer.
        await pilot.press("tab", "tab", "enter", *"a wonderful film", "enter")
        result = screen.query_one("#try-result")
        field = screen.query_one("#try-input", Input)
        await wait_for(pilot, lambda: "answer" in str(result.render()), 120, "the answer")
        await pilot.press("escape")

        # A reset: the answer of the old weights goes, the typed review stays (same data).
        await pilot.press("r")
        assert str(result.render()) == "" and field.value == "a wonderful film"
        await wait_model(pilot, screen)

        # Another scenario: nothing of sentiment's is left.
        setup.query_one("#field-model-hidden-size", Input).value = "48"  # typed, not applied
        screen.open_scenario("captioning")
        await wait_for(pilot, lambda: screen.scenario.name == "captioning", 10, "captioning")
        assert str(message.render()) == ""
        assert field.value == "" and str(result.render()) == ""
        hidden = setup.query_one("#field-model-hidden-size", Input)
        assert hidden.value == str(screen.scenario.model.hidden_size)
        assert not hidden.has_class("-changed")
        assert box.value == screen.scenario.training.clip
        assert not setup.query_one("#field-data-params-seq-len-row").display  # none here
        await wait_model(pilot, screen)
        assert "example (1-" in str(screen.query_one("#try-hint").render())


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_leaving_a_focused_field_that_the_new_scenario_hides():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await panels_up(pilot)
        screen.show_panel("setup")
        screen.panels.setup.focus_row(-2)  # seq_len
        await pilot.pause()
        assert row_label(screen) == "seq_len"
        screen.open_scenario("captioning")  # no seq_len: the cursor goes to the first row
        await pilot.pause()
        assert row_label(screen) == "topology"
        assert main_screen(app) is screen
