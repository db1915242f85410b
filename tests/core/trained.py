"""Small trained long-memory models shared by test files (trained once per test session).

The cheapest honest setting measured: the long-memory task at seq_len 30 (the letter 29
digits before the answer), 16 hidden units, 150 steps. The LSTM reaches 100% held-out
accuracy on seeds 0-2 in 2-7 s of CPU each; the vanilla RNN stays at chance (23-28%).
"""

from __future__ import annotations

from functools import cache

from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer

SEQ_LEN, HIDDEN, STEPS = 30, 16, 150


@cache
def trained_long_memory(cell: str, seed: int) -> Trainer:
    changes = {
        "model.cell": cell, "training.seed": seed, "model.hidden_size": HIDDEN,
        "data.params.seq_len": SEQ_LEN, "data.params.n_train": 2000, "data.params.n_test": 256,
        "training.eval_every": 1000,  # no periodic evaluation: only the end matters here
    }
    trainer = Trainer(load_scenario("long-memory").with_changes(changes))
    trainer.run(steps=STEPS)
    return trainer
