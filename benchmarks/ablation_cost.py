"""Cost of ranking units by ablation, of a hidden-state map, and of one intervened trace.

Run: .venv/bin/python benchmarks/ablation_cost.py [--cells lstm gru rnn] [--eval-size 256]

At each scenario's own sizes (hidden 64 or its own, the held-out evaluation subset of 256
examples):
``ablate_units`` (two step-by-step passes per unit, prediction and loss, plus a baseline),
``state_map`` (one step-by-step pass and an SVD) and ``trace_intervened`` (two traces of
one example). The cost does not depend on the weights, so the models are untrained.
Seconds are CPU time of this process (steadier than the wall clock on a shared machine)
and the wall clock beside it.
"""

from __future__ import annotations

import argparse
import time

import torch

from rnn_tui.core.ablation import ablate_units
from rnn_tui.core.intervention_trace import parse_for_example, trace_intervened
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.state_map import state_map
from rnn_tui.core.training import Trainer

SCENARIOS = {
    "long-memory": {"data.params.n_train": 100},  # T = 100
    "sentiment": {"data.params.n_train": 200},  # T up to 64, padded reviews
    "sine-waves": {},  # seq2seq: prediction and loss are two passes
    "translation": {},  # the encoder ablated; greedy decoding on top
}


def timed(work, *args) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one call of work(*args)."""
    cpu, wall = time.process_time(), time.perf_counter()
    work(*args)
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="+", default=["lstm", "gru", "rnn"])
    parser.add_argument("--eval-size", type=int, default=256)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{'scenario':<12} {'cell':<5} {'T':>4} {'units':>5} {'examples':>8}  ablate all units (cpu / wall)"
          "   per unit   state map   intervened trace")
    for name, changes in SCENARIOS.items():
        for cell in args.cells:
            scenario = load_scenario(name).with_changes(
                {**changes, "model.cell": cell, "training.eval_size": args.eval_size})
            trainer = Trainer(scenario)
            model, dataset, split = trainer.model, trainer.dataset, trainer.eval_split
            hidden = next(iter(model.parts.values())).hidden_size
            ablate = timed(ablate_units, model, dataset, split, scenario.goal.metric)
            mapped = timed(state_map, model, dataset, split)
            example = dataset.test.select([0])
            part = next(iter(model.parts))
            ivs = parse_for_example([f"{part}.h:*@2..=0"], model, example)
            traced = timed(trace_intervened, model, dataset, example, ivs)
            print(f"{name:<12} {cell:<5} {split.inputs.shape[1]:>4} {hidden:>5} {len(split):>8}  "
                  f"{ablate[0]:>8.1f} s / {ablate[1]:>5.1f} s      {ablate[0] / (hidden + 1):>5.2f} s"
                  f"   {mapped[0]:>6.2f} s   {traced[0]:>6.2f} s", flush=True)


if __name__ == "__main__":
    main()
