"""A tiny, safe expression language for lesson claims and reveal templates (never ``eval``).

Claims: names of measured quantities, numbers (``1e-3``), strings (``"lstm"``), arithmetic
``+ - * /``, comparisons ``< <= > >= == !=`` (chainable), ``and or not``, parentheses and
the functions ``abs min max log10``. Templates: text with ``{name}`` or ``{name:.2g}``
fields (Python's format specs), ``{{`` and ``}}`` for braces.

NaN: every comparison with NaN is false (``!=`` too), NaN is not true, and arithmetic
keeps it NaN (``log10(nan)`` too). A claim naming a quantity this run has not measured
does not hold at all, whatever the rest says (``metric.gru > 0 or 1 == 1`` does not
hold before the GRU was evaluated): a lesson never decides on part of its evidence.
Expressions are at most ``MAX_CHARS`` long and nest at most ``MAX_DEPTH`` deep.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

Value: TypeAlias = float | int | str | bool

FUNCTIONS: dict[str, Callable[..., float]] = {
    "abs": abs,
    "min": min,
    "max": max,
    "log10": lambda x: math.log10(x) if x > 0 else (-math.inf if x == 0 else math.nan),
}
MAX_CHARS = 500  # far above any real claim; keeps parsing and computing shallow
MAX_DEPTH = 32  # parentheses, `not`, unary minus and calls inside one another
COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")
KEYWORDS = ("and", "or", "not")
_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)"
    r"|(?P<string>\"[^\"]*\"|'[^']*')"
    r"|(?P<op><=|>=|==|!=|[<>()+\-*/,]))"
)


class ExpressionError(ValueError):
    """A claim or template that cannot be read; the message says where and why."""


class MissingQuantity(ExpressionError):
    """A quantity the expression names was not measured (yet) on this run."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} was not measured on this run")
        self.name = name


# -- the parsed form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    value: float | str


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Logic:
    op: str  # "and" | "or"
    left: Node
    right: Node


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Arithmetic:
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    first: Node
    links: tuple[tuple[str, Node], ...]  # (operator, right operand), chained like Python's


Node: TypeAlias = Literal | Name | Not | Logic | Negate | Arithmetic | Call | Compare


@dataclass
class _Parser:
    text: str
    tokens: list[tuple[str, str, int]]
    at: int = 0
    depth: int = 0

    def deeper(self) -> None:
        """One more level of nesting; an error past MAX_DEPTH (never a RecursionError)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nests deeper than {MAX_DEPTH} levels")

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "", len(self.text))

    def take(self, value: str | None = None) -> tuple[str, str, int]:
        token = self.peek()
        if value is not None and token[1] != value:
            raise self.error(f"expected {value!r}")
        self.at += 1
        return token

    def error(self, problem: str) -> ExpressionError:
        kind, value, position = self.peek()
        found = "the end" if kind == "end" else repr(value)
        return ExpressionError(f"{self.text!r}: {problem} at character {position + 1} (found {found})")

    def expression(self) -> Node:
        node = self.conjunction()
        while self.peek()[1] == "or":
            self.take()
            node = Logic("or", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while self.peek()[1] == "and":
            self.take()
            node = Logic("and", node, self.negation())
        return node

    def negation(self) -> Node:
        if self.peek()[1] == "not":
            self.take()
            self.deeper()
            node = Not(self.negation())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        first = self.sum()
        links: list[tuple[str, Node]] = []
        while self.peek()[0] == "op" and self.peek()[1] in COMPARISONS:
            links.append((self.take()[1], self.sum()))
        return Compare(first, tuple(links)) if links else first

    def sum(self) -> Node:
        node = self.product()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            node = Arithmetic(self.take()[1], node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            node = Arithmetic(self.take()[1], node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek()[:2] == ("op", "-"):
            self.take()
            self.deeper()
            node = Negate(self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        kind, value, _ = self.peek()
        if kind == "number":
            self.take()
            return Literal(float(value))
        if kind == "string":
            self.take()
            return Literal(value[1:-1])
        if kind == "name" and value not in KEYWORDS:
            self.take()
            if self.peek()[1] == "(":
                return self.call(value)
            return Name(value)
        if (kind, value) == ("op", "("):
            self.take()
            self.deeper()
            node = self.expression()
            self.take(")")
            self.depth -= 1
            return node
        raise self.error("expected a number, a name or '('")

    def call(self, function: str) -> Node:
        if function not in FUNCTIONS:
            raise self.error(f"unknown function {function!r} (known: {', '.join(FUNCTIONS)})")
        self.take("(")
        self.deeper()
        args = [self.expression()]
        while self.peek()[1] == ",":
            self.take()
            args.append(self.expression())
        self.take(")")
        self.depth -= 1
        return Call(function, tuple(args))


def parse(text: str) -> Node:
    """The parsed expression; ExpressionError naming the character where it goes wrong."""
    if len(text) > MAX_CHARS:
        raise ExpressionError(f"{text[:40]!r}...: {len(text):,} characters; an expression has at most {MAX_CHARS}")
    tokens: list[tuple[str, str, int]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            start = len(stripped) - len(stripped[position:].lstrip())
            raise ExpressionError(
                f"{text!r}: cannot read {stripped[start:start + 10]!r} at character {start + 1}"
            )
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind), match.start(kind)))
        position = match.end()
    if not tokens:
        raise ExpressionError(f"{text!r}: an empty expression")
    parser = _Parser(text, tokens)
    node = parser.expression()
    if parser.peek()[0] != "end":
        raise parser.error("expected an operator or the end")
    return node


def names(node: Node) -> set[str]:
    """Every quantity name an expression reads."""
    match node:
        case Name(name):
            return {name}
        case Literal():
            return set()
        case Not(operand) | Negate(operand):
            return names(operand)
        case Logic(_, left, right) | Arithmetic(_, left, right):
            return names(left) | names(right)
        case Call(_, args):
            return set().union(*(names(arg) for arg in args))
        case Compare(first, links):
            return names(first).union(*(names(right) for _, right in links))


def kind(node: Node, kind_of: Callable[[str], str]) -> str:
    """"text", "number" or "any" (unknown until measured): what ``node`` computes, checked
    before any run, so a claim that compares a text with a number, does arithmetic with a
    text or is a bare text is refused when the lesson loads. ``kind_of`` gives a name's kind."""
    match node:
        case Literal(value):
            return "text" if isinstance(value, str) else "number"
        case Name(name):
            return kind_of(name)
        case Not(operand):
            _not_text(operand, kind_of, "not")
            return "number"
        case Logic(op, left, right):
            _not_text(left, kind_of, op)
            _not_text(right, kind_of, op)
            return "number"
        case Negate(operand):
            _not_text(operand, kind_of, "-")
            return "number"
        case Arithmetic(op, left, right):
            _not_text(left, kind_of, op)
            _not_text(right, kind_of, op)
            return "number"
        case Call(function, args):
            for arg in args:
                _not_text(arg, kind_of, f"{function}()")
            return "number"
        case Compare(first, links):
            current = kind(first, kind_of)
            for op, operand in links:
                following = kind(operand, kind_of)
                if "any" not in (current, following):
                    if (current == "text") != (following == "text"):
                        raise ExpressionError(f"{op} compares a text with a number")
                    if current == "text" and op not in ("==", "!="):
                        raise ExpressionError(f"texts compare with == or != only, not {op}")
                current = following
            return "number"


def _not_text(node: Node, kind_of: Callable[[str], str], where: str) -> None:
    if kind(node, kind_of) == "text":
        raise ExpressionError(f"{where} needs a number or a comparison, not a text; compare texts "
                              "with == or != (e.g. cell == \"lstm\")")


def compute(node: Node, values: Mapping[str, Value]) -> Value:
    """The value of a parsed expression; MissingQuantity if it names an unmeasured quantity."""
    match node:
        case Literal(value):
            return value
        case Name(name):
            if name not in values:
                raise MissingQuantity(name)
            return values[name]
        case Not(operand):
            return not _truth(compute(operand, values))
        case Logic("and", left, right):
            return _truth(compute(left, values)) and _truth(compute(right, values))
        case Logic(_, left, right):
            return _truth(compute(left, values)) or _truth(compute(right, values))
        case Negate(operand):
            return -_number(compute(operand, values))
        case Arithmetic(op, left, right):
            return _arithmetic(op, _number(compute(left, values)), _number(compute(right, values)))
        case Call(function, args):
            numbers = [_number(compute(arg, values)) for arg in args]
            try:
                return FUNCTIONS[function](*numbers)
            except TypeError:
                raise ExpressionError(f"{function}() cannot take {len(numbers)} arguments") from None
        case Compare(first, links):
            current = compute(first, values)
            for op, operand in links:
                following = compute(operand, values)
                if not _compare(op, current, following):
                    return False
                current = following
            return True


def evaluate(claim: str, values: Mapping[str, Value]) -> bool:
    """Whether a claim holds on ``values``: every comparison with NaN is false (``!=`` too);
    MissingQuantity if the claim names a quantity ``values`` lacks, wherever it stands
    (also on the left of ``or``): the caller decides that such a claim does not hold."""
    return _truth(compute(parse(claim), values))


def _truth(value: Value) -> bool:
    if isinstance(value, str):
        raise ExpressionError(f"the text {value!r} is not true or false; compare it, e.g. cell == {value!r}")
    return bool(value) and not (isinstance(value, float) and math.isnan(value))


def _number(value: Value) -> float:
    if isinstance(value, str):
        raise ExpressionError(f"cannot do arithmetic with the text {value!r}")
    return float(value)


def _is_nan(value: Value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _arithmetic(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:  # a ratio to zero: as large as can be, or undefined
        return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)
    return a / b


def _compare(op: str, a: Value, b: Value) -> bool:
    if isinstance(a, str) != isinstance(b, str):
        raise ExpressionError(f"cannot compare {a!r} with {b!r}: one is text, the other a number")
    if _is_nan(a) or _is_nan(b):  # unmeasurable: no comparison holds, not even !=
        return False
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if isinstance(a, str) or isinstance(b, str):
        raise ExpressionError(f"texts compare with == or != only, not {op}")
    x, y = float(a), float(b)
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


# -- templates ------------------------------------------------------------------------------


def template_fields(template: str) -> list[tuple[str, str]]:
    """(expression, format spec) of every field; ExpressionError for a malformed template.

    A field is a quantity's name or an arithmetic expression of names ("{abs(w_h):.2f}",
    "{grad_ratio.lstm / grad_ratio.rnn:.0e}"); a comparison would clash with the
    format syntax (``!`` and ``:``), so claims compare and templates only show.
    """
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ExpressionError(f"{template!r}: {error} (write {{{{ and }}}} for braces)") from None
    fields = []
    for _, expression, spec, conversion in parsed:
        if expression is None:
            continue
        if conversion or not expression.strip():
            raise ExpressionError(f"{template!r}: {{{expression}}} is not a quantity or arithmetic of quantities")
        parse(expression)
        try:
            format(1.5, spec or "")
        except ValueError:
            raise ExpressionError(f"{template!r}: {{{expression}:{spec}}} has a bad format spec {spec!r}") from None
        fields.append((expression, spec or ""))
    return fields


def render(template: str, values: Mapping[str, Value]) -> str:
    """The template with each field computed and formatted; a field naming an unmeasured
    quantity shows as "(name: not measured)"."""
    out = []
    for literal, expression, spec, _ in string.Formatter().parse(template):
        out.append(literal)
        if expression is None:
            continue
        try:
            value = compute(parse(expression), values)
        except MissingQuantity as missing:
            out.append(f"({missing.name}: not measured)")
            continue
        try:
            out.append(format(value, spec or ""))
        except (ValueError, TypeError):  # a text with a number's spec: show it as it is
            out.append(str(value))
    return "".join(out)
