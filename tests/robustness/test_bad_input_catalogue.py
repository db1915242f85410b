"""Every bad input in the catalogue gets one clear paragraph and exit code 2, never a traceback.

Most run in this process through ``rnn_tui.cli.main`` (fast, same code path and exit
code); a handful run as real processes, as a user meets them.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from rnn_tui.cli import main
from tests.core.test_scenario_errors import CASES, CSV, CSV_CASES, GOOD
from tests.robustness.bad_inputs import CATALOGUE, TSV, Workspace, train

ENV = {**os.environ, "COLUMNS": "120"}


@pytest.fixture(scope="module")
def weights(tmp_path_factory) -> Path:
    """A real weights file: sine-waves, LSTM, untrained."""
    from rnn_tui.core.scenario import load_scenario
    from rnn_tui.core.training import Trainer
    from rnn_tui.core.weights import save_weights

    trainer = Trainer(load_scenario("sine-waves"))
    path = tmp_path_factory.mktemp("weights") / "lstm.safetensors"
    return save_weights(trainer.model, path, {"scenario": "sine-waves", "cell": "lstm", "hidden_size": "64"})


@pytest.fixture
def cli(capsys):
    """Run rnn-tui in this process: (exit code, stdout, stderr)."""

    def run(argv: list[str]) -> tuple[int, str, str]:
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse's own errors
            code = exit_.code
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def the_message(stderr: str) -> str:
    """The one error line; argparse may print its usage block before it, nothing else may be printed."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "nothing on stderr"
    message = lines[-1]
    assert message.startswith("rnn-tui"), stderr
    before = lines[:-1]
    if before:
        assert before[0].startswith("usage:") and all(line.startswith(" ") for line in before[1:]), stderr
    return message


def assert_clear(code: int, out: str, err: str, words) -> str:
    assert "Traceback" not in out + err, err
    message = the_message(err)
    assert code == 2, f"exit code {code}: {err}"
    for word in words:
        assert word in message, f"{word!r} not in: {message}"
    assert len(message) < 800, f"{len(message)} characters is not one clear paragraph: {message[:200]}..."
    return message


def test_the_catalogue_is_broad():
    ids = [case.id for case in CATALOGUE]
    assert len(ids) == len(set(ids))
    kinds = {kind: sum(case.kind == kind for case in CATALOGUE) for kind in ("scenario", "data", "cli", "weights")}
    assert all(count >= 5 for count in kinds.values()), kinds
    assert len(CATALOGUE) >= 30


def test_the_starting_scenario_is_good(tmp_path, cli, weights):
    """Each case changes one thing in a scenario that trains, so the change is what fails."""
    code, out, err = cli(train(Workspace(tmp_path, weights).scenario()))
    assert code == 0, err
    code, out, err = cli(train(Workspace(tmp_path, weights).tsv(TSV)))
    assert code == 0, err


@pytest.mark.parametrize("case", CATALOGUE, ids=[f"{c.kind}: {c.id}" for c in CATALOGUE])
def test_bad_input(tmp_path, cli, weights, case):
    argv = case.argv(Workspace(tmp_path, weights))
    assert_clear(*cli(argv), case.words)


@pytest.mark.parametrize(("what", "change", "words"), CASES, ids=[c[0] for c in CASES])
def test_scenario_error_cases_through_the_cli(tmp_path, cli, weights, what, change, words):
    """The engine's own scenario cases (tests/core) also exit 2 from the command line."""
    toml = GOOD.replace(*change)
    if what == "topology misfit":
        toml = toml.replace('metric = "rmse"', 'metric = "accuracy"')
    assert_clear(*cli(train(Workspace(tmp_path, weights).scenario(toml))), words)


@pytest.mark.parametrize(("what", "csv", "words"), CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_csv_error_cases_through_the_cli(tmp_path, cli, weights, what, csv, words):
    assert_clear(*cli(train(Workspace(tmp_path, weights).scenario(GOOD, csv))), ("series.csv", *words))


def test_a_pipe_refused_as_save_target_is_left_alone(tmp_path, cli, weights):
    pipe = Workspace(tmp_path, weights).fifo("pipe.safetensors")
    assert_clear(*cli(train("sine-waves", "--save", pipe)), ("not a regular file",))
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_a_byte_order_mark_is_not_an_error(tmp_path, cli, weights):
    path = Path(Workspace(tmp_path, weights).scenario())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, _, err = cli(train(str(path)))
    assert code == 0, err


# -- a handful as real processes ----------------------------------------------------


def run(*args: str, user: int | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "rnn_tui", *args]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, env=ENV, cwd=cwd, timeout=300)


@pytest.mark.parametrize(
    ("what", "build", "words"),
    [
        ("malformed TOML", lambda w: train(w.scenario(GOOD.replace("hidden_size = 16", "hidden_size = = 16"))),
         ("mine.toml", "not valid TOML", "line 16")),
        ("NaN in a CSV", lambda w: train(w.scenario(data=CSV + "80,nan\n")), ("series.csv", "'nan'", "finite")),
        ("a pickle as weights", lambda w: train("sine-waves", "--load", _pickle(w.tmp)), ("model.pt", "not an rnn-tui weights file")),
    ],
    ids=["malformed TOML", "NaN in a CSV", "a pickle as weights"],
)
@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
def test_real_process(tmp_path, weights, what, build, words):
    result = run(*build(Workspace(tmp_path, weights)))
    assert_clear(result.returncode, result.stdout, result.stderr, words)


def _pickle(tmp: Path) -> str:
    import torch

    path = tmp / "model.pt"
    torch.save({"weight": torch.zeros(2)}, path)
    return str(path)


@pytest.fixture
def shared_dir():
    """A folder another user can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="rnn-tui-perm-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _as_another_user() -> int | None:
    if os.geteuid() != 0:
        return None  # already not root: permissions apply to us
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot drop privileges to test permissions")
    return 65534  # nobody


def test_unwritable_output_folder(shared_dir):
    user = _as_another_user()
    locked = shared_dir / "locked"
    locked.mkdir(mode=0o555)
    result = run("train", "sine-waves", "--steps", "1", "--json", str(locked / "out.json"), user=user, cwd=shared_dir)
    assert_clear(result.returncode, result.stdout, result.stderr, ("--json", "locked", "permission denied"))


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
def test_unreadable_scenario_file(shared_dir):
    user = _as_another_user()
    secret = shared_dir / "secret.toml"
    secret.write_text(GOOD, encoding="utf-8")
    secret.chmod(0o000)
    result = run("train", str(secret), "--steps", "1", user=user, cwd=shared_dir)
    assert_clear(result.returncode, result.stdout, result.stderr, ("secret.toml", "cannot be read", "Permission denied"))
