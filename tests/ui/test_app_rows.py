"""What the timestep panel draws, from a real trace: bars, strip rows, equation numbers."""

from __future__ import annotations

import numpy as np
import torch

from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.topologies import build_model
from rnn_tui.core.trace import trace_example
from rnn_tui.ui.panels.step_rows import bar_rows, equation_summary, relative_gradient, strip_rows


def traced(name: str, changes: dict | None = None):
    scenario = load_scenario(name)
    if changes:
        scenario = scenario.with_changes(changes)
    dataset = build_dataset(scenario)
    torch.manual_seed(0)
    model = build_model(scenario.topology, scenario.model, dataset)
    return trace_example(model, dataset, dataset.test.select([0]), name)


def test_lstm_rows_follow_the_trace_in_pytorch_gate_order():
    trace = traced("sine-waves", {"model.cell": "lstm"})
    part = trace.part("rnn")
    rows = bar_rows(trace, part, 5, 0)
    assert [r.label for r in rows] == [
        "x_t",
        "h_t-1",
        "c_t-1",
        "i",
        "f",
        "g",
        "o",
        "c_t",
        "h_t",
        "∂L/∂h",
    ]
    values = {r.label: r.values for r in rows}
    np.testing.assert_array_equal(values["h_t-1"], part.h[4, 0])
    np.testing.assert_array_equal(values["h_t"], part.h[5, 0])
    np.testing.assert_array_equal(values["c_t"], part.c[5, 0])
    assert {r.label: r.kind for r in rows}["f"] == "gate"
    assert set(equation_summary(trace, part, 5, 0)) == {"i", "f", "g", "o", "c", "h"}


def test_relative_gradient_is_scaled_to_the_largest_step():
    trace = traced("sine-waves", {"model.cell": "rnn"})
    part = trace.part("rnn")
    scaled = np.stack([relative_gradient(part, t, 0) for t in range(part.seq_len)])
    assert np.abs(scaled).max() == 1.0
    t = part.seq_len // 2
    ratio = part.grad_h[t, 0] / np.abs(part.grad_h[:, 0]).max()
    np.testing.assert_allclose(scaled[t], ratio)


def test_series_rows_are_numbers_and_class_rows_are_short():
    trace = traced("sine-waves")
    rows, compare = strip_rows(trace, trace.part("rnn"))
    assert [label for label, _ in rows] == ["input", "target", "output"] and compare is None
    assert all(isinstance(values, np.ndarray) for _, values in rows)

    trace = traced("sentiment")
    rows, _ = strip_rows(trace, trace.part("rnn"))
    assert rows[0][0] == "input" and rows[1][0] == "so far"
    assert all(len(text) <= 6 for text in rows[1][1])


def test_decoder_rows_compare_target_and_output():
    trace = traced("translation")
    decoder = trace.part("decoder")
    rows, compare = strip_rows(trace, decoder)
    assert [label for label, _ in rows] == ["reads", "target", "output"] and compare == (1, 2)
    assert rows[0][1][0] == "<bos>" and rows[1][1][-1] == "<eos>"
    assert len(rows[1][1]) == decoder.seq_len


def test_try_input_continues_a_series_and_decodes_typed_text_freely():
    from rnn_tui.core.inference import CONTINUE_STEPS
    from rnn_tui.ui.mirror import Mirror

    series = Mirror(load_scenario("sine-waves")).try_input("0.1 0.5 0.9 0.7 0.2")
    continued = series.answer.split("continued: ")[1].split()
    assert len(continued) == CONTINUE_STEPS and all(np.isfinite(float(v)) for v in continued)
    assert series.trace.part("rnn").labels == ["0.1", "0.5", "0.9", "0.7", "0.2"]

    mirror = Mirror(load_scenario("translation"))
    result = mirror.try_input("the wolf sees the big bird")
    decoder = result.trace.part("decoder")
    # The decoder reads <bos>, then the words it wrote itself.
    written = result.answer.split()
    assert (
        decoder.labels[0] == "<bos>"
        and decoder.labels[1 : 1 + len(written)] == written[: decoder.seq_len - 1]
    )
