"""Display widgets for rnn-tui: numpy in, pixels out; no training logic here.

Names are imported from their modules on first use (PEP 562): importing one light widget
(the unrolled network, the banner) for the first screen does not import numpy and the
chart library with the others (about 0.6 s here).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rnn_tui.ui.widgets.banner import Banner
    from rnn_tui.ui.widgets.chart_base import HistoryChart
    from rnn_tui.ui.widgets.compare_chart import CompareChart
    from rnn_tui.ui.widgets.equation_view import EquationView
    from rnn_tui.ui.widgets.grad_norm_chart import GradNormChart
    from rnn_tui.ui.widgets.grad_time_chart import GradThroughTimeChart
    from rnn_tui.ui.widgets.heatmap import HiddenHeatmap
    from rnn_tui.ui.widgets.history import BoundedHistory
    from rnn_tui.ui.widgets.image_view import ImageView
    from rnn_tui.ui.widgets.loss_chart import LossChart
    from rnn_tui.ui.widgets.metric_chart import MetricChart
    from rnn_tui.ui.widgets.sequence_strip import SequenceStrip
    from rnn_tui.ui.widgets.vector_bars import BarRow, VectorBars

MODULE_OF = {
    "Banner": "banner",
    "BarRow": "vector_bars",
    "BoundedHistory": "history",
    "CompareChart": "compare_chart",
    "EquationView": "equation_view",
    "GradNormChart": "grad_norm_chart",
    "GradThroughTimeChart": "grad_time_chart",
    "HiddenHeatmap": "heatmap",
    "HistoryChart": "chart_base",
    "ImageView": "image_view",
    "LossChart": "loss_chart",
    "MetricChart": "metric_chart",
    "SequenceStrip": "sequence_strip",
    "VectorBars": "vector_bars",
}

__all__ = [
    "Banner",
    "BarRow",
    "BoundedHistory",
    "CompareChart",
    "EquationView",
    "GradNormChart",
    "GradThroughTimeChart",
    "HiddenHeatmap",
    "HistoryChart",
    "ImageView",
    "LossChart",
    "MetricChart",
    "SequenceStrip",
    "VectorBars",
]


def __getattr__(name: str) -> Any:
    module = MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found directly next time
    return value
