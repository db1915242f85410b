"""Display widgets for rnn-tui: numpy in, pixels out; no training logic here."""

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
