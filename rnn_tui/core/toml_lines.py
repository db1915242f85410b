"""Find the line of a dotted key in TOML text, so errors can point at it."""

from __future__ import annotations

import re

_TABLE = re.compile(r"^\s*\[\s*([^\]\[]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"' .]+?)\s*=")


def line_of_key(text: str, loc: list[str]) -> int | None:
    """1-based line where ``loc`` (e.g. ["model", "hidden_size"]) is set, else its table's line.

    Handles ``[table]`` headers and dotted keys; good enough for scenario files, and
    returns None rather than guess when the key is not written out (e.g. missing).
    """
    want = ".".join(loc)
    table = ""
    table_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE.match(line)
        if header:
            table = _normalise(header.group(1))
            if table == want:
                return number
            if want.startswith(table + ".") and table_line is None:
                table_line = number
            continue
        key = _KEY.match(line)
        if key:
            full = ".".join(p for p in (table, _normalise(key.group(1))) if p)
            if full == want or want.startswith(full + "."):
                return number
    return table_line


def _normalise(key: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in key.split("."))
