"""`python -m rnn_tui` runs the command line."""

from rnn_tui.cli import main

raise SystemExit(main())
