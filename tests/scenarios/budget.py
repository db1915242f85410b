"""Training a scenario's budget for a "reaches its goal within the budget" claim."""

from __future__ import annotations

from rnn_tui.core.reports import RunSummary
from rnn_tui.core.training import Trainer


def within_budget(trainer: Trainer) -> RunSummary:
    """Train the scenario's step budget, stopping once the whole held-out set meets the goal
    (checked every eval_every steps). The claim is "reaches it within the budget", so the
    steps after that only cost time (in the slow suite, minutes)."""
    budget, every = trainer.training.steps, trainer.training.eval_every
    while trainer.step < budget:
        trainer.run(steps=min(every, budget - trainer.step))
        summary = trainer.summary()
        if summary.reached or summary.diverged:
            return summary
    return trainer.summary()
