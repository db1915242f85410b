"""The sweep chart places each swept value apart, even 0 and False (equal as dict keys)."""

from __future__ import annotations

import numpy as np

from rnn_tui.core.sweep import SweepPlan, SweepPoint, SweepResult, SweepRun
from rnn_tui.ui.widgets.sweep_chart import SweepChart


def test_zero_and_false_are_two_places(monkeypatch):
    values = (False, 0)
    plan = SweepPlan("long-memory", "training.clip", values, ("rnn",), (0,), "accuracy", 0.95,
                     tuple(SweepRun(i, v, "rnn", 0, 5) for i, v in enumerate(values)))
    points = tuple(SweepPoint(v, "rnn", 0, 10, metric, False, None, 5, 0.01, 0.001, 20, 1.5, 0.25)
                   for v, metric in zip(values, (0.2, 0.8), strict=True))
    chart = SweepChart()
    chart.result = SweepResult(plan, points)
    monkeypatch.setattr(SweepChart, "plot_width", property(lambda self: 40))
    drawn: list[tuple[list[float], list[float]]] = []
    monkeypatch.setattr(chart, "hline", lambda *args, **kwargs: None)
    monkeypatch.setattr(chart, "markers", lambda *args, **kwargs: None)
    monkeypatch.setattr(chart, "line", lambda x, y, *args, **kwargs: drawn.append((list(x), list(y))))
    chart._draw()
    xs = {y: x for x_row, y_row in drawn for x, y in zip(x_row, y_row, strict=True)}
    assert np.isclose(xs[0.2], 1.0) and np.isclose(xs[0.8], 2.0), drawn
