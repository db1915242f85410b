"""Reading a sweep back from the JSON file `rnn-tui sweep --json FILE` wrote.

Only what was measured is read (the plan's lists, the goal, each point); the aggregates,
timing fits and chance level in the file are derived from those and computed again, so
a result read back writes the same file. A file that is not a sweep, or one edited by
hand into nonsense, gives one paragraph naming the file, the field and the bad value.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.sweep import value_key
from rnn_tui.core.vocabulary import CELLS, METRICS, Metric

if TYPE_CHECKING:
    from rnn_tui.core.sweep import SweepPlan, SweepPoint, SweepResult, SweepRun, Value

WRITTEN_BY = "a sweep file is what `rnn-tui sweep SCENARIO --vary KEY=V1,V2 --json FILE` writes"
NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}  # see sweep._finite


class _Reader:
    """Checks one field at a time; every complaint names the file and the field."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, field: str, value: object, allowed: str) -> RnnTuiError:
        shown = json.dumps(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return RnnTuiError(f"{self.path}: field {field!r} is {shown}; expected {allowed} ({WRITTEN_BY}).")

    def get(self, data: dict[str, Any], key: str, where: str = "") -> Any:
        field = f"{where}{key}"
        if key not in data:
            raise RnnTuiError(f"{self.path}: field {field!r} is missing; is this a sweep file? ({WRITTEN_BY}).")
        return data[key]

    def text(self, data: dict[str, Any], key: str, where: str = "") -> str:
        value = self.get(data, key, where)
        if not isinstance(value, str) or not value:
            raise self.fail(where + key, value, "a non-empty string")
        return value

    def whole(self, data: dict[str, Any], key: str, where: str = "", low: int = 0) -> int:
        value = self.get(data, key, where)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise self.fail(where + key, value, f"a whole number of at least {low}")
        return value

    def number(self, data: dict[str, Any], key: str, where: str = "", finite: bool = False) -> float:
        value = self.get(data, key, where)
        if isinstance(value, str) and value in NON_FINITE and not finite:
            return NON_FINITE[value]
        # json reads NaN and Infinity as floats: a finite field refuses them too.
        if isinstance(value, bool) or not isinstance(value, int | float) or (finite and not math.isfinite(value)):
            raise self.fail(where + key, value, "a finite number" if finite else 'a number (or "nan")')
        return float(value)

    def flag(self, data: dict[str, Any], key: str, where: str = "") -> bool:
        value = self.get(data, key, where)
        if not isinstance(value, bool):
            raise self.fail(where + key, value, "true or false")
        return value

    def table(self, data: dict[str, Any], key: str, where: str = "") -> dict[str, Any]:
        value = self.get(data, key, where)
        if not isinstance(value, dict):
            raise self.fail(where + key, value, "a table {...}")
        return value

    def items(self, data: dict[str, Any], key: str, allowed: str) -> list[Any]:
        value = self.get(data, key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, value, f"a non-empty list of {allowed}")
        return value


def read_sweep(path: str | Path) -> SweepResult:
    """The sweep in ``path``; RnnTuiError (one paragraph) if it cannot be read as one."""
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RnnTuiError(f"{path}: no such file; give the path of a sweep's .json file.") from None
    except IsADirectoryError:
        raise RnnTuiError(f"{path}: is a folder; give the path of a sweep's .json file.") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise RnnTuiError(f"{path}: cannot read it ({reason}).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RnnTuiError(
            f"{path}: not JSON (line {error.lineno}, column {error.colno}: {error.msg}); {WRITTEN_BY}."
        ) from None
    if not isinstance(data, dict):
        raise _Reader(path).fail("(top level)", data, "a table {...}")
    return sweep_from_dict(data, path)


def sweep_from_dict(data: dict[str, Any], path: Path) -> SweepResult:
    """The sweep in ``data`` (a parsed sweep file); errors name ``path``."""
    from rnn_tui.core.sweep import SweepResult

    read = _Reader(path)
    plan = _plan(read, data)
    items = read.get(data, "points")
    if not isinstance(items, list):
        raise read.fail("points", items, "a list of the runs measured")
    points = tuple(_point(read, plan, item, index) for index, item in enumerate(items))
    _no_repeated_runs(read, points)
    return SweepResult(
        plan=plan,
        points=points,
        interrupted=read.flag(data, "interrupted"),
        workers=read.whole(data, "workers", low=1),
        seconds=read.number(data, "seconds", finite=True),
    )


def _plan(read: _Reader, data: dict[str, Any]) -> SweepPlan:
    from rnn_tui.core.sweep import SweepPlan

    scenario, key = read.text(data, "scenario"), read.text(data, "key")
    values = tuple(_value(read, v, f"values[{i}]") for i, v in enumerate(read.items(data, "values", "values")))
    cells = tuple(read.items(data, "cells", "cells"))
    for index, cell in enumerate(cells):
        if cell not in CELLS:
            raise read.fail(f"cells[{index}]", cell, f"one of {', '.join(CELLS)}")
    seeds = tuple(read.items(data, "seeds", "seeds"))
    for index, seed in enumerate(seeds):
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise read.fail(f"seeds[{index}]", seed, "a whole number of at least 0")
    for name, items in (("values", [value_key(v) for v in values]), ("cells", cells), ("seeds", seeds)):
        if len(set(items)) != len(items):
            raise read.fail(name, data[name], "each item once")
    goal = read.table(data, "goal")
    metric = read.get(goal, "metric", "goal.")
    if metric not in METRICS:
        raise read.fail("goal.metric", metric, f"one of {', '.join(METRICS)}")
    target = read.number(goal, "target", "goal.", finite=True)
    runs = _runs(read, data, key, values, cells, seeds)
    return SweepPlan(scenario, key, values, cells, seeds, _metric(metric), target, runs)


def _metric(name: str) -> Metric:
    return next(m for m in METRICS if m == name)


def _runs(
    read: _Reader, data: dict[str, Any], key: str, values: tuple[Value, ...], cells: tuple[str, ...],
    seeds: tuple[int, ...],
) -> tuple[SweepRun, ...]:
    """The plan's runs, in the order plan_sweep makes them, without their scenarios."""
    from rnn_tui.core.sweep import SweepRun

    steps = read.items(data, "steps", "training steps")
    for index, item in enumerate(steps):
        if isinstance(item, bool) or not isinstance(item, int) or item < 1:
            raise read.fail(f"steps[{index}]", item, "a whole number of at least 1")
    planned = read.whole(data, "runs_planned", low=1)
    if planned != len(values) * len(cells) * len(seeds):
        raise read.fail("runs_planned", planned, f"{len(values)} values x {len(cells)} cells x "
                        f"{len(seeds)} seeds = {len(values) * len(cells) * len(seeds)}")
    if len(steps) == 1:
        per_value = {value_key(v): steps[0] for v in values}
    elif key == "training.steps" and sorted(steps) == sorted(v for v in values if isinstance(v, int)):
        per_value = {value_key(v): v for v in values}  # the varied key is the step count
    else:
        raise read.fail("steps", steps, "one step count for every run (several only when the varied key is training.steps)")
    runs = [(value, cell, seed) for value in values for cell in cells for seed in seeds]
    return tuple(SweepRun(i, v, c, s, per_value[value_key(v)]) for i, (v, c, s) in enumerate(runs))


def _value(read: _Reader, value: object, field: str) -> Value:
    if isinstance(value, bool | int | str) or (isinstance(value, float) and math.isfinite(value)):
        return value
    raise read.fail(field, value, "a number, a string, true or false")


def _point(read: _Reader, plan: SweepPlan, item: object, index: int) -> SweepPoint:
    from rnn_tui.core.sweep import SweepPoint

    where = f"points[{index}]."
    if not isinstance(item, dict):
        raise read.fail(where[:-1], item, "a table {...}")
    value = read.get(item, "value", where)
    if value_key(value) not in {value_key(v) for v in plan.values}:
        raise read.fail(where + "value", value, f"one of the values {json.dumps(list(plan.values))}")
    cell = read.get(item, "cell", where)
    if cell not in plan.cells:
        raise read.fail(where + "cell", cell, f"one of the cells {', '.join(plan.cells)}")
    seed = read.get(item, "seed", where)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed not in plan.seeds:  # 0.0 == 0 in Python
        raise read.fail(where + "seed", seed, f"one of the seeds {', '.join(map(str, plan.seeds))}")
    diverged = read.get(item, "diverged", where)
    if diverged is not None and not isinstance(diverged, str):
        raise read.fail(where + "diverged", diverged, "null or a string saying why")
    chance = read.get(item, "chance", where)
    return SweepPoint(
        value=value, cell=cell, seed=seed,
        timesteps=read.whole(item, "timesteps", where, low=1),
        metric=read.number(item, "metric", where),
        reached=read.flag(item, "reached", where),
        diverged=diverged,
        steps=read.whole(item, "steps", where),
        seconds_per_step=read.number(item, "seconds_per_step", where),
        seconds_per_forward=read.number(item, "seconds_per_forward", where),
        held_out=read.whole(item, "held_out", where),
        seconds=read.number(item, "seconds", where),
        chance=None if chance is None else read.number(item, "chance", where, finite=True),
    )


def _no_repeated_runs(read: _Reader, points: tuple[SweepPoint, ...]) -> None:
    seen: set[tuple[tuple[str, str], str, int]] = set()
    for index, p in enumerate(points):
        run = (value_key(p.value), p.cell, p.seed)
        if run in seen:
            raise read.fail(f"points[{index}]", {"value": p.value, "cell": p.cell, "seed": p.seed},
                            "each (value, cell, seed) run once")
        seen.add(run)
