"""UnrolledNetwork: one column per step around the cursor, per topology, from a scenario or a trace."""

from __future__ import annotations

import functools

import pytest

from rnn_tui.core.scenario import load_scenario
from rnn_tui.ui.widgets.unrolled import UnrolledNetwork
from rnn_tui.ui.widgets.unrolled_plan import plan_from_scenario, plan_from_trace, short_output
from tests.ui.test_app_rows import traced as build_trace

SIDE = 41  # beside the bars, under the equations, on an 80-column screen


@functools.cache
def traced(name: str):
    """One trace per scenario for the whole module: building the data takes seconds."""
    return build_trace(name)


def rows(widget: UnrolledNetwork) -> list[str]:
    height = 5 if widget.compact else 6
    return [widget.render_line(y).text for y in range(height)]


def box_centres(widget: UnrolledNetwork) -> list[int]:
    box = len(widget.plan.box) + 2
    return [column.box + box // 2 for column in widget._columns]


def arrows(widget: UnrolledNetwork) -> tuple[list[bool], list[bool]]:
    """Per shown column: does an output leave its top edge, an input enter its bottom?"""
    lines = rows(widget)
    top, bottom = lines[-4], lines[-2]
    centres = box_centres(widget)
    return [top[c] == "↑" for c in centres], [bottom[c] == "↑" for c in centres]


def test_plans_from_a_scenario_follow_the_topology():
    seq2seq = plan_from_scenario(load_scenario("sine-waves"))
    assert all(s.x and s.y for s in seq2seq.steps) and len(seq2seq.steps) == 60
    seq2vec = plan_from_scenario(load_scenario("sentiment"))
    assert [s.y is not None for s in seq2vec.steps] == [False] * 63 + [True]
    assert seq2vec.pinned == (63,)  # the lone output stays in view
    vec2seq = plan_from_scenario(load_scenario("captioning"))
    assert vec2seq.start == "x" and vec2seq.open_end
    assert vec2seq.steps[0].x == "<bos>" and all(s.y for s in vec2seq.steps)
    encdec = plan_from_scenario(load_scenario("translation"))
    parts = [s.part for s in encdec.steps]
    assert parts == ["encoder"] * 10 + ["decoder"] * len(parts[10:])
    assert all(s.y is None for s in encdec.steps[:10]) and all(s.y for s in encdec.steps[10:])
    assert encdec.pinned == (9, 10)  # the hand-over from encoder to decoder
    assert all(plan.symbolic for plan in (seq2seq, seq2vec, vec2seq, encdec))


@pytest.mark.asyncio
@pytest.mark.parametrize("width", [SIDE, 80, 120])
@pytest.mark.parametrize("name", ["sine-waves", "sentiment", "captioning", "translation"])
async def test_drawn_from_a_scenario_alone(host, name, width):
    """Before any trace (the engine still loading): the topology's inputs and outputs."""
    widget = UnrolledNetwork()
    async with host(widget).run_test(size=(width, 8)) as pilot:
        scenario = load_scenario(name)
        widget.show_scenario(scenario)
        await pilot.pause()
        lines = rows(widget)
        assert all(len(line) <= width for line in lines)
        shown = widget.shown_steps
        outputs, inputs = arrows(widget)
        assert outputs == [s.y is not None for s in shown]
        assert inputs == [s.x is not None for s in shown]
        assert "┏" not in "".join(lines)  # no cursor yet
        assert lines[3].startswith("x─▶" if name == "captioning" else "h_0─▶")
        if name == "sentiment":
            assert shown[-1].y == "y" and shown[-1].t == 63  # the one output, at the end
            assert "…" in lines[3]  # the steps between are left out, and said so
        if name == "translation":
            assert {s.part for s in shown} == {"encoder", "decoder"}
            assert "═" in lines[3]  # the encoder's final state handed to the decoder
        if name == "sine-waves":
            assert "x_1" in lines[5] and "y_1" in lines[1]


@pytest.mark.asyncio
@pytest.mark.parametrize("width", [SIDE, 80, 120])
@pytest.mark.parametrize("name", ["sine-waves", "sentiment", "captioning", "translation"])
async def test_trace_columns_and_the_cursor(host, name, width):
    trace = traced(name)
    plan = plan_from_trace(trace)
    flat = [(part, t) for part in trace.parts for t in range(part.seq_len)]
    widget = UnrolledNetwork()
    async with host(widget).run_test(size=(width, 8)) as pilot:
        for cursor in sorted({0, 2, len(flat) // 2, len(flat) - 1}):
            widget.show_trace(trace, cursor)
            await pilot.pause()
            lines = rows(widget)
            shown = widget.shown_steps
            assert plan.steps[cursor] in shown  # the cursor's step is always drawn
            outputs, inputs = arrows(widget)
            assert inputs == [True] * len(shown)  # every step reads something
            assert outputs == [s.y is not None for s in shown]
            for step in shown:
                part = trace.part(step.part)
                if name == "sentiment":  # seq2vec: an output at the end only
                    assert (step.y is not None) == (step.t == part.seq_len - 1)
                if step.part == "encoder":
                    assert step.y is None
            # The cursor's cell in heavy lines, its input and output in full, reversed.
            column = next(c for c in widget._columns if c.step == cursor)
            assert lines[2][column.box] == "┏" and "".join(lines).count("┏") == 1
            part, t = flat[cursor]
            reversed_text = [
                s.text for s in widget.render_line(5) if s.style and s.style.reverse
            ]
            assert reversed_text == [plan.steps[cursor].x]
            assert f"t={t + 1}" in lines[0]
            # Steps left out between two boxes are marked, even on the named arrow.
            box = len(plan.box) + 2
            for a, b in zip(widget._columns, widget._columns[1:], strict=False):
                between = lines[3][a.box + box : b.box]
                assert ("…" in between) == (b.step != a.step + 1), (between, a, b)
            # No "…" standing for one lone step: such a step is drawn instead.
            indices = [c.step for c in widget._columns]
            assert all(b - a != 2 for a, b in zip(indices, indices[1:], strict=False))
            assert all(len(line) <= width for line in lines)


@pytest.mark.asyncio
async def test_state_named_on_the_cursors_arrow_and_compact_drops_the_ruler(host):
    trace = traced("sine-waves")  # an LSTM: h and c carried
    widget = UnrolledNetwork()
    async with host(widget).run_test(size=(80, 8)) as pilot:
        widget.show_trace(trace, 4)
        await pilot.pause()
        lines = rows(widget)
        assert "h_5" in lines[3] and "c_5" in lines[2]
        widget.compact = True
        await pilot.pause()
        assert widget.size.height == 5 and rows(widget)[0] == lines[1]


def test_trace_plan_uses_the_real_inputs_and_outputs():
    trace = traced("translation")
    plan = plan_from_trace(trace)
    encoder, decoder = trace.part("encoder"), trace.part("decoder")
    assert [s.x for s in plan.steps[: encoder.seq_len]] == encoder.labels
    assert [s.y for s in plan.steps[encoder.seq_len :]] == decoder.outputs
    assert plan.start == "h_0" and not plan.symbolic
    trace = traced("sentiment")
    plan = plan_from_trace(trace)
    assert plan.steps[-1].y == short_output(trace.part("rnn").outputs[-1])
    assert all(step.y is None for step in plan.steps[:-1])  # so-far guesses are not outputs
    assert plan_from_trace(traced("captioning"), "picture").start == "picture"


@pytest.mark.asyncio
async def test_a_long_trace_is_laid_out_from_the_steps_near_the_cursor_only(host):
    """A frame looked at every step's label: 600 ms for 1,000 steps on each key press."""
    from rnn_tui.ui.widgets.unrolled_plan import UnrolledPlan, UnrolledStep

    steps = tuple(UnrolledStep("rnn", t, f"{t / 7:.3g}", f"{t / 9:.3g}") for t in range(5000))
    widget = UnrolledNetwork()
    async with host(widget).run_test(size=(120, 8)) as pilot:
        asked = []
        original = widget._width_of
        widget._width_of = lambda index, lead=False: asked.append(index) or original(index, lead)
        widget.show_plan(UnrolledPlan("lstm", steps, "h_0", pinned=(4999,)), 2500)
        await pilot.pause()
        assert 2500 in [s.t for s in widget.shown_steps] and len(asked) < 100
