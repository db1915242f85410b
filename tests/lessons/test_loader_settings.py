"""Settings, interventions and claims are checked at load time as the run will use them.

Each case used to load fine and fail halfway through a run without file or line (or,
for "32", be refused at load although the run would read it as 32).
"""

import pytest

from rnn_tui.core.lessons.loader import LessonError, load_lesson
from rnn_tui.core.lessons.model import SetField, Sweep
from tests.cli.conftest import run_here  # noqa: F401  (the fixture)

HEAD = '''\
title = "T"
order = 1
summary = "S."

[[step]]
say = "Open."
do = [{ open = "long-memory" }]
'''


def lesson(tmp_path, step):
    path = tmp_path / "mine.toml"
    path.write_text(HEAD + "\n[[step]]\nsay = \"Next.\"\n" + step + "\n")
    return path


def refused(tmp_path, step, validate_data=False):
    path = lesson(tmp_path, step)
    with pytest.raises(LessonError) as caught:
        load_lesson(path, validate_data=validate_data)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 11: ") and "allowed:" in message and "\n" not in message
    return message


def test_a_quoted_number_is_read_as_the_run_reads_it(tmp_path):
    loaded = load_lesson(lesson(tmp_path, 'do = [{ field = "model.hidden_size", value = "32" }, '
                                          '{ field = "data.params.seq_len", value = "30" }]'))
    assert loaded.steps[1].actions == (SetField("model.hidden_size", "32"), SetField("data.params.seq_len", "30"))


@pytest.mark.parametrize(("step", "shown"), [
    ('do = [{ field = "model.hidden_size", value = "many" }]', "model.hidden_size = 'many'"),
    ('do = [{ field = "model.hidden_size", value = 0 }]', "model.hidden_size = 0"),
    ('do = [{ field = "data.params.seq_len", value = 2.5 }]', "data.params.seq_len = 2.5"),
    ('do = [{ field = "data.params.seq_len", value = "ten" }]', "a whole number"),
    ('do = [{ sweep = "data.params.seq_len", values = [10, "x"], steps = 5 }]', "data.params.seq_len = 'x'"),
    ('do = [{ open = "long-memory", set = ["data.params.seq_len=true"] }]', "data.params.seq_len=true"),
])
def test_a_bad_value_names_the_field_and_value(tmp_path, step, shown):
    assert shown in refused(tmp_path, step)


@pytest.mark.parametrize("key", ["data.generator", "data.file", "topology", "title", "goal.colour"])
def test_keys_outside_the_settings_are_refused(tmp_path, key):
    message = refused(tmp_path, f'do = [{{ field = "{key}", value = "sine" }}]')
    assert f".field = '{key}'" in message and "model., training., goal., data.params." in message


def test_data_params_ranges_are_checked_when_asked(tmp_path):
    step = 'do = [{ field = "data.params.seq_len", value = 1 }]'
    load_lesson(lesson(tmp_path, step))  # the kind is right; the range needs the generator (torch)
    assert "a value the data generator accepts" in refused(tmp_path, step, validate_data=True)


@pytest.mark.parametrize(("step", "allowed"), [
    ('do = [{ cell = "rnn" }, { intervene = "c:0@1..=0" }]', "rows of the current cell (rnn): h"),
    ('do = [{ cell = "gru" }, { intervene = "f:*@2..=0" }]', "rows of the current cell (gru): h, r, z, n"),
    ('do = [{ intervene = "h:64@1=0" }]', "units 0 to 63"),
    ('do = [{ intervene = "layer2.h:0@1=0" }]', "layer1 to layer1"),
    ('do = [{ intervene = "encoder.h:0@1=0" }]', "the parts of a seq2vec model: rnn"),
])
def test_an_intervention_must_fit_the_model(tmp_path, step, allowed):
    message = refused(tmp_path, step)
    assert allowed in message


def test_an_intervention_that_fits_loads(tmp_path):
    load_lesson(lesson(tmp_path, 'do = [{ cell = "lstm" }, { intervene = "rnn.layer1.f:*@2..=0" }]'))


@pytest.mark.parametrize("claim", ['"abc"', "cell", "cell + 1 > 2", "cell < 3", 'metric > "high"', "not cell"])
def test_a_claim_mixing_text_and_numbers_is_refused_at_load(tmp_path, claim):
    step = f"check = {{ claim = '{claim}', reveal = \"r\", otherwise = \"o\" }}"
    assert "step 2.check.claim" in refused(tmp_path, step)


def test_a_template_doing_arithmetic_with_text_is_refused(tmp_path):
    step = 'check = { claim = "metric > 0", reveal = "{cell * 2}", otherwise = "{cell}" }'
    assert "step 2.check.reveal" in refused(tmp_path, step)


def test_a_sweeps_values_are_kept_as_the_run_reads_them(tmp_path):
    loaded = load_lesson(lesson(tmp_path, 'do = [{ sweep = "training.learning_rate", values = [0.01, "0.1"], '
                                          'steps = 5 }]'))
    assert loaded.steps[1].actions == (Sweep("training.learning_rate", ("0.01", "0.1"), ("lstm",), 5),)


@pytest.mark.parametrize("claim", ["(" * 200 + "1" + ")" * 200 + " > 0", "not " * 120 + "1",
                                   "(" * 1000 + "1" + ")" * 1000 + " > 0"])
def test_a_deeply_nested_claim_is_exit_2_not_a_traceback(tmp_path, run_here, claim):  # noqa: F811
    path = lesson(tmp_path, f"check = {{ claim = '{claim}', reveal = \"r\", otherwise = \"o\" }}")
    done = run_here("learn", str(path), "--check")
    assert done.returncode == 2 and "step 2.check.claim" in done.stderr
    assert "nests deeper than 32" in done.stderr or "at most 500" in done.stderr
