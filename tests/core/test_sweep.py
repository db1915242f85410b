"""Sweeps: parsing --vary/--cells/--seeds, the up-front checks, aggregates, the log-log fit."""

import csv
import io
import json
import math
import multiprocessing
import os
import signal
import threading

import numpy as np
import pytest

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.sweep import (
    SweepPoint,
    SweepResult,
    _sigint_deferred,
    aggregate,
    fit_linear,
    fit_loglog,
    parse_cells,
    parse_seeds,
    parse_vary,
    plan_sweep,
    run_sweep,
)
from rnn_tui.core.sweep_worker import init_worker
from tests.core.fixtures import scenario_for


def point(value=10, cell="lstm", seed=0, metric=0.5, reached=False, diverged=None, step=0.01, forward=0.001, t=None):
    return SweepPoint(value=value, cell=cell, seed=seed, timesteps=t if t is not None else value, metric=metric,
                      reached=reached, diverged=diverged, steps=100, seconds_per_step=step,
                      seconds_per_forward=forward, held_out=500, seconds=2.0, chance=0.25)


# -- parsing ----------------------------------------------------------------------------
def test_vary_values_are_read_as_toml_like_set():
    assert parse_vary("data.params.seq_len=5,10, 20") == ("data.params.seq_len", (5, 10, 20))
    assert parse_vary("model.recurrent_init_scale=0.5,3") == ("model.recurrent_init_scale", (0.5, 3))
    assert parse_vary("training.clip=true,false") == ("training.clip", (True, False))
    assert parse_vary("model.nonlinearity=tanh,relu") == ("model.nonlinearity", ("tanh", "relu"))


@pytest.mark.parametrize(("text", "message"), [
    ("data.params.seq_len", "expected KEY=VALUE"),
    ("=5,10", "expected KEY=VALUE"),
    ("data.params.seq_len=", "expected KEY=VALUE"),
    ("data.params.seq_len=5,,10", "empty value"),
    ("data.params.seq_len=5,10,5", "5 is given twice"),
])
def test_bad_vary_specs_are_one_paragraph_errors(text, message):
    with pytest.raises(RnnTuiError, match=message):
        parse_vary(text)


def test_cells_and_seeds():
    assert parse_cells("rnn,lstm,gru") == ("rnn", "lstm", "gru")
    assert parse_seeds("0, 1,2") == (0, 1, 2)
    with pytest.raises(RnnTuiError, match="'transformer' is not a cell; allowed: rnn, lstm, gru"):
        parse_cells("rnn,transformer")
    with pytest.raises(RnnTuiError, match="lstm is given twice"):
        parse_cells("lstm,lstm")
    for bad in ("0,-1", "0,x", "", "0,2147483648"):
        with pytest.raises(RnnTuiError, match="is not a seed"):
            parse_seeds(bad)
    with pytest.raises(RnnTuiError, match="1 is given twice"):
        parse_seeds("1,1")


# -- the plan: every run checked before any trains ----------------------------------------
def test_plan_has_every_combination_in_order():
    scenario = load_scenario("long-memory")
    plan = plan_sweep(scenario, "data.params.seq_len", (5, 10), ("rnn", "gru"), (0, 1))
    assert [(r.value, r.cell, r.seed) for r in plan.runs] == [
        (5, "rnn", 0), (5, "rnn", 1), (5, "gru", 0), (5, "gru", 1),
        (10, "rnn", 0), (10, "rnn", 1), (10, "gru", 0), (10, "gru", 1)]
    run = plan.runs[-1]
    assert run.scenario.data.params["seq_len"] == 10 and run.scenario.model.cell == "gru"
    assert run.scenario.training.seed == 1 and run.steps == scenario.training.steps == 600
    assert plan.metric == "accuracy" and plan.target == 0.95 and plan.total_steps == 8 * 600
    # Defaults: the scenario's own cell and seed; --steps for every run.
    plan = plan_sweep(scenario, "model.hidden_size", (8, 16), steps=7)
    assert [(r.cell, r.seed, r.steps) for r in plan.runs] == [("lstm", 0, 7)] * 2


@pytest.mark.parametrize(("key", "values", "message"), [
    # A scenario setting out of range: named with the flag, key, value and what is allowed.
    ("data.params.seq_len", (5, 1), r"--vary data.params.seq_len=1: .*long-memory.toml: data.params.seq_len .*= 1: input should be greater than or equal to 2"),
    ("model.hidden_size", (8, 2000), r"--vary model.hidden_size=2000: .*less than or equal to 1024"),
    ("model.nonlinearity", ("tanh", "sigmoid"), r"model.nonlinearity = 'sigmoid': not allowed"),
    # A data param no generator knows: caught by the data check, not by the scenario model.
    ("data.params.seqlen", (5,), r"--vary data.params.seqlen=5: .*data.params.seqlen .*is not a known key"),
    # Too much data to build, refused without building it.
    ("data.params.n_train", (4000, 100_000), r"--vary data.params.n_train=100000: .*timesteps"),
    ("no.such.key", (1,), r"--vary no.such.key: no such setting"),
    ("model.cell", ("rnn",), r"use --cells instead"),
    ("training.seed", (1,), r"use --seeds instead"),
])
def test_a_bad_value_is_an_error_before_any_training(key, values, message):
    with pytest.raises(RnnTuiError, match=message):
        plan_sweep(load_scenario("long-memory"), key, values, ("rnn", "lstm"), (0, 1))


def test_varying_steps_and_giving_steps_conflict():
    with pytest.raises(RnnTuiError, match="give one of them"):
        plan_sweep(load_scenario("long-memory"), "training.steps", (10, 20), steps=5)


# -- results ----------------------------------------------------------------------------
def test_aggregate_mean_range_counts_and_median_timing():
    group = [point(seed=0, metric=0.25, step=0.010, forward=0.004),
             point(seed=1, metric=1.00, reached=True, step=0.030, forward=0.001),
             point(seed=2, metric=0.75, diverged="loss is nan at step 3", step=0.020, forward=0.002)]
    result = aggregate(group)
    assert result.seeds == 3 and result.reached == 1 and result.diverged == 1
    assert result.metric_mean == pytest.approx(2 / 3) and (result.metric_min, result.metric_max) == (0.25, 1.0)
    assert result.seconds_per_step == 0.020 and result.seconds_per_forward == 0.002


def test_aggregate_leaves_a_nan_metric_out_of_the_mean():
    result = aggregate([point(seed=0, metric=math.nan), point(seed=1, metric=0.5)])
    assert result.metric_mean == 0.5 and result.seeds == 2


def sweep_result(points, interrupted=False):
    plan = plan_sweep(load_scenario("long-memory"), "data.params.seq_len", (10, 100), ("rnn", "lstm"), (0, 1), steps=5)
    return SweepResult(plan, tuple(points), interrupted)


def test_aggregates_follow_the_plan_and_skip_what_did_not_run():
    result = sweep_result([point(100, "lstm", 0, 1.0, True), point(10, "rnn", 0, 0.3), point(10, "rnn", 1, 0.5)])
    rows = [(a.value, a.cell, a.seeds, a.metric_mean) for a in result.aggregates()]
    assert rows == [(10, "rnn", 2, pytest.approx(0.4)), (100, "lstm", 1, 1.0)]
    assert result.chance == 0.25 and result.chance_label == "chance"


def test_json_and_csv_hold_every_point_and_stay_standard():
    points = [point(10, "rnn", 0, math.nan, diverged="loss is nan"), point(100, "rnn", 0, 0.3, t=100),
              point(10, "lstm", 0, 0.9), point(100, "lstm", 0, 1.0, True)]
    result = sweep_result(points, interrupted=True)
    data = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert data["interrupted"] is True and data["runs_planned"] == 8 and len(data["points"]) == 4
    assert data["points"][0]["metric"] == "nan" and data["points"][0]["diverged"] == "loss is nan"
    assert data["goal"] == {"metric": "accuracy", "target": 0.95, "higher_is_better": True}
    assert data["chance"] == {"label": "chance", "value": 0.25}
    assert data["timing"]["step"]["rnn"]["points"] == 2
    assert data["timing_linear"]["forward"]["lstm"]["per_timestep"] == pytest.approx(0.0)
    rows = list(csv.DictReader(io.StringIO(result.to_csv())))
    assert len(rows) == 4 and rows[3]["data.params.seq_len"] == "100" and rows[3]["reached"] == "True"
    assert rows[0]["diverged"] == "loss is nan" and rows[1]["diverged"] == ""


# -- the cost of time: the log-log slope --------------------------------------------------
def test_fit_recovers_a_power_law():
    t = np.array([10, 20, 50, 100, 200])
    fit = fit_loglog(t, 3e-5 * t**1.0)
    assert fit.slope == pytest.approx(1.0) and fit.r_squared == pytest.approx(1.0) and fit.points == 5
    assert fit.seconds_at(400) == pytest.approx(3e-5 * 400)
    noisy = 2e-4 * t**0.6 * np.array([1.05, 0.95, 1.02, 0.97, 1.01])
    fit = fit_loglog(np.repeat(t, 1), noisy)
    assert fit.slope == pytest.approx(0.6, abs=0.05) and 0.95 < fit.r_squared < 1.0


def test_a_fixed_cost_per_step_bends_the_loglog_slope_below_one_and_the_line_fit_splits_it():
    t = np.array([10, 20, 50, 100, 200])
    seconds = 0.003 + 0.0002 * t  # 3 ms per step, 0.2 ms per timestep
    line = fit_linear(t, seconds)
    assert line.fixed == pytest.approx(0.003) and line.per_timestep == pytest.approx(0.0002)
    assert line.r_squared == pytest.approx(1.0) and line.points == 5
    assert 0.6 < fit_loglog(t, seconds).slope < 0.9
    assert fit_linear([5, 5], [1.0, 2.0]) is None


def test_fit_needs_two_lengths_and_skips_nonpositive_times():
    assert fit_loglog([50, 50, 50], [1e-3, 2e-3, 3e-3]) is None
    assert fit_loglog([10, 100, 1000], [1e-3, 0.0, math.nan]) is None
    assert fit_loglog([10, 100, 1000], [1e-3, 1e-2, math.nan]).slope == pytest.approx(1.0)


def test_timing_fits_and_series_per_cell_use_timesteps():
    points = [point(v, c, s, step=k * 1e-4 * v, t=v) for v in (10, 100) for c, k in (("rnn", 1), ("lstm", 3))
              for s in (0, 1)]
    result = sweep_result(points)
    fits = result.timing_fits("step")
    assert fits["rnn"].slope == pytest.approx(1.0) and fits["lstm"].slope == pytest.approx(1.0)
    assert fits["lstm"].intercept - fits["rnn"].intercept == pytest.approx(math.log10(3))
    ts, seconds = result.timing_series("step")["lstm"]
    assert ts.tolist() == [10, 100] and seconds == pytest.approx([3e-3, 3e-2])


# -- running (ctrl+c: tests/cli/test_sweep_cli.py) ------------------------------------------------
def tiny_plan(tmp_path):
    scenario, _ = scenario_for(tmp_path, "seq2vec")
    return plan_sweep(scenario, "model.hidden_size", (2, 3), ("rnn",), (0,), steps=2)


def test_an_error_in_a_worker_stops_the_pool_and_is_raised(tmp_path):
    plan = tiny_plan(tmp_path)
    (tmp_path / "label.tsv").unlink()  # the file check_data does not read: the workers find it gone
    with pytest.raises(RnnTuiError, match="no such file"):
        run_sweep(plan, workers=1)
    assert multiprocessing.active_children() == []



def test_a_stop_event_ends_the_pool_at_once(tmp_path):
    stop = threading.Event()
    stop.set()  # as a UI's stop button, before any run finished
    result = run_sweep(tiny_plan(tmp_path), workers=1, stop=stop)
    assert result.interrupted and result.points == ()
    assert multiprocessing.active_children() == []


def test_a_ctrl_c_while_the_pool_starts_is_noted_not_raised():
    previous = signal.getsignal(signal.SIGINT)
    with _sigint_deferred() as deferred:
        os.kill(os.getpid(), signal.SIGINT)  # arrives while the pool is being built
        for _ in range(10_000):  # the handler runs at a bytecode boundary in this thread
            if deferred.received:
                break
    assert deferred.received  # run_sweep raises it once the pool can be ended
    assert signal.getsignal(signal.SIGINT) is previous


def test_a_worker_ignores_ctrl_c_so_the_parent_alone_ends_the_pool():
    previous = signal.getsignal(signal.SIGINT)
    with _sigint_deferred():  # as the parent starts its workers: SIGINT blocked
        try:
            init_worker(None)
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
        finally:
            signal.signal(signal.SIGINT, previous)
