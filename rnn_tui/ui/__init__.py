"""The Textual face of rnn-tui: the app and its widgets (the engine never imports this)."""
