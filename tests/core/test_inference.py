"""The user's own input: typed text with unknown words, typed series and their continuation."""

import math

import pytest

from rnn_tui.core import inference
from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.inference import continue_series, encode_series, encode_text, run_model
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer
from tests.core.fixtures import scenario_for


def test_text_with_unknown_words(tmp_path):
    trainer = Trainer(scenario_for(tmp_path, "seq2vec")[0])
    user = encode_text(trainer.dataset, "A very GOOD zyzzyva film!")
    assert user.unknown_words == ["zyzzyva", "!"]
    assert user.words[:3] == ["a", "very", "good"]
    answer = run_model(trainer.model, trainer.dataset, user.example)
    assert answer.split()[0] in trainer.dataset.class_names and "%" in answer
    with pytest.raises(RnnTuiError, match="at least one word"):
        encode_text(trainer.dataset, "   ")
    with pytest.raises(RnnTuiError, match="does not read a series"):
        encode_series(trainer.dataset, "1 2 3")


def test_translation_of_typed_sentence(tmp_path):
    trainer = Trainer(scenario_for(tmp_path, "encoder-decoder")[0])
    user = encode_text(trainer.dataset, "good film")
    assert isinstance(run_model(trainer.model, trainer.dataset, user.example), str)


def test_series_prefix_and_continuation():
    trainer = Trainer(load_scenario("stock-prices"))
    trainer.run(steps=200)
    user = encode_series(trainer.dataset, "1600, 1610 1605 1620 1630")
    future = continue_series(trainer.model, trainer.dataset, user, 5)
    assert len(future) == 5 and all(math.isfinite(v) for v in future)
    assert all(1400 < v < 1900 for v in future)  # in index points, near the typed prices
    with pytest.raises(RnnTuiError, match="'abc' is not a number"):
        encode_series(trainer.dataset, "1600 abc")
    with pytest.raises(RnnTuiError, match="out of range"):
        inference.test_example(trainer.dataset, 10**6)
