"""The help's glossary: every term the app shows, as it is spelled on screen, in a sentence or two.

Gate names, cells, topologies and metrics come from `core.vocabulary`, so a renamed gate
or a new metric cannot leave the glossary behind (tests/ui/test_glossary.py checks that
every term on screen has an entry).
"""

from __future__ import annotations

from dataclasses import dataclass

from rnn_tui.core.vocabulary import CELL_LABELS, GATE_LABELS, GATE_NAMES, TOPOLOGY_LABELS, Cell


@dataclass(frozen=True)
class Term:
    """One entry: the spellings shown on screen (the first is the headword), and its meaning."""

    names: tuple[str, ...]
    meaning: str


def _gates(cell: Cell, roles: dict[str, str]) -> Term:
    letters = GATE_NAMES[cell]
    parts = "; ".join(f"{g} {GATE_LABELS[g]}: {roles[g]}" for g in letters)
    return Term(
        (" ".join(letters), *letters),
        f"The {CELL_LABELS[cell]} gates, in PyTorch's order (one bar each in Timestep): {parts}.",
    )


LSTM_GATES = _gates(
    "lstm",
    {
        "i": "how much of g is written into c_t (0..1)",
        "f": "how much of c_t-1 is kept (0..1)",
        "g": "the new content proposed for c_t (-1..1)",
        "o": "how much of tanh(c_t) is shown as h_t (0..1)",
    },
)
GRU_GATES = _gates(
    "gru",
    {
        "r": "how much of h_t-1 feeds the candidate (0..1)",
        "z": "how much of h_t-1 is kept: h_t = (1 − z) ⊙ n + z ⊙ h_t-1 (0..1)",
        "n": "the proposed new state (-1..1)",
    },
)

TOPOLOGY_MEANINGS = {
    "seq2seq": "one output per input timestep (e.g. the next value of a series)",
    "seq2vec": "a whole sequence in, one answer out, read from the last hidden state "
    "(e.g. a review's sentiment)",
    "vec2seq": "one vector in (e.g. an image), a sequence out, generated a token at a time",
    "encoder-decoder": "an encoder reads the input sequence into its final state; a decoder "
    "starts from that state and writes the output sequence (e.g. translation)",
}

GLOSSARY: tuple[Term, ...] = (
    # -- the sequence and the cell ---------------------------------------------------
    Term(
        ("timestep t", "timestep", "t"),
        "A position in the sequence, t=1 the first. The same cell runs once per timestep, "
        "carrying its state from one to the next.",
    ),
    Term(
        ("x_t",),
        "The input at timestep t (for an upper layer of a stacked RNN: the h_t of the layer "
        "below).",
    ),
    Term(
        ("h_t", "h_t-1", "h_{t-1}", "hidden state"),
        "The hidden state after timestep t: the network's memory and its output at t, a "
        "vector of hidden size numbers. h_t-1 is the state the step started from.",
    ),
    Term(
        ("c_t", "c_t-1", "c_{t-1}", "cell state"),
        "LSTM only: a second memory vector, changed only through the forget and input gates "
        "(by adding, not by squashing), so gradients can travel far back along it.",
    ),
    LSTM_GATES,
    GRU_GATES,
    Term(
        ("σ", "sigmoid"),
        "Squashes any number into 0..1: what makes a gate a fraction between closed (0) and "
        "open (1).",
    ),
    Term(("tanh",), "Squashes any number into -1..1: the usual RNN nonlinearity."),
    Term(("relu",), "max(0, x): unbounded above, so a vanilla RNN with it explodes easily."),
    Term(("⊙",), "Element-wise product: each unit multiplied by the matching gate value."),
    Term(
        ("W_ih", "W_hh", "b"),
        "The weights from the input (W_ih) and from the previous hidden state (W_hh), and the "
        "biases b; PyTorch's names, one block per gate (W_ii, W_hf, ...).",
    ),
    Term(("unit", "hidden unit"), "One number of the hidden state; one row of the heatmap."),
    Term(
        (CELL_LABELS["rnn"], "rnn"),
        "The plain recurrent cell: h_t = tanh(W_ih x_t + W_hh h_t-1 + b). Its gradient is "
        "multiplied by W_hh at every step back, so it vanishes or explodes over long spans.",
    ),
    Term(
        (CELL_LABELS["lstm"],),
        "Long short-term memory: gates decide what enters, stays in and leaves a cell state "
        "c_t, which keeps gradients alive over long spans.",
    ),
    Term(
        (CELL_LABELS["gru"],),
        "Gated recurrent unit: an LSTM-like cell without a separate cell state; an update gate "
        "z mixes the old state with a candidate.",
    ),
    Term(
        ("cell",),
        "The step function applied at every timestep: vanilla RNN, LSTM or GRU (c switches).",
    ),
    # -- topologies -----------------------------------------------------------------
    Term(
        ("topology",),
        "How sequences go in and come out: seq2seq, seq2vec, vec2seq or encoder-decoder.",
    ),
    Term(
        ("scenario",),
        "A use case in one file: data, model, training settings and a goal (scenarios/*.toml).",
    ),
    *(
        Term(
            tuple(dict.fromkeys((name, label))), f"{label.capitalize()}: {TOPOLOGY_MEANINGS[name]}."
        )
        for name, label in TOPOLOGY_LABELS.items()
    ),
    Term(("encoder",), "The RNN that reads the input sequence into a final hidden state."),
    Term(
        ("decoder",),
        "The RNN that writes the output sequence one token at a time, starting from the "
        "encoder's final state (or the input vector), each step reading the previous token.",
    ),
    Term(
        ("teacher forcing",),
        "While training, the decoder reads the correct previous token rather than its own "
        "guess; on held-out examples and in Try it it reads its own.",
    ),
    # -- training -------------------------------------------------------------------
    Term(
        ("step", "training step"),
        "One update of the weights from one batch of examples (the x axis of the training charts).",
    ),
    Term(("steps/s",), "Training steps per second, measured over the last few seconds."),
    Term(("batch size",), "Examples per step; the gradient is their average."),
    Term(
        ("loss",),
        "What training minimises: cross-entropy for classes and tokens, mean squared error "
        "for numbers. Lower is better.",
    ),
    Term(("train",), "Measured on the batch just trained on (noisy, one value per step)."),
    Term(
        ("held-out",),
        "Measured on examples never trained on: what the model learned in general. Held-out "
        "loss rising while train loss falls is overfitting.",
    ),
    Term(
        ("learning rate", "lr"),
        "How far each step moves the weights along the gradient. Too high and the loss "
        "jumps or diverges; [ halves it and ] doubles it, at once.",
    ),
    Term(
        ("grad norm", "gradient norm"),
        "The size of the whole gradient (all weights together) at a step, before clipping, "
        "on a log scale. Spikes are exploding gradients.",
    ),
    Term(
        ("clipping", "clip", "clipped"),
        "Gradient clipping: when the gradient norm exceeds max norm the whole gradient is "
        "scaled down to max norm, its direction kept. x marks clipped steps; the status line "
        "shows the share of steps clipped. g turns it on and off.",
    ),
    Term(("max norm",), "The clipping threshold: the dashed line on the grad norm chart."),
    Term(
        ("dL/dh_t", "∂L/∂h", "∂L/∂h_t", "gradient"),
        "How much the loss changes with the hidden state at t. Timestep shows it relative to "
        "its largest value over the sequence: stepping back in time it fades (vanishing) or "
        "grows (exploding).",
    ),
    Term(
        ("‖dL/dh_t‖", "gradient through time"),
        "The size of dL/dh_t at each timestep t, log scale: how much of the loss's gradient "
        "reaches step t. A steep fall towards t=1 means early inputs barely teach the model.",
    ),
    Term(
        ("probe",),
        "The gradient through time is measured now and then on a fixed batch; the chart's "
        "legend gives the training step of the latest probe (line) and of the first after "
        "the reset (o).",
    ),
    Term(
        ("vanishing gradient", "vanishing"),
        "The gradient shrinks at every step back in time, so early inputs stop affecting "
        "learning: long-range patterns are never learned (typical of a vanilla RNN).",
    ),
    Term(
        ("exploding gradient", "exploding"),
        "The gradient grows at every step back in time, so updates become huge and training "
        "diverges unless the gradient is clipped.",
    ),
    Term(
        ("diverged", "divergence"),
        "The loss or the gradient became infinite or not a number: training stops. Turn "
        "clipping on (g), lower the learning rate ([) or reset (r).",
    ),
    Term(
        ("init scale",),
        "W_hh starts as an orthogonal matrix times this: above 1 the state and gradient grow "
        "from step to step (exploding), below 1 they shrink (vanishing).",
    ),
    Term(("hidden size",), "Units in the hidden state h_t (per layer)."),
    Term(("layers",), "Recurrent layers stacked: each reads the h_t of the one below."),
    Term(("seq_len",), "Timesteps per example."),
    Term(("seed",), "Same seed, same data and same initial weights: runs can be repeated."),
    # -- the goal and the metrics ------------------------------------------------------
    Term(("goal",), "The scenario's target for its metric (dashed line on the metric chart)."),
    Term(
        ("accuracy",),
        "Share of held-out examples whose predicted class is right (0..1).",
    ),
    Term(
        ("exact_match",),
        "Share of held-out sequences generated exactly right, token for token up to the end "
        "token (0..1).",
    ),
    Term(("rmse",), "Root mean squared error on held-out data, in the data's own units."),
    Term(
        ("rmse_ratio",),
        "rmse divided by the persistence baseline's rmse: below 1 beats persistence.",
    ),
    Term(
        ("persistence",),
        "The baseline forecast 'the next value equals this one'. A model must beat it to have "
        "learned anything about the series.",
    ),
    Term(
        ("bag of words",),
        "A baseline that counts words and ignores their order; an RNN that beats it has used "
        "word order (negation, contrast).",
    ),
    Term(
        ("seasonal naive",),
        "The baseline forecast 'the next value equals the one a season ago' (data.params.season).",
    ),
    Term(
        ("majority class", "chance"),
        "The accuracy of always answering the commonest class (chance: guessing uniformly).",
    ),
    Term(
        ("intervention",),
        "Setting part of the network by hand (a unit of h or c, or a gate) at some steps and "
        "re-running the rest of the sequence: a test of what that part does (Inside panel).",
    ),
    Term(
        ("ablation", "ablate"),
        "An intervention that sets a unit to 0 at every step; ranking units by how much the "
        "held-out metric drops without each tells which units carry the memory.",
    ),
    Term(
        ("PCA", "PC1", "PC2", "principal components"),
        "The two directions along which the hidden states vary most; the Map projects every "
        "h_t onto them, and each axis says what share of the variance it shows.",
    ),
    Term(
        ("trajectory",),
        "One example's hidden states h_1 ... h_T drawn as a path on the Map.",
    ),
    Term(
        ("unrolled network", "unrolled"),
        "The recurrent loop drawn as one copy of the cell per timestep, h_t carried from each "
        "copy to the next: the same weights at every step (Timestep panel).",
    ),
    Term(
        ("colour scale", "colour"),
        "What a colour means: blue negative, red positive, brighter further from 0, over the "
        "range printed beside it (glyphs instead of colour without colour).",
    ),
    Term(
        ("heatmap row", "view"),
        "Which quantity the heatmap shows over time for every unit: h, c or one gate (key v).",
    ),
    Term(
        ("candidate", "candidate state", "candidate cell"),
        "What a gated cell proposes to write before its gates decide how much: LSTM g, GRU n.",
    ),
    # -- lessons ------------------------------------------------------------------
    Term(
        ("lesson", "lesson mode", "lesson step"),
        "A guided walk through the app (L lists them; `rnn-tui learn NAME` opens one): each "
        "step says something, may ask a prediction, does things in the live app, then "
        "checks a claim on what this run measured. > next, < back, R replays, X leaves.",
    ),
    Term(
        ("prediction", "your prediction"),
        "Your answer to a step's question (a-d), asked before the step runs, so the numbers "
        "cannot tell you: it is judged on this run's measurements afterwards.",
    ),
    Term(
        ("held", "held on this run", "claim"),
        "A claim (a comparison of measured quantities) held when this run's numbers make it "
        "true: ✔ held, ✖ not. Another seed or setting can give another answer.",
    ),
    Term(
        ("replay", "replay step"),
        "Run the shown lesson step again (R): its question, its actions, its check, on the "
        "model as it is now.",
    ),
    # -- sweeps (the Sweep panel; `rnn-tui sweep`) -------------------------------------
    Term(
        ("sweep", "vary", "values"),
        "Training the scenario once per (value, cell, seed), with one setting (vary, a dotted "
        "key such as data.params.seq_len) set to each of the values in turn, from fresh "
        "weights each time; the chart shows the goal metric against the value.",
    ),
    Term(
        ("run", "runs"),
        "One training of a sweep: one value, one cell and one seed, for the given steps.",
    ),
    Term(
        ("seeds' range", "│", "lowest to highest seed"),
        "The bar beside a point of the sweep chart: from the seed that scored lowest to the one "
        "that scored highest. A long bar: the result depends on luck (the initial weights).",
    ),
    Term(
        ("sequence length T",),
        "Recurrent steps per example (the input's length, plus the decoder's steps): how many "
        "times the cell runs, one after another.",
    ),
    Term(
        ("CPU seconds per training step", "CPU seconds"),
        "The processor time one training step took in the sweep's worker process (one torch "
        "thread), median over the run's steps: less inflated by other jobs than wall time.",
    ),
    Term(
        ("log-log", "log-log slope", "slope", "slope 1"),
        "Both axes on a log scale: time proportional to T^k is a straight line of slope k. "
        "Slope 1 (the dotted line) is time in proportion to T; a fixed cost per step bends "
        "the slope below 1 at short T.",
    ),
    Term(
        ("worker process", "worker processes"),
        "A separate process that trains a sweep's runs (one torch thread each), so the app "
        "stays responsive; escape ends them.",
    ),
    Term(
        ("separation",),
        "Scatter between the classes' centres over the scatter within each class, at the last "
        "step: near 0 the classes overlap, above 1 they sit apart.",
    ),
)


def defined(term: str) -> bool:
    """Whether `term`, spelled as on screen, has an entry (case-insensitive)."""
    wanted = term.casefold()
    return any(wanted == name.casefold() for entry in GLOSSARY for name in entry.names)


def glossary_markdown() -> str:
    """The glossary section of the help."""
    rows = []
    for entry in GLOSSARY:
        names = ", ".join(f"`{name}`" for name in entry.names)
        rows.append(f"- {names}: {entry.meaning}")
    return "## Glossary\n\n" + "\n".join(rows) + "\n"
