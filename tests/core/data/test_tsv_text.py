"""A user's TSV: baselines beside the model, and no silent one-class or header-as-class data."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer

SCENARIO = '''name = "mine"
title = "Mine"
use_case = "test"
summary = "test"
topology = "{topology}"

[data]
file = "lines.tsv"
{params}

[model]
cell = "gru"
hidden_size = 8
embedding_size = 8

[training]
steps = 3
eval_every = 2
probe_every = 2

[goal]
metric = "{metric}"
target = 0.5
'''


def write(tmp_path, lines: list[str], params: str = "", topology: str = "seq2vec"):
    (tmp_path / "lines.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    metric = "accuracy" if topology == "seq2vec" else "exact_match"
    table = f"[data.params]\n{params}" if params else ""
    path = tmp_path / "mine.toml"
    path.write_text(SCENARIO.format(topology=topology, params=table, metric=metric), encoding="utf-8")
    return load_scenario(path)


def reviews(n: int = 120, seed: int = 0) -> list[str]:
    """Three classes, decided by one word among filler; unbalanced (half are 'neutral')."""
    rng = np.random.default_rng(seed)
    cue = {"pos": "lovely", "neg": "awful", "neutral": "okay"}
    lines = []
    for i in range(n):
        label = "neutral" if i % 2 else ("pos" if i % 4 == 0 else "neg")
        filler = list(rng.choice(["the", "film", "plot", "was", "a", "very"], size=5))
        filler.insert(int(rng.integers(6)), cue[label])
        lines.append(" ".join(filler) + "\t" + label)
    return lines


def test_classification_baselines_are_beside_the_result(tmp_path):
    trainer = Trainer(write(tmp_path, reviews()))
    dataset = trainer.dataset
    train_majority = Counter(dataset.train.targets.tolist()).most_common(1)[0][0]
    expected = float((dataset.test.targets == train_majority).float().mean())
    assert dataset.baselines["majority_class_accuracy"] == pytest.approx(expected)
    assert dataset.baselines["bag_of_words_accuracy"] == 1.0  # one word decides: a bag of words is perfect
    summary = trainer.run()
    assert summary.baselines == dataset.baselines
    assert summary.final.targets == len(dataset.test) == 24


def test_bag_of_words_is_fitted_on_training_lines_only(tmp_path):
    # The cue word for 'pos' in held-out lines never appears in training: a bag of words
    # fitted on training lines cannot know it, so it cannot be perfect.
    lines = reviews()
    dataset = build_dataset(write(tmp_path, lines))
    held_out = {" ".join(dataset.source_vocab.decode(row)) for row in dataset.test.inputs.tolist()}
    renamed = [line.replace("lovely", "splendid") if line.split("\t")[0] in held_out else line for line in lines]
    dataset = build_dataset(write(tmp_path, renamed))
    assert dataset.baselines["bag_of_words_accuracy"] < 1.0


def test_translation_has_a_most_common_output_baseline(tmp_path):
    lines = [f"say {w}\t{w} sagen" for w in ["hello", "yes", "no", "bye"] * 10] + ["say hello\thello sagen"] * 20
    dataset = build_dataset(write(tmp_path, lines, topology="encoder-decoder"))
    targets = [tuple(dataset.target_vocab.decode(row)) for row in dataset.test.targets.tolist()]
    expected = sum(t == ("hello", "sagen") for t in targets) / len(targets)
    assert dataset.baselines == {"most_common_output_exact_match": pytest.approx(expected)}
    assert 0 < expected < 1


def test_one_class_is_refused(tmp_path):
    lines = [line.split("\t")[0] + "\tpos" for line in reviews()]
    with pytest.raises(ScenarioError, match="lines.tsv.*every line has the label 'pos'.*at least two"):
        build_dataset(write(tmp_path, lines))


def test_an_undeclared_header_is_refused(tmp_path):
    lines = ["review\tsentiment", *reviews()]
    with pytest.raises(ScenarioError) as caught:
        build_dataset(write(tmp_path, lines))
    message = str(caught.value)
    for word in ("lines.tsv", "'sentiment'", "looks like a header", "header = true"):
        assert word in message, message
    assert build_dataset(write(tmp_path, lines, "header = true")).class_names == ("neg", "neutral", "pos")
    # Said to be data, it is data: a class of its own.
    assert "sentiment" in build_dataset(write(tmp_path, lines, "header = false")).class_names


def test_a_rare_first_label_among_rare_labels_is_not_called_a_header(tmp_path):
    lines = reviews() + ["an odd one\tweird", "another odd one\tstrange"]
    lines = [lines[-1], *lines[:-1]]  # the first line's label is unique, but so is another's
    assert "strange" in build_dataset(write(tmp_path, lines)).class_names
