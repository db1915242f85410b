"""Lesson files: TOML -> validated ``Lesson``; every error names file, line, field, value, allowed.

Validation is strict and happens at load time, without torch: unknown keys, wrong types,
unknown actions, scenarios, cells, panels, setting keys, and unknown quantity names in
claims and templates are all refused with one paragraph a teacher can act on.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnn_tui.core.errors import RnnTuiError, ScenarioError
from rnn_tui.core.lessons.expressions import template_fields
from rnn_tui.core.lessons.model import (
    CHOICE_KEYS,
    PANELS,
    Ablate,
    Action,
    Check,
    Choice,
    Compare,
    Intervene,
    Lesson,
    LessonStep,
    OpenScenario,
    Question,
    SetCell,
    SetField,
    ShowPanel,
    ShowSample,
    ShowTimestep,
    Sweep,
    Train,
)
from rnn_tui.core.lessons.quantities import (
    MAX_SWEEP_VALUES,
    ExpressionError,
    check_kinds,
    claim_names,
    is_quantity,
    template_names,
)
from rnn_tui.core.toml_lines import line_of_key
from rnn_tui.core.vocabulary import CELLS, GATE_NAMES

MAX_LESSON_BYTES = 200_000
MAX_TRAIN_STEPS = 100_000
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# The `trace --intervene` grammar's shape (interventions.py checks it fully against the model).
_INTERVENTION = re.compile(
    r"^((rnn|encoder|decoder)\.)?(layer\d+\.)?[hcifgorzn]:(\*|\d+(\.\.\d+)?|\d+(,\d+)*)"
    r"@(\*|\d+(\.\.(\d+)?)?)=-?\d+(\.\d*)?$"
)
# The keys a lesson may set (model.cell and training.seed excepted, see _change).
SETTING_SECTIONS = ("model.", "training.", "goal.", "data.params.")
# The recurrent parts of each topology's model, as the intervention grammar names them
# (core/topologies.py builds them: "rnn", or "decoder", or "encoder" and "decoder").
PARTS: dict[str, tuple[str, ...]] = {"seq2seq": ("rnn",), "seq2vec": ("rnn",), "vec2seq": ("decoder",),
                                     "encoder-decoder": ("encoder", "decoder")}
TOP_KEYS = ("name", "title", "order", "summary", "hide_panels", "hide_keys", "step")
STEP_KEYS = ("say", "ask", "do", "check")
ACTION_KEYS: dict[str, tuple[str, ...]] = {
    "open": ("open", "set"),
    "cell": ("cell",),
    "field": ("field", "value"),
    "show": ("show",),
    "timestep": ("timestep",),
    "sample": ("sample",),
    "train": ("train", "until_goal"),
    "compare": ("compare",),
    "sweep": ("sweep", "values", "cells", "steps"),
    "intervene": ("intervene",),
    "ablate": ("ablate",),
}
ACTION_HELP = (
    '{ open = "SCENARIO", set = ["key=value", ...] }, { cell = "rnn|lstm|gru" }, '
    '{ field = "data.params.seq_len", value = 30 }, { show = "PANEL" }, { timestep = 1 }, '
    '{ sample = "WORD" } or { sample = 3 }, { train = 300 }, { train = "goal" }, '
    '{ train = 300, until_goal = true }, { compare = 300 }, '
    '{ sweep = "KEY", values = [...], cells = ["rnn", ...], steps = 200 }, '
    '{ intervene = "h:0@1..=0" }, { ablate = true }'
)


class LessonError(RnnTuiError):
    """A lesson file (or name) that cannot be used; the message is one paragraph."""

    def __init__(self, file: str, line: int | None, field: str, value: Any, allowed: str,
                 problem: str = "") -> None:
        self.file, self.line, self.field, self.value, self.allowed = file, line, field, value, allowed
        at = f", line {line}" if line else ""
        shown = "" if value is _MISSING else f" = {_shown(value)}"
        what = f": {problem}" if problem else ""
        super().__init__(f"{file}{at}: {field}{shown}{what}; allowed: {allowed}.")


_MISSING: Any = object()


def _same_kind(old: Any, new: Any) -> bool:
    """Whether ``new`` can stand where the scenario has ``old`` (an int where a float is)."""
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool)
    if isinstance(old, float):
        return isinstance(new, (int, float))
    return type(old) is type(new)


def _kind_word(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    return "text" if isinstance(value, str) else type(value).__name__


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:60]}... ({len(text):,} characters)"


# -- where things are in the text --------------------------------------------------------------


@dataclass
class _Lines:
    """Line numbers of ``[[step]]`` blocks and the keys and action tables inside them."""

    text: str

    def __post_init__(self) -> None:
        self.lines = self.text.splitlines()
        self.steps = [n for n, line in enumerate(self.lines, start=1)
                      if re.match(r"^\s*\[\[\s*step\s*\]\]", line)]

    def top(self, key: str) -> int | None:
        return line_of_key(self.text, [key])

    def step(self, index: int) -> int:
        return self.steps[index] if index < len(self.steps) else 0

    def _block(self, index: int) -> range:
        start = self.step(index)
        end = self.steps[index + 1] if index + 1 < len(self.steps) else len(self.lines) + 1
        return range(start, end)

    def key(self, index: int, key: str) -> int:
        """The line of ``key =`` inside step ``index`` (else the step's own line)."""
        for number in self._block(index):
            if re.match(rf"^\s*{re.escape(key)}\s*=", self.lines[number - 1]):
                return number
        return self.step(index)

    def action(self, index: int, position: int, key: str = "do") -> int:
        """The line of the ``position``-th inline table (from 0) after the step's ``key =``."""
        start = self.key(index, key)
        seen = -1
        for number in range(start, self._block(index).stop):
            line = self.lines[number - 1]
            if number == start:
                line = line.split("=", 1)[-1]
            seen += _unquoted(line).count("{")
            if seen >= position:
                return number
        return start


def _unquoted(line: str) -> str:
    return re.sub(r'"(\\.|[^"\\])*"|\'[^\']*\'', '""', line.split("#", 1)[0])


# -- the loader ---------------------------------------------------------------------------------


def lessons_dir() -> Path:
    """Where built-in lessons live: inside the wheel, or the repo's ./lessons."""
    package = Path(__file__).resolve().parents[2]
    for candidate in (package / "lessons", package.parent / "lessons"):
        if candidate.is_dir():
            return candidate
    raise LessonError(str(package / "lessons"), None, "lessons", _MISSING,
                      "a folder of lesson files shipped with rnn-tui", "built-in lessons not found")


def builtin_lessons(validate_data: bool = False) -> list[Lesson]:
    """Every built-in lesson, in the lecture's order."""
    lessons = [load_lesson(path, validate_data) for path in sorted(lessons_dir().glob("*.toml"))]
    return sorted(lessons, key=lambda lesson: (lesson.order, lesson.name))


def find_lesson(name_or_path: str | Path, validate_data: bool = False) -> Lesson:
    """A built-in lesson by name, or a lesson file by path."""
    text = str(name_or_path)
    candidate = Path(text).expanduser()
    if candidate.suffix == ".toml" or "/" in text:
        return load_lesson(candidate, validate_data)
    lessons = builtin_lessons(validate_data)
    for lesson in lessons:
        if lesson.name == text:
            return lesson
    raise LessonError("rnn-tui learn", None, "lesson", text,
                      ", ".join(lesson.name for lesson in lessons) + " (or a path to a .toml file)",
                      "no built-in lesson has this name")


def load_lesson(path: str | Path, validate_data: bool = False) -> Lesson:
    """Read and validate one lesson file; LessonError naming file, line, field and value.

    Every setting is checked as the run will apply it (``parse_value``, then core/changes.py,
    as ``--set`` is). ``validate_data`` also checks data.params values against the data
    generator's bounds: that imports the data package and with it torch, so the list of
    lessons leaves it off and ``--check`` (about to train anyway) turns it on; without it a
    data.params value still has to be of the right kind (a whole number for seq_len).
    """
    path = Path(path)
    text = _read(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+)", str(error))
        raise LessonError(str(path), int(found.group(1)) if found else None, "the file", _MISSING, "TOML text (https://toml.io)",
                          f"this is not valid TOML: {error}") from None
    return _Reader(str(path), _Lines(text), path, validate_data).lesson(raw)


def _read(path: Path) -> str:
    where = str(path)
    try:
        if path.is_dir() or (path.exists() and not path.is_file()):
            raise LessonError(where, None, "the file", _MISSING, "a lesson file (.toml)", "is not a regular file")
        if path.is_file() and path.stat().st_size > MAX_LESSON_BYTES:
            raise LessonError(where, None, "the file", _MISSING, f"at most {MAX_LESSON_BYTES:,} bytes",
                              "is too large for a lesson")
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise LessonError(where, None, "the file", _MISSING, "a path to a lesson .toml file",
                          "no such file") from None
    except UnicodeDecodeError:
        raise LessonError(where, None, "the file", _MISSING, "UTF-8 text", "is not UTF-8 text") from None
    except OSError as error:
        raise LessonError(where, None, "the file", _MISSING, "a readable file",
                          f"cannot be read ({error.strerror})") from None


class _Reader:
    """Reads one lesson's TOML data, tracking the scenario its actions have set so far."""

    def __init__(self, file: str, lines: _Lines, path: Path, validate_data: bool = False) -> None:
        self.file, self.lines, self.path, self.validate_data = file, lines, path, validate_data
        self.scenario: Any = None  # the Scenario as the actions so far have set it
        self.sweep_values = 0

    def fail(self, line: int | None, field: str, value: Any, allowed: str, problem: str = "") -> LessonError:
        return LessonError(self.file, line, field, value, allowed, problem)

    # top level
    def lesson(self, raw: dict[str, Any]) -> Lesson:
        self._known_keys(raw, TOP_KEYS, "", lambda key: self.lines.top(key))
        name = raw.get("name", self.path.stem)
        self._text(name, "name", self.lines.top("name"), "lower-case letters, digits, - and _ (e.g. "
                   "vanishing-gradients)", pattern=_NAME)
        title = self._text(self._required(raw, "title", self.lines.top("title")), "title",
                           self.lines.top("title"), "a line of 1 to 80 characters", limit=80)
        summary = self._text(self._required(raw, "summary", self.lines.top("summary")), "summary",
                             self.lines.top("summary"), "a sentence of 1 to 200 characters", limit=200)
        order = self._required(raw, "order", self.lines.top("order"))
        if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 1000:
            raise self.fail(self.lines.top("order"), "order", order, "a whole number from 0 to 1000")
        hide_panels = self._strings(raw.get("hide_panels", []), "hide_panels", self.lines.top("hide_panels"),
                                    PANELS)
        hide_keys = self._strings(raw.get("hide_keys", []), "hide_keys", self.lines.top("hide_keys"), None)
        steps = raw.get("step")
        if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
            raise self.fail(self.lines.top("step"), "step", _MISSING if steps is None else steps,
                            "one or more [[step]] tables, each with say = \"...\"",
                            "a lesson needs steps")
        return Lesson(name=name, title=title, summary=summary, path=self.path, order=order,
                      hide_panels=hide_panels, hide_keys=hide_keys,
                      steps=tuple(self.step(i, s) for i, s in enumerate(steps)))

    # one step
    def step(self, index: int, raw: dict[str, Any]) -> LessonStep:
        where = f"step {index + 1}"
        self._known_keys(raw, STEP_KEYS, f"{where}.", lambda key: self.lines.key(index, key))
        say = self._text(self._required(raw, "say", self.lines.step(index), f"{where}.say"), f"{where}.say",
                         self.lines.key(index, "say"), "text for the learner", limit=2000)
        # The actions first: a question is answered on what they measure (e.g. a sweep's values).
        actions = self._actions(index, raw.get("do", []))
        ask = self._question(index, raw["ask"]) if "ask" in raw else None
        check = self._check(index, raw["check"]) if "check" in raw else None
        return LessonStep(line=self.lines.step(index), say=say, actions=actions, ask=ask, check=check)

    def _question(self, index: int, raw: Any) -> Question:
        line, field = self.lines.key(index, "ask"), f"step {index + 1}.ask"
        if not isinstance(raw, dict):
            raise self.fail(line, field, raw, '{ prompt = "...", choices = [{ key = "a", text = "...", '
                            'holds = "CLAIM" }, ...] }')
        self._known_keys(raw, ("prompt", "choices"), f"{field}.", line)
        prompt = self._text(self._required(raw, "prompt", line, f"{field}.prompt"), f"{field}.prompt", line,
                            "a question of 1 to 300 characters", limit=300)
        choices = raw.get("choices")
        if not isinstance(choices, list) or not 2 <= len(choices) <= 4:
            raise self.fail(line, f"{field}.choices", choices if choices is not None else _MISSING,
                            "2 to 4 choices, each { key = \"a\", text = \"...\", holds = \"CLAIM\" }")
        out = []
        for position, choice in enumerate(choices):
            where = f"{field}.choices[{position + 1}]"
            line = self.lines.action(index, position + 1, "ask")  # the ask table itself is the first
            if not isinstance(choice, dict):
                raise self.fail(line, where, choice, '{ key = "a", text = "...", holds = "CLAIM" }')
            self._known_keys(choice, ("key", "text", "holds"), f"{where}.", line)
            key = self._required(choice, "key", line, f"{where}.key")
            if key != CHOICE_KEYS[position]:
                raise self.fail(line, f"{where}.key", key, f"{', '.join(map(repr, CHOICE_KEYS))} in order "
                                f"(this is choice {position + 1}, so {CHOICE_KEYS[position]!r})")
            text = self._text(self._required(choice, "text", line, f"{where}.text"), f"{where}.text", line,
                              "an answer of 1 to 120 characters", limit=120)
            holds = self._claim(self._required(choice, "holds", line, f"{where}.holds"), f"{where}.holds", line)
            out.append(Choice(key=key, text=text, holds=holds))
        return Question(prompt=prompt, choices=tuple(out))

    def _check(self, index: int, raw: Any) -> Check:
        line, field = self.lines.key(index, "check"), f"step {index + 1}.check"
        if not isinstance(raw, dict):
            raise self.fail(line, field, raw, '{ claim = "CLAIM", reveal = "TEMPLATE", otherwise = "TEMPLATE" }')
        self._known_keys(raw, ("claim", "reveal", "otherwise"), f"{field}.", line)
        claim = self._claim(self._required(raw, "claim", line, f"{field}.claim"), f"{field}.claim", line)
        reveal = self._template(self._required(raw, "reveal", line, f"{field}.reveal"), f"{field}.reveal", line)
        otherwise = self._template(self._required(raw, "otherwise", line, f"{field}.otherwise"),
                                   f"{field}.otherwise", line)
        return Check(claim=claim, reveal=reveal, otherwise=otherwise)

    # actions
    def _actions(self, index: int, raw: Any) -> tuple[Action, ...]:
        field = f"step {index + 1}.do"
        if isinstance(raw, dict):
            raw = [raw]
        if not isinstance(raw, list):
            raise self.fail(self.lines.key(index, "do"), field, raw, "a list of action tables: " + ACTION_HELP)
        return tuple(self._action(index, position, item) for position, item in enumerate(raw))

    def _action(self, index: int, position: int, raw: Any) -> Action:
        line, field = self.lines.action(index, position), f"step {index + 1}.do[{position + 1}]"
        if not isinstance(raw, dict):
            raise self.fail(line, field, raw, "an action table: " + ACTION_HELP)
        kinds = [key for key in raw if key in ACTION_KEYS]
        if len(kinds) != 1:
            shown = ", ".join(raw) or "no key"
            raise self.fail(line, field, raw, f"exactly one action per table, one of {', '.join(ACTION_KEYS)}: "
                            + ACTION_HELP, f"has {shown}")
        kind = kinds[0]
        self._known_keys(raw, ACTION_KEYS[kind], f"{field}.", line)
        value = raw[kind]
        build: dict[str, Callable[[], Action]] = {
            "open": lambda: self._open(value, raw.get("set", []), line, field),
            "cell": lambda: self._cell(value, line, field),
            "field": lambda: self._field(value, raw, line, field),
            "show": lambda: ShowPanel(self._choice(value, PANELS, line, f"{field}.show")),
            "timestep": lambda: ShowTimestep(self._count(value, line, f"{field}.timestep", 1, 100_000)),
            "sample": lambda: self._sample(value, line, field),
            "train": lambda: self._train(value, raw.get("until_goal"), line, field),
            "compare": lambda: self._after_open(Compare(self._count(value, line, f"{field}.compare", 1,
                                                                     MAX_TRAIN_STEPS)), line, field),
            "sweep": lambda: self._sweep(raw, line, field),
            "intervene": lambda: self._intervene(value, line, field),
            "ablate": lambda: self._ablate(value, line, field),
        }
        return build[kind]()

    def _open(self, name: Any, settings: Any, line: int, field: str) -> OpenScenario:
        from rnn_tui.core.scenario import builtin_names, load_scenario

        names = builtin_names()
        if not isinstance(name, str) or name not in names:
            raise self.fail(line, f"{field}.open", name, ", ".join(names))
        items = self._strings(settings, f"{field}.set", line, None)
        scenario = load_scenario(name)
        for item in items:
            scenario = self._apply(scenario, item, line, f"{field}.set")
        self.scenario = scenario
        return OpenScenario(scenario=name, settings=items)

    def _apply(self, scenario: Any, item: str, line: int, field: str) -> Any:
        """``key=value`` applied to the scenario, or an error naming the key and value."""
        from rnn_tui.core.changes import parse_setting

        try:
            key, value = parse_setting(item)
        except ScenarioError:
            raise self.fail(line, field, item, '"key=value" items such as "data.params.seq_len=30"') from None
        return self._change(scenario, key, value, line, field, item)

    def _change(self, scenario: Any, key: str, value: Any, line: int, field: str, shown: Any,
                key_field: str | None = None) -> Any:
        """The scenario with ``key`` = ``value`` (the value as the run applies it: after
        ``parse_value``), checked as ``--set`` checks it (core/changes.py). A bad key is
        reported under ``key_field`` (default ``field``), a bad value under ``field``."""
        from rnn_tui.core.changes import apply_changes, bounds_text, check_data_params

        self._known_setting(scenario, key, line, key_field or field, key if key_field else shown)
        if key.startswith("data.params."):
            params = scenario.data.params
            leaf = key.removeprefix("data.params.")
            if not _same_kind(params[leaf], value):
                raise self.fail(line, field, f"{shown} (read as {value!r})",
                                f"{_kind_word(params[leaf])}, like the scenario's {key} = {params[leaf]!r}")
            changed = scenario.with_changes({key: value})
            if self.validate_data:  # the generator's own bounds (imports the data package, torch)
                try:
                    check_data_params(changed)
                except ScenarioError as error:
                    raise self.fail(line, field, shown, "a value the data generator accepts", str(error)) from None
            return changed
        try:
            return apply_changes(scenario, {key: value})
        except ScenarioError as error:
            allowed = bounds_text(scenario, key) if key.startswith(("model.", "training.")) else ""
            raise self.fail(line, field, shown, allowed or "a value the scenario accepts", str(error)) from None

    def _known_setting(self, scenario: Any, key: str, line: int, field: str, shown: Any) -> None:
        """A key a lesson may set, and one the scenario has."""
        from rnn_tui.core.scenario import ModelSpec, TrainingSpec

        if key in ("model.cell", "training.seed"):
            raise self.fail(line, field, shown, "a setting other than the cell (use { cell = ... }) "
                            "and the seed (the learner's run chooses it)")
        section, _, leaf = key.partition(".")
        if key.startswith("data.params."):
            params = scenario.data.params
            if key.removeprefix("data.params.") not in params:
                raise self.fail(line, field, shown, "data.params keys of scenario "
                                f"{scenario.name!r}: {', '.join(sorted(params)) or 'none'}")
            return
        known = {"model": ModelSpec.model_fields, "training": TrainingSpec.model_fields,
                 "goal": type(scenario.goal).model_fields}.get(section, {})
        if leaf not in known:
            raise self.fail(line, field, shown, "dotted keys under " + ", ".join(SETTING_SECTIONS)
                            + " e.g. model.hidden_size, training.learning_rate, training.clip, "
                            "data.params.seq_len (for other data, open another scenario)")

    def _need_scenario(self, line: int, field: str) -> None:
        if self.scenario is None:
            raise self.fail(line, field, _MISSING, "an { open = \"SCENARIO\" } action in this or an "
                            "earlier step first", "no scenario is open yet")

    def _after_open(self, action: Action, line: int, field: str) -> Action:
        self._need_scenario(line, field)
        return action

    def _cell(self, cell: Any, line: int, field: str) -> SetCell:
        cell = self._choice(cell, CELLS, line, f"{field}.cell")
        self._need_scenario(line, field)
        self.scenario = self.scenario.with_changes({"model.cell": cell})
        return SetCell(cell)

    def _field(self, key: Any, raw: Mapping[str, Any], line: int, field: str) -> SetField:
        from rnn_tui.core.changes import parse_value, toml_value

        self._need_scenario(line, field)
        if not isinstance(key, str):
            raise self.fail(line, f"{field}.field", key, "a dotted key such as data.params.seq_len")
        if "value" not in raw:
            raise self.fail(line, f"{field}.value", _MISSING, "a number, true/false or text")
        value = raw["value"]
        if not isinstance(value, (int, float, bool, str)):
            raise self.fail(line, f"{field}.value", value, "a number, true/false or text")
        text = value if isinstance(value, str) else toml_value(value)
        self.scenario = self._change(self.scenario, key, parse_value(text), line, f"{field}.value",
                                     f"{key} = {value!r}", key_field=f"{field}.field")
        return SetField(field=key, value=text)

    def _sample(self, value: Any, line: int, field: str) -> ShowSample:
        self._need_scenario(line, field)
        if isinstance(value, bool) or not isinstance(value, (int, str)) or (isinstance(value, str) and not value):
            raise self.fail(line, f"{field}.sample", value, "a held-out example's index (0, 1, ...) or a word "
                            "the example must contain (the first such example is shown)")
        if isinstance(value, int):
            return ShowSample(index=self._count(value, line, f"{field}.sample", 0, 100_000), contains=None)
        return ShowSample(index=None, contains=value)

    def _train(self, value: Any, until_goal: Any, line: int, field: str) -> Train:
        self._need_scenario(line, field)
        if until_goal is not None and not isinstance(until_goal, bool):
            raise self.fail(line, f"{field}.until_goal", until_goal, "true or false")
        if value == "goal":
            if until_goal is not None:
                raise self.fail(line, f"{field}.until_goal", until_goal, 'train = "goal" alone, or train = N '
                                "with until_goal = true")
            return Train(steps=None, until_goal=True)
        steps = self._count(value, line, f"{field}.train", 1, MAX_TRAIN_STEPS, 'or "goal"')
        return Train(steps=steps, until_goal=bool(until_goal))

    def _sweep(self, raw: Mapping[str, Any], line: int, field: str) -> Sweep:
        from rnn_tui.core.changes import parse_value, toml_value

        self._need_scenario(line, field)
        key = raw["sweep"]
        if not isinstance(key, str):
            raise self.fail(line, f"{field}.sweep", key, "a dotted key such as data.params.seq_len")
        values = raw.get("values")
        if not isinstance(values, list) or not 2 <= len(values) <= MAX_SWEEP_VALUES:
            raise self.fail(line, f"{field}.values", values if values is not None else _MISSING,
                            f"a list of 2 to {MAX_SWEEP_VALUES} values")
        texts = []
        for value in values:
            if not isinstance(value, (int, float, bool, str)):
                raise self.fail(line, f"{field}.values", value, "numbers, true/false or text")
            texts.append(value if isinstance(value, str) else toml_value(value))
            self._change(self.scenario, key, parse_value(texts[-1]), line, f"{field}.values",
                         f"{key} = {value!r}", key_field=f"{field}.sweep")
        cells = raw.get("cells", [self.scenario.model.cell])
        cells = self._strings(cells, f"{field}.cells", line, CELLS)
        if not cells:
            raise self.fail(line, f"{field}.cells", cells, ", ".join(CELLS))
        steps = self._count(self._required(raw, "steps", line, f"{field}.steps"), line, f"{field}.steps",
                            1, MAX_TRAIN_STEPS)
        self.sweep_values = len(values)
        return Sweep(vary=key, values=tuple(texts), cells=cells, steps=steps)

    def _intervene(self, spec: Any, line: int, field: str) -> Intervene:
        self._need_scenario(line, field)
        if not isinstance(spec, str) or not _INTERVENTION.match(spec.replace(" ", "")):
            raise self.fail(line, f"{field}.intervene", spec, "[PART.][layerN.]ROW:UNITS@STEPS=VALUE, e.g. "
                            "h:0@1..=0 (unit 0 of h clamped to 0 from step 1 on) or f:*@2=0")
        self._intervention_fits(spec.replace(" ", ""), line, f"{field}.intervene")
        return Intervene(spec=spec)

    def _intervention_fits(self, spec: str, line: int, field: str) -> None:
        """The spec's part, layer, row and units exist in the model the lesson has set up."""
        model, topology = self.scenario.model, self.scenario.topology
        where, units = spec.split("@", 1)[0].split(":", 1)
        *pieces, row = where.split(".")
        parts = PARTS[topology]
        named = [piece for piece in pieces if not piece.startswith("layer")]
        if (named and named[0] not in parts) or (not named and len(parts) > 1):
            raise self.fail(line, field, spec, f"the parts of a {topology} model: {', '.join(parts)}"
                            + (" (name one: the model has two)" if len(parts) > 1 else ""))
        layers = [int(piece.removeprefix("layer")) for piece in pieces if piece.startswith("layer")]
        if layers and not 1 <= layers[0] <= model.num_layers:
            raise self.fail(line, field, spec, f"layer1 to layer{model.num_layers} (model.num_layers "
                            f"= {model.num_layers})")
        rows = ("h", "c", *GATE_NAMES["lstm"]) if model.cell == "lstm" else ("h", *GATE_NAMES[model.cell])
        if row not in rows:
            raise self.fail(line, field, spec, f"the rows of the current cell ({model.cell}): {', '.join(rows)}")
        numbers = [int(n) for n in re.findall(r"\d+", units)]
        if numbers and max(numbers) >= model.hidden_size:
            raise self.fail(line, field, spec, f"units 0 to {model.hidden_size - 1} (model.hidden_size "
                            f"= {model.hidden_size}), or *")

    def _ablate(self, value: Any, line: int, field: str) -> Ablate:
        self._need_scenario(line, field)
        if value is not True:
            raise self.fail(line, f"{field}.ablate", value, "true")
        return Ablate()

    # claims and templates
    def _claim(self, claim: Any, field: str, line: int) -> str:
        if not isinstance(claim, str):
            raise self.fail(line, field, claim, "a claim such as \"grad_ratio.rnn < 1e-3 * grad_ratio.lstm\"")
        try:
            used = claim_names(claim)
            check_kinds(claim)
        except ExpressionError as error:
            raise self.fail(line, field, claim, "names of measured quantities, numbers, \"text\", + - * /, "
                            "< <= > >= == !=, and, or, not, ( ), abs min max log10", str(error)) from None
        self._quantities(used, field, line, claim)
        return claim

    def _template(self, template: Any, field: str, line: int) -> str:
        if not isinstance(template, str):
            raise self.fail(line, field, template, "text with {quantity} or {quantity:.2g} fields")
        try:
            used = template_names(template)
            for expression, _ in template_fields(template):
                check_kinds(expression, claim=False)
        except ExpressionError as error:
            raise self.fail(line, field, template, "text with {quantity} or {quantity:.2g} fields "
                            "({{ and }} for braces)", str(error)) from None
        self._quantities(used, field, line, template)
        return template

    def _quantities(self, used: set[str], field: str, line: int, text: str) -> None:
        unknown = sorted(name for name in used if not is_quantity(name))
        if unknown:
            raise self.fail(line, field, text, "the measured quantities listed in docs/lessons.md "
                            "(e.g. metric.rnn, grad_ratio.lstm, goal, chance, sweep.metric.rnn.1)",
                            f"{', '.join(unknown)} {'is not a' if len(unknown) == 1 else 'are not'} "
                            f"measured quantit{'y' if len(unknown) == 1 else 'ies'}")
        for name in used:
            match = re.search(r"\.(\d+)$", name)
            if name.startswith("sweep.") and match and int(match.group(1)) > self.sweep_values:
                raise self.fail(line, field, text, f"positions 1 to {self.sweep_values} of the latest sweep's "
                                "values (a { sweep = ... } action in this or an earlier step)",
                                f"{name} is past the swept values")

    # plain values
    def _known_keys(self, raw: Mapping[str, Any], allowed: Sequence[str], prefix: str,
                    line: Callable[[str], int | None] | int) -> None:
        for key in raw:
            if key not in allowed:
                at = line if isinstance(line, int) else line(key)
                raise self.fail(at, f"{prefix}{key}", raw[key], f"the keys {', '.join(allowed)}",
                                "is not a known key")

    def _required(self, raw: Mapping[str, Any], key: str, line: int | None, field: str | None = None) -> Any:
        if key not in raw:
            raise self.fail(line, field or key, _MISSING, "a value", "is missing")
        return raw[key]

    def _text(self, value: Any, field: str, line: int | None, allowed: str, limit: int = 64,
              pattern: re.Pattern[str] | None = None) -> str:
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise self.fail(line, field, value, allowed)
        if pattern is not None and not pattern.match(value):
            raise self.fail(line, field, value, allowed)
        return value.strip() if "\n" not in value else value

    def _strings(self, value: Any, field: str, line: int | None, allowed: Sequence[str] | None) -> tuple[str, ...]:
        words = f"a list of: {', '.join(allowed)}" if allowed else "a list of text items"
        if not isinstance(value, list):
            raise self.fail(line, field, value, words)
        for item in value:
            if not isinstance(item, str) or (allowed is not None and item not in allowed):
                raise self.fail(line, field, item, words)
        return tuple(value)

    def _choice(self, value: Any, allowed: Sequence[str], line: int, field: str) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise self.fail(line, field, value, ", ".join(allowed))
        return value

    def _count(self, value: Any, line: int, field: str, low: int, high: int, extra: str = "") -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(line, field, value, f"a whole number from {low:,} to {high:,}" + (f" {extra}" if extra else ""))
        return value
