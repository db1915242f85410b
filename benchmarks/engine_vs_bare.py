"""Engine training loop vs a bare PyTorch loop: same model, data, batches and optimizer.

Run: .venv/bin/python benchmarks/engine_vs_bare.py [--rounds 9] [--steps 100]

The engine does everything it does in the app: per-parameter gradient norms, clipping,
the divergence guard (a copy of the last good weights every step), held-out evaluation
every ``eval_every`` steps and gradient-through-time probes every ``probe_every`` steps.
The bare loop samples, steps and clips by norm, nothing else. Both end a round the way
``Trainer.run`` does, with one held-out evaluation on the whole test set (what any
training script reports at the end); without it the ratio would depend on round length.

The two loops alternate in rounds (engine first on even rounds, bare first on odd ones)
in one process, so machine noise hits both; each round gives one ratio engine/bare and
the median of those is what to read. Wall-clock and CPU-time ratios are both printed:
on a shared machine CPU time is the steadier of the two (another process stealing a core
slows the wall clock, not the work done).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

import torch

from rnn_tui.core.metrics import compute_metric
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer


@dataclass
class Timing:
    wall: float  # seconds
    cpu: float  # seconds of this process's CPU


def timed(work) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


@torch.no_grad()
def bare_evaluate(trainer: Trainer) -> float:
    """The held-out loss and metric on the whole test set, written out plainly."""
    model, test = trainer.model, trainer.dataset.test
    model.eval()
    loss = float(model.forward_loss(test).loss)
    compute_metric(trainer.scenario.goal.metric, model.predict(test), test, trainer.dataset)
    model.train()
    return loss


def bare_loop(trainer: Trainer, steps: int, generator: torch.Generator) -> None:
    """The plain loop on the trainer's own model, data and optimizer."""
    model, optimizer, train = trainer.model, trainer.optimizer, trainer.dataset.train
    size = min(trainer.scenario.training.batch_size, len(train))
    model.train()
    for _ in range(steps):
        batch = train.select(torch.randint(len(train), (size,), generator=generator))
        optimizer.zero_grad(set_to_none=True)
        loss = model.forward_loss(batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), trainer.max_norm)
        optimizer.step()
    bare_evaluate(trainer)


def engine_loop(trainer: Trainer, steps: int) -> None:
    reports = []
    trainer.run(steps=steps, on_step=reports.append)  # keep reports, as a UI or --json does


@dataclass
class Result:
    engine_rate: float  # median steps/s (wall clock)
    bare_rate: float
    wall_ratio: float  # median over rounds of engine/bare
    cpu_ratio: float


def measure(name: str, cell: str, rounds: int, steps: int) -> Result:
    scenario = load_scenario(name).with_changes({"model.cell": cell})
    engine, bare = Trainer(scenario), Trainer(scenario)
    generator = torch.Generator().manual_seed(1)
    engine_loop(engine, 5), bare_loop(bare, 5, generator)  # warm up
    engine_rates, bare_rates, wall_ratios, cpu_ratios = [], [], [], []
    for round_ in range(rounds):
        if round_ % 2 == 0:
            e = timed(lambda: engine_loop(engine, steps))
            b = timed(lambda: bare_loop(bare, steps, generator))
        else:
            b = timed(lambda: bare_loop(bare, steps, generator))
            e = timed(lambda: engine_loop(engine, steps))
        engine_rates.append(steps / e.wall)
        bare_rates.append(steps / b.wall)
        wall_ratios.append(b.wall / e.wall)
        cpu_ratios.append(b.cpu / e.cpu)
    median = statistics.median
    return Result(median(engine_rates), median(bare_rates), median(wall_ratios), median(cpu_ratios))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument(
        "--steps",
        type=int,
        default=100,
        help="steps per round (a multiple of probe_every is fairest)",
    )
    parser.add_argument("--scenarios", nargs="+", default=["sentiment", "translation"])
    parser.add_argument("--cells", nargs="+", default=["rnn", "lstm", "gru"])
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{args.rounds} rounds of {args.steps} steps each; medians. Target: ratio >= 0.90.")
    print(
        f"{'scenario':<14}{'cell':<6}{'engine steps/s':>16}{'bare steps/s':>14}{'ratio':>8}{'cpu ratio':>11}"
    )
    for name in args.scenarios:
        scenario = load_scenario(name)
        for cell in args.cells:
            r = measure(name, cell, args.rounds, args.steps)
            print(
                f"{name:<14}{cell:<6}{r.engine_rate:>16.1f}{r.bare_rate:>14.1f}{r.wall_ratio:>8.2f}{r.cpu_ratio:>11.2f}",
                flush=True,
            )
        print(
            f"  ({scenario.topology}; probes every {scenario.training.probe_every} steps, "
            f"evaluation every {scenario.training.eval_every} on {scenario.training.eval_size} examples)"
        )


if __name__ == "__main__":
    main()
