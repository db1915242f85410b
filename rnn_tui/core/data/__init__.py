"""Datasets: built-in generators and file loaders, looked up by name.

Every generator module exposes:

- ``Params``: a pydantic model (``extra="forbid"``) of its ``[data.params]`` table,
  each field with a default and bounds;
- ``TOPOLOGIES``: the topologies its data fits;
- ``generate(params: Params, seed: int) -> Dataset``.

Modules are imported only when used, so listing scenarios stays fast.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from rnn_tui.core.data.base import Dataset, Split, Vocab

GENERATORS: dict[str, str] = {
    "sine": "rnn_tui.core.data.sine",
    "sentiment": "rnn_tui.core.data.sentiment",
    "long-memory": "rnn_tui.core.data.long_memory",
    "sign-memory": "rnn_tui.core.data.sign_memory",
    "captioning": "rnn_tui.core.data.captioning",
    "translation": "rnn_tui.core.data.translation",
}


def generator_module(name: str) -> ModuleType:
    """The module of a built-in generator (KeyError if unknown)."""
    return importlib.import_module(GENERATORS[name])


__all__ = ["GENERATORS", "Dataset", "Split", "Vocab", "generator_module"]
