"""Help text of the Inside, Map and Sweep panels, apart from the panels (which import torch)."""

INSIDE_HELP = """\
- **Inside**: set part of the network by hand and watch the rest of the sequence re-run.
  Type an intervention `[PART.][layerN.]ROW:UNITS@STEPS=VALUE` and press enter: ROW is h,
  c (LSTM) or a gate (LSTM i f g o, GRU r z n); units count from 0, steps and layers from
  1. `h:12@5=0` sets unit 12 of h to 0 after step 5, `h:12@5..=0` clamps it from step 5
  to the end, `h:12@*=0` ablates it, `f:*@2=0` closes every forget gate at t=2, `z:3@1..=1`
  holds a GRU's update gate open. The field starts with the Timestep cursor's step.
  It runs on the shown held-out sample under the current weights; the table lists every
  step's prediction before → after, ✱ where the answer changed. **ctrl+r** ranks units by
  ablation: each unit of h set to 0 at every step in turn, on the held-out evaluation
  set, most harmful first (then by the rise of the loss); escape stops it; ↓ then enter
  on a unit applies "ablate unit N" here.
"""

MAP_HELP = """\
- **Map**: the hidden states h_t of 128 held-out examples projected onto their first two
  principal components (PCA: the two directions along which the states vary most; each
  axis says what share of the variance it shows). Each line is one example's trajectory
  h_1 ... h_T, coloured by its class (or, for words and values, grey); the markers show
  where every example is at the Timestep cursor's step t (left/right move it), one glyph
  per class, named in the legend. "separation" is the scatter between
  the classes' centres over the scatter within each class, at each example's last step
  (where a classifier reads): near 0 the classes overlap, above 1 they sit apart. Trained on sentiment, reviews drift to two ends; an
  LSTM on long-memory holds its four letters apart to the end, a vanilla RNN smears them.
  Recomputed when the weights change (every few seconds while training).
"""

SWEEP_HELP = """\
- **Sweep**: train the scenario once per (value, cell, seed) and chart the result, as
  `rnn-tui sweep` does. enter goes into the fields: vary (a dotted key such as
  data.params.seq_len or model.hidden_size), its values, the cells, seeds and steps per
  run (↑/↓ move between them); enter runs the sweep in worker processes (main training
  pauses), showing "3 / 12 runs" and the chart as runs finish; escape stops it and keeps
  what finished. The chart: the held-out goal metric (mean over seeds, the cell's letter
  r l g on each point, │ from the lowest to the highest seed) against the varied value,
  with the goal and chance (or persistence) lines. ctrl+t switches to CPU seconds per
  training step against T, log-log, with each cell's fitted slope: step t needs h_{t-1},
  so the T steps run one after another and time grows with T. ctrl+o opens a sweep saved
  as JSON (docs/sweeps has some); the palette saves the one shown.
"""
