"""Running rnn-tui in this process, for the command-line tests."""

import subprocess

import pytest

from rnn_tui.cli import main


@pytest.fixture
def run_here(capsys):
    """In this process (torch already loaded), for the many error cases; same exit codes."""

    def call(*args: str) -> subprocess.CompletedProcess:
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's own errors
            code = exit_.code
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out.out, out.err)

    return call
