"""A step's question and check decided on measured values: shared by the headless runner and the app.

No torch: the app's process decides with ``decide(step, measure(evidence))`` exactly as
`rnn-tui learn --check` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.lessons.expressions import ExpressionError, MissingQuantity, Value
from rnn_tui.core.lessons.model import LessonStep
from rnn_tui.core.lessons.quantities import claim_names, evaluate, render, template_names


@dataclass(frozen=True)
class CheckOutcome:
    """A check's claim, or a question, decided on this run's measurements.

    For a question, ``claim`` is "ask: PROMPT", ``right`` the keys of the choices whose
    claim holds, and ``holds`` whether at least one does (a question with no right answer
    on this run is a failed claim of the lesson).
    """

    step_line: int
    claim: str
    holds: bool
    text: str  # the reveal (or otherwise) with this run's numbers
    values: dict[str, Value]  # the quantities the claim and its texts read
    right: tuple[str, ...] = ()



def decide(step: LessonStep, values: dict[str, Value]) -> list[CheckOutcome]:
    """The step's question and check, decided on ``values``."""
    out = []
    if step.ask is not None:
        right, used = [], {}
        for choice in step.ask.choices:
            holds, read = _holds(choice.holds, values)
            used.update(read)
            if holds:
                right.append(choice.key)
        texts = "; ".join(f"{c.key}) {c.text}" for c in step.ask.choices if c.key in right)
        text = f"right on this run: {texts}" if right else "no choice holds on this run"
        out.append(CheckOutcome(step.line, f"ask: {step.ask.prompt}", bool(right), text, used, tuple(right)))
    if step.check is not None:
        check = step.check
        holds, used = _holds(check.claim, values)
        template = check.reveal if holds else check.otherwise
        for name in template_names(check.reveal) | template_names(check.otherwise):
            if name in values:
                used[name] = values[name]
        missing = sorted(claim_names(check.claim) - set(values))
        text = render(template, values)
        if missing:
            text = f"not measured on this run: {', '.join(missing)}. " + text
        out.append(CheckOutcome(step.line, check.claim, holds, text, used))
    return out


def _holds(claim: str, values: dict[str, Value]) -> tuple[bool, dict[str, Value]]:
    used = {name: values[name] for name in claim_names(claim) if name in values}
    try:
        return evaluate(claim, values), used
    except MissingQuantity:
        return False, used
    except ExpressionError as error:  # e.g. a text compared with a number: the lesson's mistake
        raise RnnTuiError(f"claim {claim!r}: {error}") from None
