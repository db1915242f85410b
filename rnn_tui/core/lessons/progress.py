"""Which lessons a learner has done: a small JSON file in the platform's state directory.

$RNN_TUI_STATE_DIR (tests, or a teacher's lab machines), else $XDG_STATE_HOME/rnn-tui,
else ~/.local/state/rnn-tui. Written atomically (a temporary file renamed over the old
one), so a crash mid-write never leaves half a file; a corrupt file is reported once and
ignored, never a crash.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

FILE_NAME = "lessons.json"


@dataclass(frozen=True)
class LessonProgress:
    step: int  # index of the step the learner was at (0-based)
    finished: bool


def state_dir() -> Path:
    override = os.environ.get("RNN_TUI_STATE_DIR")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base).expanduser() / "rnn-tui"


def progress_path() -> Path:
    return state_dir() / FILE_NAME


def load_progress(warn: bool = True) -> dict[str, LessonProgress]:
    """Lesson name -> progress; {} when there is none, or (with a note on stderr) when the
    file cannot be read or is not what this program wrote."""
    path = progress_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {str(name): LessonProgress(step=int(entry["step"]), finished=bool(entry["finished"]))
                for name, entry in raw["lessons"].items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        if warn:
            print(f"rnn-tui: note: lesson progress in {path} cannot be read ({type(error).__name__}: "
                  f"{error}); starting afresh, and the file will be rewritten.", file=sys.stderr)
        return {}


def save_progress(name: str, step: int, finished: bool) -> Path:
    """Remember one lesson's step and whether it is finished (a finished lesson stays finished)."""
    progress = load_progress(warn=False)
    old = progress.get(name)
    progress[name] = LessonProgress(step=step, finished=finished or (old.finished if old else False))
    path = progress_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": 1, "lessons": {key: asdict(value) for key, value in sorted(progress.items())}}
    handle, temporary = tempfile.mkstemp(prefix=".lessons-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
