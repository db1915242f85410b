"""UnrolledNetwork: the recurrent network unrolled in time, x_t -> [cell] -> y_t, h_t carried on.

The lecture's central picture, drawn with box-drawing characters so it reads without
colour: one column per timestep around the cursor, the cursor's cell in heavy lines and
reverse video, its input and output in full.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from rnn_tui.ui.widgets.unrolled_plan import (
    UnrolledPlan,
    UnrolledStep,
    plan_from_scenario,
    plan_from_trace,
)

GAP = 2  # cells between two boxes at least: "─▶"
GAP_SKIP = 4  # between two boxes with steps left out: "─…─▶"
MAX_LABEL = 7  # a label wider than this is cut with "…", except at the cursor
MAX_CURSOR_LABEL = 14
PART_SHORT = {"encoder": "enc", "decoder": "dec", "rnn": ""}
LIGHT = {"tl": "┌", "tr": "┐", "bl": "└", "br": "┘", "h": "─", "l": "┤", "r": "├"}
HEAVY = {"tl": "┏", "tr": "┓", "bl": "┗", "br": "┛", "h": "━", "l": "┫", "r": "┣"}


class _Column(NamedTuple):
    """One drawn timestep: where its column and its box start, and its labels."""

    step: int  # index into plan.steps
    start: int
    width: int
    box: int  # column of the box's left edge
    ruler: str
    x: str | None
    y: str | None


class _Widths(dict[int, int]):
    """Column widths of steps, computed on first use."""

    def __init__(self, width_of: Callable[[int], int]) -> None:
        super().__init__()
        self._width_of = width_of

    def __missing__(self, index: int) -> int:
        self[index] = value = self._width_of(index)
        return value


def _cut(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


class _Canvas:
    """A row of characters with a style name per cell, turned into segments at the end."""

    def __init__(self, width: int) -> None:
        self.chars = [" "] * width
        self.kinds = ["base"] * width

    def put(self, col: int, text: str, kind: str = "base") -> None:
        for offset, char in enumerate(text):
            if 0 <= col + offset < len(self.chars):
                self.chars[col + offset] = char
                self.kinds[col + offset] = kind

    def segments(self, styles: dict[str, Style]) -> list[Segment]:
        out: list[Segment] = []
        start = 0
        for end in range(1, len(self.chars) + 1):
            if end == len(self.chars) or self.kinds[end] != self.kinds[start]:
                text = "".join(self.chars[start:end])
                out.append(Segment(text, styles[self.kinds[start]]))
                start = end
        return out


class UnrolledNetwork(Widget):
    """The network unrolled in time around the cursor (see ``unrolled_plan`` for the columns).

    Rows: the time ruler (dropped when ``compact``), outputs y_t, the cells' top edges
    (↑ where a step outputs), the cells with h_t carried rightwards, the bottom edges
    (↑ where a step reads), inputs x_t. "…" marks steps left out on either side.
    """

    DEFAULT_CSS = """
    UnrolledNetwork { height: auto; }
    UnrolledNetwork > .unrolled--muted { color: $text-muted; }
    UnrolledNetwork > .unrolled--cursor { color: $accent; text-style: bold reverse; }
    UnrolledNetwork > .unrolled--edge { color: $accent; text-style: bold; }
    """
    COMPONENT_CLASSES = {"unrolled--muted", "unrolled--cursor", "unrolled--edge"}

    cursor: reactive[int | None] = reactive(None)
    """Index of the highlighted step in the plan (over all parts), or None."""
    compact: reactive[bool] = reactive(False, layout=True)
    """Five rows instead of six: no time ruler."""

    def __init__(
        self,
        plan: UnrolledPlan | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.plan = plan
        self._rows: list[Strip] | None = None
        self._key: tuple[Any, ...] | None = None
        self._columns: list[_Column] = []
        self._at: int | None = None  # the cursor while a frame is laid out

    # -- data in -----------------------------------------------------------------
    def show_plan(self, plan: UnrolledPlan, cursor: int | None = None) -> None:
        self.plan = plan
        self.set_reactive(UnrolledNetwork.cursor, cursor)
        self._rows = None
        self.refresh()

    def show_scenario(self, scenario: Any) -> None:
        """The picture from the scenario alone (no trace yet): symbols, no cursor."""
        self.show_plan(plan_from_scenario(scenario))

    def show_trace(self, trace: Any, cursor: int, vector: str = "x") -> None:
        """The traced sample's real inputs and outputs, the cursor at step ``cursor``."""
        self.show_plan(plan_from_trace(trace, vector), cursor)

    def watch_cursor(self) -> None:
        self._rows = None
        self.refresh()

    def watch_compact(self) -> None:
        self._rows = None

    @property
    def shown_steps(self) -> list[UnrolledStep]:
        """The steps drawn at the current width, left to right."""
        self._build(self.size.width)
        assert self.plan is not None or not self._columns
        return [self.plan.steps[c.step] for c in self._columns] if self.plan else []

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 5 if self.compact else 6

    # -- layout --------------------------------------------------------------------
    def _labels(self, index: int, lead: bool = False) -> tuple[str, str | None, str | None]:
        """(ruler, x, y) of one step, cut to fit a column unless it is the cursor's.

        The ruler says "t=" at the cursor and the first step; with two parts, the cursor,
        the first step of each part and the first shown (``lead``) name their part.
        """
        assert self.plan is not None
        step = self.plan.steps[index]
        at_cursor = index == self._at
        limit = MAX_CURSOR_LABEL if at_cursor else MAX_LABEL
        part = PART_SHORT.get(step.part, "") if len(self.plan.parts) > 1 else ""
        first = index == 0 or self.plan.steps[index - 1].part != step.part or (lead and bool(part))
        number = f"t={step.t + 1}" if at_cursor or (first and not part) else str(step.t + 1)
        ruler = f"{part} {number}" if part and (first or at_cursor) else number
        x = None if step.x is None else _cut(step.x, limit)
        y = None if step.y is None else _cut(step.y, limit)
        return ruler, x, y

    def _width_of(self, index: int, lead: bool = False) -> int:
        assert self.plan is not None
        ruler, x, y = self._labels(index, lead)
        return max(len(self.plan.box) + 2, len(x or ""), len(y or ""), len(ruler))

    def _left_marker(self, first: int) -> str:
        assert self.plan is not None
        step = self.plan.steps[first]
        if first == 0:
            return self.plan.start
        if step.part == "decoder" and step.t == 0:
            return "enc"  # the encoder's final state, its steps off to the left
        return "…"

    def _right_marker(self, last: int) -> str:
        assert self.plan is not None
        return "…" if last < len(self.plan.steps) - 1 or self.plan.open_end else ""

    def _named_after(self) -> int | None:
        """The step whose outgoing state is named on its arrow ("h_3"): the cursor's, or
        the first step's when there is no cursor."""
        if self.plan is None or not self.plan.steps:
            return None
        return self._at if self._at is not None else 0

    def state_names(self, index: int) -> tuple[str, str]:
        """What step ``index`` hands on, counted from 1: ("h_3", "") or ("h_3", "c_3") for
        an LSTM, whose cell state is named above the arrow."""
        assert self.plan is not None
        t = self.plan.steps[index].t + 1
        return f"h_{t}", (f"c_{t}" if "c" in self.plan.carried.split(",") else "")

    def _named_width(self, index: int) -> int:
        h, c = self.state_names(index)
        return max(len(h) + 3, len(c) + 2)

    def _gap(self, left: int, right: int) -> int:
        """Cells between the boxes of two shown steps: "─▶", "─…─▶" over hidden steps,
        wider after the named step to hold its state's name."""
        skipped = right != left + 1
        gap = GAP_SKIP if skipped else GAP
        if left == self._named_after():
            gap = max(gap, self._named_width(left) + (2 if skipped else 0))  # "─h_3─…▶"
        return gap

    def _total(self, shown: list[int], widths: _Widths) -> int:
        """Cells needed to draw steps ``shown`` (sorted) with markers at both ends."""
        left = len(self._left_marker(shown[0])) + GAP
        right = self._right_marker(shown[-1])
        tail = 0
        if right:
            named = shown[-1] == self._named_after()
            tail = len(right) + (max(GAP, self._named_width(shown[-1])) if named else GAP)
        gaps = sum(self._gap(a, b) for a, b in zip(shown, shown[1:], strict=False))
        columns = self._width_of(shown[0], lead=True) + sum(widths[i] for i in shown[1:])
        return left + columns + gaps + tail

    def _choose(self, width: int) -> list[int]:
        """Steps shown: the cursor (or the first step), the pinned ones, then their
        neighbours in turn, as many as fit."""
        assert self.plan is not None
        count = len(self.plan.steps)
        focus = self._at if self._at is not None and 0 <= self._at < count else 0
        anchors = list(dict.fromkeys([focus, *(p for p in self.plan.pinned if 0 <= p < count)]))
        widths = _Widths(self._width_of)  # only the steps tried: a trace may have thousands
        shown: set[int] = set()

        def fits(steps: set[int]) -> bool:
            return self._total(sorted(steps), widths) <= width

        def add(index: int) -> bool:
            if not 0 <= index < count or index in shown:
                return False
            if shown and not fits(shown | {index}):
                return False
            shown.add(index)
            return True

        # Each anchor grows its own block of neighbours, one step a side in turn, and a
        # side stops at the first step that does not fit: no lone step cut out of a block.
        blocks = [[anchor, anchor] for anchor in anchors if add(anchor)]
        open_sides = {(b, side) for b in range(len(blocks)) for side in (1, 0)}
        while open_sides:
            for b, block in enumerate(blocks):
                for side in (1, 0):
                    if (b, side) not in open_sides:
                        continue
                    index = block[side] + (1 if side else -1)
                    if index in shown:
                        open_sides.discard((b, side))  # met another block
                    elif add(index):
                        block[side] = index
                    else:
                        open_sides.discard((b, side))
        return self._close_single_gaps(sorted(shown), focus, fits)

    def _close_single_gaps(self, shown: list[int], focus: int, fits: Any) -> list[int]:
        """A "…" standing for one step hides it to save a few cells: show the step, making
        room by dropping the shown steps farthest from the focus on its other side; if
        there are none, hide the step beyond it too (unless pinned), so "…" means several."""
        assert self.plan is not None
        keep = {focus, *self.plan.pinned}
        steps = set(shown)
        for gap in [a + 1 for a, b in zip(shown, shown[1:], strict=False) if b == a + 2]:
            trial = steps | {gap}
            while not fits(trial):
                far = [s for s in trial if (s - focus) * (gap - focus) < 0 and s not in keep]
                if not far:
                    break
                trial.discard(max(far, key=lambda s: abs(s - focus)))
            if fits(trial):
                steps = trial
                continue
            beyond = gap + (1 if gap > focus else -1)
            if beyond in steps and beyond not in keep:
                steps.discard(beyond)
        return sorted(steps)

    def _layout(self, width: int) -> list[_Column]:
        assert self.plan is not None
        if not self.plan.steps:
            return []
        shown = self._choose(width)
        box = len(self.plan.box) + 2
        col = len(self._left_marker(shown[0])) + GAP
        columns = []
        for position, index in enumerate(shown):
            ruler, x, y = self._labels(index, lead=position == 0)
            column_width = self._width_of(index, lead=position == 0)
            columns.append(
                _Column(index, col, column_width, col + (column_width - box) // 2, ruler, x, y)
            )
            if position + 1 < len(shown):
                col += column_width + self._gap(index, shown[position + 1])
        return columns

    # -- drawing -------------------------------------------------------------------
    def _styles(self) -> dict[str, Style]:
        base = self.rich_style
        return {
            "base": base,
            "muted": base + self.get_component_rich_style("unrolled--muted"),
            "cursor": base + self.get_component_rich_style("unrolled--cursor"),
            "edge": base + self.get_component_rich_style("unrolled--edge"),
        }

    def _build(self, width: int) -> list[Strip]:
        key = (id(self.plan), self.cursor, width, self.compact)
        if self._rows is not None and key == self._key:
            return self._rows
        self._key = key
        self._at = self.cursor  # a plain attribute: layout asks it thousands of times
        rows = [_Canvas(width) for _ in range(6)]
        self._columns = self._layout(width) if self.plan is not None and width > 0 else []
        if self._columns:
            self._draw(rows, width)
        styles = self._styles()
        strips = [Strip(row.segments(styles)) for row in rows]
        self._rows = strips[1:] if self.compact else strips
        return self._rows

    def _draw(self, rows: list[_Canvas], width: int) -> None:
        ruler, outputs, top, middle, bottom, inputs = rows
        assert self.plan is not None
        plan, columns = self.plan, self._columns
        box_width = len(plan.box) + 2
        left = self._left_marker(columns[0].step)
        middle.put(0, left, "muted" if left in ("…", "enc") else "base")
        previous_end, previous = len(left), None
        for column in columns:
            at_cursor = column.step == self._at
            lines = HEAVY if at_cursor else LIGHT
            edge = "edge" if at_cursor else "base"
            centre = column.box + box_width // 2
            step = plan.steps[column.step]
            boundary = step.part == "decoder" and step.t == 0 and "encoder" in plan.parts
            skipped = previous is not None and column.step != previous + 1
            named = previous is not None and previous == self._named_after()
            names = self.state_names(previous) if named and previous is not None else ("", "")
            self._connector(rows, previous_end, column.box, boundary, skipped, names)
            inner = column.box + 1
            top.put(column.box, lines["tl"] + lines["h"] * (box_width - 2) + lines["tr"], edge)
            bottom.put(column.box, lines["bl"] + lines["h"] * (box_width - 2) + lines["br"], edge)
            middle.put(column.box, lines["l"], edge)
            middle.put(inner, plan.box, "cursor" if at_cursor else "base")
            middle.put(inner + len(plan.box), lines["r"], edge)
            label_kind = "cursor" if at_cursor else ("muted" if plan.symbolic else "base")
            if column.y is not None:
                top.put(centre, "↑", edge)
                outputs.put(self._centred(column, column.y), column.y, label_kind)
            if column.x is not None:
                bottom.put(centre, "↑", edge)
                inputs.put(self._centred(column, column.x), column.x, label_kind)
            ruler.put(
                self._centred(column, column.ruler),
                column.ruler,
                "cursor" if at_cursor else "muted",
            )
            previous_end, previous = column.box + box_width, column.step
        last = columns[-1].step
        right = self._right_marker(last)
        if right:
            named = last == self._named_after()
            names = self.state_names(last) if named else ("", "")
            end = previous_end + (max(GAP, self._named_width(last)) if named else GAP)
            self._connector(rows, previous_end, end, False, False, names)
            middle.put(end, right, "muted")

    def _centred(self, column: _Column, label: str) -> int:
        """Left edge of ``label`` centred under the box, kept inside the column."""
        box_width = len(self.plan.box) + 2 if self.plan else 0
        start = column.box + box_width // 2 - len(label) // 2
        return min(max(start, column.start), column.start + column.width - len(label))

    def _connector(
        self,
        rows: list[_Canvas],
        start: int,
        end: int,
        boundary: bool,
        skipped: bool,
        names: tuple[str, str],
    ) -> None:
        """The state carried from one step to the next: "─▶", "─…─▶" over steps left out,
        "═▶" at the hand-over from encoder to decoder, "─h_3─▶" where it is named (an
        LSTM's c_3 written above the arrow)."""
        length = end - start
        if length <= 0:
            return
        middle_row, top_row = rows[3], rows[2]
        line = "═" if boundary else "─"
        text = line * (length - 1) + "▶"
        h, c = names
        middle = (h + "─…" if h else "…") if skipped else h
        at = 0
        if middle and length >= len(middle) + 2:
            at = max((length - 1 - len(middle)) // 2, 1 if length > len(middle) + 2 else 0)
            text = text[:at] + middle + text[at + len(middle) :]
        middle_row.put(start, text, "edge" if boundary else "muted")
        if h and len(middle) <= length - 1:
            middle_row.put(start + at, h, "base")
        if c:
            top_row.put(start + max((length - len(c)) // 2, 0), c, "base")

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        rows = self._build(width)
        if y >= len(rows):
            return Strip.blank(width, self.rich_style)
        return rows[y].adjust_cell_length(width, self.rich_style)
