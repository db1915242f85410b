"""Cost of tracing one example of T = 1,000 steps, against a fused forward+backward of it.

Run: .venv/bin/python benchmarks/trace_cost.py [--seq-len 1000] [--repeats 5]

``trace_example`` unrolls the example step by step (every h_t, c_t and gate kept as a
graph node), backpropagates the example's loss to every h_t (dL/dh_t, the total
derivative through the recurrence) and converts it all to numpy. The fused path is
``forward_loss`` on PyTorch's nn.RNN/LSTM/GRU and ``backward()``: the cheapest way to get
the same loss's gradients, so the ratio is the price of seeing inside. Target: a trace
under 1 s (wall clock) at T = 1,000 for every cell. Timings are medians of ``--repeats``
runs, alternating trace and fused; the ratio uses CPU time, steadier than the wall clock
on a shared machine.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.topologies import build_model
from rnn_tui.core.trace import trace_example

# A token task (seq2vec, embedding input) and a series task (seq2seq, an output per step).
SCENARIOS = {
    "long-memory": {"data.params.n_train": 100, "data.params.n_test": 20},
    "sine-waves": {"data.params.n_train": 100, "data.params.n_test": 20},
}
TARGET_SECONDS = 1.0


def fused_forward_backward(model: torch.nn.Module, example) -> None:
    model.zero_grad(set_to_none=True)
    model.forward_loss(example).loss.backward()


def timed(work) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of ``work()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(name: str, cell: str, seq_len: int, repeats: int) -> dict[str, float]:
    """Median seconds of the trace (wall and CPU), its JSON export and the fused pass (CPU)."""
    scenario = load_scenario(name).with_changes(
        {**SCENARIOS[name], "data.params.seq_len": seq_len, "model.cell": cell}
    )
    dataset = build_dataset(scenario)
    torch.manual_seed(0)
    model = build_model(scenario.topology, scenario.model, dataset)
    example = dataset.test.select([0])
    trace = trace_example(model, dataset, example, name)
    assert trace.parts[0].seq_len == seq_len, "the traced example is not T steps long"
    fused_forward_backward(model, example)  # warm up
    runs: dict[str, list[float]] = {"trace": [], "trace_cpu": [], "to_json": [], "fused_cpu": []}
    for _ in range(repeats):
        wall, cpu = timed(lambda: trace_example(model, dataset, example, name))
        runs["trace"].append(wall)
        runs["trace_cpu"].append(cpu)
        runs["to_json"].append(timed(trace.to_json)[0])
        runs["fused_cpu"].append(timed(lambda: fused_forward_backward(model, example))[1])
    return {key: statistics.median(values) for key, values in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seq-len", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(
        f"T = {args.seq_len}, one example, hidden size and layers as in each scenario; "
        f"medians of {args.repeats}. Target: trace < {TARGET_SECONDS:.0f} s."
    )
    print(
        f"{'scenario':<13}{'cell':<6}{'trace s':>9}{'trace cpu s':>13}{'to_json s':>11}{'fused cpu s':>13}"
        f"{'trace/fused':>13}  verdict"
    )
    worst = 0.0
    for name in SCENARIOS:
        for cell in ("rnn", "lstm", "gru"):
            m = measure(name, cell, args.seq_len, args.repeats)
            worst = max(worst, m["trace"])
            verdict = "ok" if m["trace"] < TARGET_SECONDS else "TOO SLOW"
            print(
                f"{name:<13}{cell:<6}{m['trace']:>9.3f}{m['trace_cpu']:>13.3f}{m['to_json']:>11.3f}"
                f"{m['fused_cpu']:>13.4f}{m['trace_cpu'] / m['fused_cpu']:>12.0f}x  {verdict}",
                flush=True,
            )
    print(f"slowest trace: {worst:.3f} s")


if __name__ == "__main__":
    main()
