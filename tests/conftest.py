"""Shared test setup: one torch thread (two fight for this machine's two cores)."""

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # the import-hygiene test runs without torch loaded first
    pass
