"""Lesson progress: in the state directory, written atomically, a corrupt file ignored with a note."""

import json
import os

import pytest

from rnn_tui.core.lessons import progress
from rnn_tui.core.lessons.progress import (
    LessonProgress,
    load_progress,
    progress_path,
    save_progress,
)


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_TUI_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def test_the_state_directory(tmp_path, monkeypatch, state):
    assert progress_path() == state / "lessons.json"
    monkeypatch.delenv("RNN_TUI_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert progress_path() == tmp_path / "xdg" / "rnn-tui" / "lessons.json"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert progress_path() == tmp_path / "home" / ".local" / "state" / "rnn-tui" / "lessons.json"


def test_nothing_saved_yet_is_no_progress():
    assert load_progress() == {}


def test_saved_progress_is_read_back_and_finished_stays_finished(state):
    save_progress("one-neuron", 2, finished=False)
    save_progress("memory", 4, finished=True)
    save_progress("memory", 1, finished=False)  # replaying a finished lesson
    assert load_progress() == {"one-neuron": LessonProgress(2, False), "memory": LessonProgress(1, True)}
    assert json.loads((state / "lessons.json").read_text())["version"] == 1
    assert [p.name for p in state.iterdir()] == ["lessons.json"]  # no temporary file left


@pytest.mark.parametrize("content", ["{not json", '{"lessons": {"x": {"step": "two"}}}', "[]", '"text"', ""])
def test_a_corrupt_file_is_reported_and_ignored(state, capsys, content):
    state.mkdir()
    (state / "lessons.json").write_text(content)
    assert load_progress() == {}
    err = capsys.readouterr().err
    assert "lesson progress in" in err and "cannot be read" in err and "starting afresh" in err
    save_progress("gates", 3, finished=False)  # and it is rewritten whole
    assert load_progress() == {"gates": LessonProgress(3, False)}


def test_a_failed_write_leaves_the_old_file_whole(state, monkeypatch):
    save_progress("one-neuron", 1, finished=False)
    before = (state / "lessons.json").read_text()

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        save_progress("one-neuron", 5, finished=True)
    assert (state / "lessons.json").read_text() == before
    assert [p.name for p in state.iterdir()] == ["lessons.json"]
    assert progress.load_progress() == {"one-neuron": LessonProgress(1, False)}
