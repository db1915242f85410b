"""docs/lessons.md lists exactly the vocabulary of actions and quantities the loader knows."""

import re
from pathlib import Path

from rnn_tui.core.lessons.loader import ACTION_KEYS
from rnn_tui.core.lessons.model import PANELS
from rnn_tui.core.lessons.quantities import vocabulary_markdown

DOC = (Path(__file__).resolve().parents[2] / "docs" / "lessons.md").read_text()


def test_the_quantities_table_is_the_generated_one():
    start = DOC.index("<!-- quantities: generated")
    table = DOC[DOC.index("\n", start) + 1 : DOC.index("<!-- end of quantities -->")]
    assert table == vocabulary_markdown(), "regenerate with vocabulary_markdown()"


def test_every_action_and_panel_is_documented():
    rows = [line for line in DOC.splitlines() if line.startswith("| `{")]
    documented = {re.match(r"\| `\{ (\w+) =", row).group(1) for row in rows}
    assert documented == set(ACTION_KEYS)
    for panel in PANELS:
        assert panel in DOC
