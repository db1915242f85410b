"""Tests for rnn_tui.ui.widgets."""
