"""A CSV series is scored on exactly the values after the cut, each once, beside baselines over the same values."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from rnn_tui.core.data import series_checks
from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.metrics import persistence_rmse, rmse, scored_targets
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.topologies import build_model
from rnn_tui.core.training import Trainer

SCENARIO = '''name = "monthly"
title = "Monthly"
use_case = "test"
summary = "test"
topology = "seq2seq"

[data]
file = "{file}"

[data.params]
column = "sales"
{params}

[model]
cell = "gru"
hidden_size = 8

[training]
steps = 3
eval_every = 2
eval_size = 20
probe_every = 2

[goal]
metric = "{metric}"
target = 1.0
'''


def monthly(rows: int = 144) -> np.ndarray:
    """A trend, a yearly season and noise: positive, like monthly sales."""
    t = np.arange(rows)
    rng = np.random.default_rng(1)
    return np.round(200 + 0.2 * t + 30 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, rows), 6)  # as written


def write(tmp_path, values, params="seq_len = 24", metric="rmse_ratio", file="sales.csv", data_name=None):
    text = "month,sales\n" + "".join(f"{i},{v}\n" if isinstance(v, str) else f"{i},{v:.6f}\n" for i, v in enumerate(values))
    (tmp_path / (data_name or file)).write_text(text, encoding="utf-8")
    path = tmp_path / "monthly.toml"
    path.write_text(SCENARIO.format(file=file, params=params, metric=metric), encoding="utf-8")
    return load_scenario(path)


def levels(dataset, array) -> np.ndarray:
    """Windows back in the column's units (anchor = "none": value = x * scale + offset)."""
    return array.double().numpy()[..., 0] * dataset.scale + dataset.offset


@pytest.mark.parametrize("stride", [1, 5, 24, 30])
def test_held_out_scores_every_value_after_the_cut_exactly_once(tmp_path, stride):
    values = monthly()  # the case: 144 months, seq_len 24, train_fraction 0.75
    dataset = build_dataset(write(tmp_path, values, f'seq_len = 24\nstride = {stride}\nanchor = "none"'))
    cut = 108
    test = dataset.test
    scored = levels(dataset, test.targets)[test.mask.numpy()]
    np.testing.assert_allclose(scored, values[cut:], rtol=1e-5)  # in order, none twice, none missed
    assert scored_targets(test, "series") == len(values) - cut == 36
    # Context: with stride 1 each value is read after exactly the 24 values before it.
    if stride == 1:
        np.testing.assert_allclose(levels(dataset, test.inputs)[:, -1], values[cut - 1 : -1], rtol=1e-5)
        np.testing.assert_allclose(levels(dataset, test.inputs)[:, 0], values[cut - 24 : -24], rtol=1e-5)
    # At least seq_len - stride + 1 values of context before every scored value.
    first_scored = test.mask.int().argmax(1)
    assert int(first_scored.min()) >= 24 - min(stride, 24)
    # Training targets all lie before the cut.
    assert levels(dataset, dataset.train.targets).max() <= values[:cut].max() + 1e-3
    train_targets = set(np.round(levels(dataset, dataset.train.targets).ravel(), 3))
    assert not train_targets & set(np.round(values[cut:], 3))


def test_anchored_windows_score_the_same_values(tmp_path):
    values = monthly()
    dataset = build_dataset(write(tmp_path, values))  # anchor = "window", the default
    test = dataset.test
    anchors = test.scales.view(-1, 1).numpy()
    in_units = (test.targets.double().numpy()[..., 0] * dataset.scale + 1) * anchors
    np.testing.assert_allclose(in_units[test.mask.numpy()], values[108:], rtol=1e-5)


def test_baselines_are_over_exactly_the_scored_values(tmp_path):
    values = monthly()
    dataset = build_dataset(write(tmp_path, values, "seq_len = 24\nseason = 12"))
    cut = 108
    persistence = math.sqrt(np.mean((values[cut:] - values[cut - 1 : -1]) ** 2))
    seasonal = math.sqrt(np.mean((values[cut:] - values[cut - 12 : -12]) ** 2))
    assert dataset.baselines["persistence_rmse"] == pytest.approx(persistence, rel=1e-9)
    assert dataset.baselines["seasonal_naive_rmse"] == pytest.approx(seasonal, rel=1e-9)
    # The rmse_ratio's denominator, from the held-out windows, is the same number.
    assert persistence_rmse(dataset.test, dataset.scale) == pytest.approx(persistence, rel=1e-5)
    assert seasonal < persistence  # a yearly season: last year's month beats last month


def test_seasonal_naive_is_exact_on_a_purely_seasonal_series(tmp_path):
    values = [100 + (i % 7) for i in range(80)]
    dataset = build_dataset(write(tmp_path, values, "seq_len = 5\nseason = 7"))
    assert dataset.baselines["seasonal_naive_rmse"] == 0.0
    assert dataset.baselines["persistence_rmse"] > 1


def test_no_seasonal_baseline_unless_asked(tmp_path):
    assert "seasonal_naive_rmse" not in build_dataset(write(tmp_path, monthly())).baselines


def test_season_longer_than_the_training_rows_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="season = 200 is longer than the 108 training rows"):
        build_dataset(write(tmp_path, monthly(), "seq_len = 24\nseason = 200"))


def test_held_out_loss_and_rmse_count_only_the_scored_steps(tmp_path):
    scenario = write(tmp_path, monthly(), 'seq_len = 24\nanchor = "none"', metric="rmse")
    dataset = build_dataset(scenario)
    model = build_model("seq2seq", scenario.model, dataset)
    test = dataset.test
    predicted = model.predict(test)
    mask = test.mask
    expected_loss = torch.nn.functional.mse_loss(predicted[mask], test.targets[mask])
    assert float(model.forward_loss(test).loss.detach()) == pytest.approx(float(expected_loss), rel=1e-6)
    errors = (predicted[mask] - test.targets[mask]).double() * dataset.scale
    assert rmse(predicted, test, dataset.scale) == pytest.approx(float(errors.pow(2).mean().sqrt()), rel=1e-9)


def test_the_trainer_reports_how_many_values_a_score_is_over(tmp_path):
    trainer = Trainer(write(tmp_path, monthly(), "seq_len = 24"))
    summary = trainer.run()
    assert summary.final.targets == 36 and summary.final.examples == 36
    assert summary.final.rmse is not None and math.isfinite(summary.final.rmse)
    ratio = summary.final.rmse / persistence_rmse(trainer.dataset.test, trainer.dataset.scale)
    assert summary.final.metric == pytest.approx(ratio, rel=1e-9)
    assert trainer.evaluate().targets == 20  # the periodic evaluation subset: eval_size windows


def test_rows_needed_is_exact(tmp_path):
    needed = series_checks.rows_needed(24, 0.75)
    build_dataset(write(tmp_path, monthly(needed)))
    with pytest.raises(ScenarioError, match=f"has {needed - 1} values .* at least {needed} are needed"):
        build_dataset(write(tmp_path, monthly(needed - 1)))


@pytest.mark.parametrize(("row", "anchor"), [(50, "none"), (130, "none"), (50, "window"), (130, "window")])
def test_a_value_too_large_to_compute_with_is_refused_by_row(tmp_path, row, anchor):
    values = [f"{v:.6f}" for v in monthly()]
    values[row] = "1e308"
    with pytest.raises(ScenarioError) as caught:
        build_dataset(write(tmp_path, values, f'seq_len = 24\nanchor = "{anchor}"'))
    message = str(caught.value)
    for word in ("sales.csv", "column 'sales'", f"line {row + 2}", "'1e308'", "too large"):
        assert word in message, message


def test_large_values_in_sane_units_are_fine(tmp_path):
    values = monthly() * 1e100  # odd units, but every statistic stays finite
    dataset = build_dataset(write(tmp_path, values, 'seq_len = 24\nanchor = "none"'))
    assert math.isfinite(dataset.baselines["persistence_rmse"]) and dataset.baselines["persistence_rmse"] > 1e100


def test_a_constant_column_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match=r"sales.csv.*column 'sales' is constant \(every value is 5\)"):
        build_dataset(write(tmp_path, [5.0] * 144))


def test_constant_held_out_values_are_refused(tmp_path):
    values = list(monthly()[:108]) + [300.0] * 36
    values[107] = 300.0  # persistence would be exact on every held-out value
    with pytest.raises(ScenarioError, match="constant over the 36 held-out rows .* persistence predicts them exactly"):
        build_dataset(write(tmp_path, values))


def test_constant_training_values_are_refused(tmp_path):
    values = [300.0] * 108 + list(monthly()[108:])
    with pytest.raises(ScenarioError, match="constant over the 108 training rows"):
        build_dataset(write(tmp_path, values))


def test_a_symlink_takes_its_type_from_the_name_written(tmp_path):
    scenario = write(tmp_path, monthly(), file="data.csv", data_name="sales-export")  # no suffix
    (tmp_path / "data.csv").symlink_to(tmp_path / "sales-export")
    dataset = build_dataset(scenario)
    assert dataset.name == "data:sales" and len(dataset.test) == 36
