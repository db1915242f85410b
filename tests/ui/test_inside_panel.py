"""The Inside panel: an intervention typed in the app re-runs the sample; ablation ranks units."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnn_tui.core.intervention_trace import trace_intervened
from rnn_tui.core.interventions import parse_intervention
from rnn_tui.core.topologies import build_model
from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.panels.inside import CHANGED, InsidePanel

from .test_app_pilot import wait_for, wait_ready

TINY = ["data.params.seq_len=20", "model.hidden_size=8"]


def engine_model(screen):
    """The engine's own model under the trainer's latest weights."""
    dataset = screen.mirror.dataset
    model = build_model(screen.scenario.topology, screen.scenario.model, dataset)
    _, state = screen.session.weights
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    return model, dataset


async def open_inside(pilot) -> tuple[object, InsidePanel]:
    screen = await wait_ready(pilot)
    await pilot.press(*["n"] * 3)  # a few steps: the weights are not the initial ones
    await wait_for(pilot, lambda: screen.session.step == 3, 60, "three training steps")
    screen.show_panel("inside")
    await pilot.pause()
    assert screen.focused is None  # shown: the app's keys still act
    await pilot.press("enter")  # go into the panel's field
    return screen, screen.panels.inside


async def type_spec(pilot, panel: InsidePanel, spec: str) -> None:
    panel.field.value = ""
    await pilot.press(*spec, "enter")


@pytest.mark.parametrize("size", [(80, 24), pytest.param((120, 40), marks=pytest.mark.slow)])  # wide: slow suite
async def test_typed_intervention_changes_the_prediction_and_a_bad_one_says_why(size):
    app = RnnTuiApp("long-memory", settings=TINY)
    async with app.run_test(size=size) as pilot:
        screen, panel = await open_inside(pilot)
        assert panel.field.has_focus
        # The field offers the Timestep cursor's step (t=1 here) and unit 0.
        assert panel.field.value == "h:0@1..=0"
        # Every unit of h zeroed from step 1 on: the network reads nothing, so its
        # probabilities become those of a constant input: different from the sample's.
        await type_spec(pilot, panel, "h:*@1..=0")
        await wait_for(pilot, lambda: panel.result is not None, 60, "the intervened trace")
        result = panel.result
        # The engine, run on its own on the same weights and sample, says the same.
        model, dataset = engine_model(screen)
        example = dataset.test.select([screen.sample])
        iv = parse_intervention("h:*@1..=0", model)
        expected = trace_intervened(model, dataset, example, [iv]).effects[0]
        effect = result.effects[0]
        np.testing.assert_allclose(effect.after_values, expected.after_values, atol=1e-6)
        assert effect.shift.max() > 0
        shown = str(panel.query_one("#inside-effects").render())
        changed = [t for t in range(len(effect.changed)) if effect.changed[t]]
        for t, (before, after) in enumerate(zip(effect.before, effect.after, strict=True)):
            marker = CHANGED if t in changed else " "
            assert f"{marker}{t + 1:>3}" in shown and f"{before} → {after}" in shown
        meaning = str(panel.query_one("#inside-meaning").render())
        assert "hidden state h, every unit, = 0 at every step" in meaning
        assert changed, "zeroing every unit of h must change some step's answer here"
        summary = str(panel.query_one("#inside-summary").render())
        assert f"the answer changed at {len(changed)} of 20 steps" in summary

        # A spec that does not fit says why in one paragraph, and the old result goes.
        meaning = panel.query_one("#inside-meaning")
        await type_spec(pilot, panel, "h:12@5=0")
        await wait_for(pilot, lambda: "✖" in str(meaning.render()), 60, "the error")
        text = str(meaning.render())
        assert "names unit 12; the rnn has 8 units per layer (0 to 7)" in text
        assert "Traceback" not in text and panel.result is None
        assert str(panel.query_one("#inside-effects").render()).strip() == ""
        await type_spec(pilot, panel, "q:1@1=0")
        await wait_for(pilot, lambda: "row 'q'" in str(meaning.render()), 60, "the row error")


@pytest.mark.parametrize("size", [(80, 24), pytest.param((120, 40), marks=pytest.mark.slow)])  # wide: slow suite
async def test_ablation_ranks_units_and_one_applies_as_an_intervention(size):
    app = RnnTuiApp("long-memory", settings=TINY)
    async with app.run_test(size=size) as pilot:
        screen, panel = await open_inside(pilot)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: panel.ablation is not None, 120, "the ranking")
        ablation = panel.ablation
        assert ablation.complete and len(ablation.ablated) == 8
        assert panel.ranking.option_count == 8
        top = int(ablation.ranking[0])
        first = str(panel.ranking.get_option_at_index(0).prompt)
        assert first.startswith(f"{top:>4}  {ablation.ablated[top]:>8.3g}")
        header = str(panel.query_one("#inside-ablation").render())
        assert f"held-out accuracy {ablation.baseline:.3g}" in header
        # The metric the app shows is the engine's on the same held-out evaluation set.
        from rnn_tui.core.ablation import ablate_units

        model, dataset = engine_model(screen)
        size_ = screen.scenario.training.eval_size
        split = dataset.test.select(range(min(size_, len(dataset.test))))
        expected = ablate_units(model, dataset, split, "accuracy")
        np.testing.assert_allclose(ablation.ablated, expected.ablated)
        # down, enter: "ablate the top unit" runs as an intervention.
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: panel.result is not None, 60, "the ablated trace")
        assert panel.field.value == f"h:{top}@*=0"
        assert panel.result.interventions[0].units == (top,)


async def test_escape_stops_the_ranking(monkeypatch):
    """Deterministic: the ranking is held after its first unit until escape has been
    pressed, so it can neither finish before its progress is drawn nor before the stop."""
    import threading

    from rnn_tui.core import ablation

    first_unit_done, release = threading.Event(), threading.Event()
    real = ablation.ablate_units

    def held(*args, on_progress=None, **kwargs):
        def progress(done: int, total: int) -> None:
            on_progress(done, total)
            if done == 1:
                first_unit_done.set()
                release.wait(timeout=300)  # never hang the run for good if the test fails

        return real(*args, on_progress=progress, **kwargs)

    monkeypatch.setattr(ablation, "ablate_units", held)
    app = RnnTuiApp("long-memory", settings=TINY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            _, panel = await open_inside(pilot)
            status = panel.query_one("#inside-ablation")
            await pilot.press("ctrl+r")
            await wait_for(pilot, first_unit_done.is_set, 120, "the first unit ablated")
            await wait_for(pilot, lambda: "1 of 8 ablated" in str(status.render()), 60, "progress")
            assert panel.ablation is None  # held: still running
            await pilot.press("escape")
            assert panel.ranking_worker.is_cancelled
            release.set()
            await wait_for(pilot, lambda: panel.ablation is not None, 120, "the stopped ranking")
            assert not panel.ablation.complete
            assert "Stopped after 1 of 8 units" in str(status.render())
            assert panel.ranking.option_count == len(panel.ablation.ranking) == 1
    finally:
        release.set()
