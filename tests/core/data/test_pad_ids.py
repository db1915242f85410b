"""pad_ids fills rows in one numpy assignment (for the start-up time): the same tensor as
one row at a time, PAD after each row's end."""

from __future__ import annotations

import pytest
import torch

from rnn_tui.core.data.base import PAD, pad_ids


def one_row_at_a_time(rows, width=None):
    width = max((len(r) for r in rows), default=0) if width is None else width
    out = torch.full((len(rows), max(width, 1)), PAD, dtype=torch.long)
    for i, row in enumerate(rows):
        out[i, : len(row)] = torch.as_tensor(row, dtype=torch.long)
    return out


@pytest.mark.parametrize(
    ("rows", "width"),
    [
        ([[5, 6, 7], [8], [], [9, 10]], None),
        ([[5, 6, 7], [8]], 6),
        ([[]], None),
        ([], None),
        ([[4] * 50, list(range(4, 40))], None),
    ],
)
def test_pad_ids_equals_filling_one_row_at_a_time(rows, width):
    got = pad_ids(rows, width)
    assert got.dtype == torch.long
    assert torch.equal(got, one_row_at_a_time(rows, width))


def test_a_row_longer_than_the_width_is_refused():
    with pytest.raises(ValueError, match="4 ids does not fit in width 3"):
        pad_ids([[4, 5, 6, 7]], 3)
