"""The main screen's panels: setup, timestep, training, try it, compare, and the status line."""
