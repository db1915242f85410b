"""Small scenarios for engine tests, built in tmp dirs so they don't depend on built-ins."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rnn_tui.core.data.base import build_captioning
from rnn_tui.core.scenario import Scenario, load_scenario

COLOURS = ["red", "green", "blue"]


def write_scenario(tmp: Path, topology: str, data: str, metric: str, extra: str = "", cell: str = "lstm") -> Path:
    path = tmp / f"{topology}.toml"
    path.write_text(
        f'''name = "t-{topology}"
title = "test"
use_case = "test"
summary = "test"
topology = "{topology}"
[data]
{data}
[model]
cell = "{cell}"
hidden_size = 8
embedding_size = 4
{extra}
[training]
batch_size = 8
steps = 5
eval_every = 2
eval_size = 20
probe_every = 2
[goal]
metric = "{metric}"
target = 0.5
''',
        encoding="utf-8",
    )
    return path


def text_pairs_file(tmp: Path, kind: str) -> Path:
    """A TSV of review<TAB>label or english<TAB>reversed-english pairs."""
    rng = np.random.default_rng(0)
    words = ["good", "bad", "film", "plot", "very", "not", "the", "a"]
    lines = []
    for _ in range(60):
        sentence = list(rng.choice(words, size=rng.integers(2, 7)))
        if kind == "label":
            lines.append(" ".join(sentence) + "\t" + ("pos" if "good" in sentence else "neg"))
        else:
            lines.append(" ".join(sentence) + "\t" + " ".join(reversed(sentence)))
    path = tmp / f"{kind}.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scenario_for(tmp: Path, topology: str, cell: str = "lstm", layers: int = 1) -> tuple[Scenario, object]:
    """(scenario, dataset or None) for each topology, tiny and fast."""
    extra = f"num_layers = {layers}"
    if topology == "seq2seq":
        data = 'generator = "sine"\n[data.params]\nn_train = 40\nn_test = 12\nseq_len = 7'
        return load_scenario(write_scenario(tmp, topology, data, "rmse", extra, cell)), None
    if topology == "seq2vec":
        text_pairs_file(tmp, "label")
        return load_scenario(write_scenario(tmp, topology, 'file = "label.tsv"', "accuracy", extra, cell)), None
    if topology == "encoder-decoder":
        text_pairs_file(tmp, "pairs")
        extra += "\nreverse_source = true"
        return load_scenario(write_scenario(tmp, topology, 'file = "pairs.tsv"', "exact_match", extra, cell)), None
    scenario = load_scenario(write_scenario(tmp, topology, 'generator = "sine"', "exact_match", extra, cell))
    rng = np.random.default_rng(0)
    vectors = rng.random((50, 6)).astype(np.float32)
    captions = [["a", COLOURS[int(v[0] * 3)], "dot"] for v in vectors]
    return scenario, build_captioning("dots", vectors[:40], captions[:40], vectors[40:], captions[40:])
