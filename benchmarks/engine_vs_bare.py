"""Engine training loop vs a bare PyTorch loop: same model, data, batches and optimizer.

Run: .venv/bin/python benchmarks/engine_vs_bare.py [--rounds 5] [--steps 60]

The two loops alternate in rounds (ABAB...) in one process so machine noise hits both;
the ratio engine/bare is what to read. The engine does everything it does in the app:
per-parameter gradient norms, clipping, divergence guard, held-out evaluation every
``eval_every`` steps and gradient-through-time probes every ``probe_every`` steps.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer


def bare_loop(trainer: Trainer, steps: int) -> float:
    """Steps/s of the plain loop on the trainer's own model, data and optimizer."""
    model, optimizer, train = trainer.model, trainer.optimizer, trainer.dataset.train
    generator = torch.Generator().manual_seed(1)
    size = min(trainer.scenario.training.batch_size, len(train))
    start = time.perf_counter()
    for _ in range(steps):
        batch = train.select(torch.randint(len(train), (size,), generator=generator))
        optimizer.zero_grad(set_to_none=True)
        loss = model.forward_loss(batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), trainer.max_norm)
        optimizer.step()
    return steps / (time.perf_counter() - start)


def engine_loop(trainer: Trainer, steps: int) -> float:
    start = time.perf_counter()
    trainer.run(steps=steps)
    return steps / (time.perf_counter() - start)


def measure(name: str, cell: str, rounds: int, steps: int) -> tuple[float, float]:
    scenario = load_scenario(name).with_changes({"model.cell": cell})
    engine, bare = Trainer(scenario), Trainer(scenario)
    engine_loop(engine, 5), bare_loop(bare, 5)  # warm up
    engine_rates, bare_rates = [], []
    for _ in range(rounds):
        engine_rates.append(engine_loop(engine, steps))
        bare_rates.append(bare_loop(bare, steps))
    return statistics.median(engine_rates), statistics.median(bare_rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=100, help="steps per round (a multiple of probe_every is fairest)")
    parser.add_argument("--scenarios", nargs="+", default=["sentiment", "translation"])
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{'scenario':<14}{'cell':<6}{'engine steps/s':>16}{'bare steps/s':>14}{'ratio':>8}")
    for name in args.scenarios:
        scenario = load_scenario(name)
        for cell in ("rnn", "lstm", "gru"):
            engine, bare = measure(name, cell, args.rounds, args.steps)
            print(f"{name:<14}{cell:<6}{engine:>16.1f}{bare:>14.1f}{engine / bare:>8.2f}")
        print(f"  ({scenario.topology}; probes every {scenario.training.probe_every} steps, "
              f"evaluation every {scenario.training.eval_every})")


if __name__ == "__main__":
    main()
