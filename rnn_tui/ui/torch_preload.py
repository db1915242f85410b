"""Load torch's big shared libraries with the GIL released, before ``import torch`` holds it.

``import torch`` loads libtorch_cpu.so (415 MB, with its operator registrations) through
Python's import machinery, which holds the GIL for the whole dlopen: 1.1-1.4 s measured
on this machine under load (so does ``ctypes.CDLL``). The app imports torch in a worker
thread right after its first screen, and for that second its event loop stood still: no
frame, no key, no signal handled (a hang-up then took over 3 s to end the app). A call of
libc's ``dlopen`` through ctypes releases the GIL like any foreign call, and a library
already loaded is found again at no cost when torch asks for it. No textual import here.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from pathlib import Path

LIBRARIES = ("libtorch_cpu.so", "libtorch_python.so")  # in the order they depend on each other


def preload_torch_libraries() -> None:
    """Load torch's largest libraries, if they are where a pip-installed torch keeps them.

    Loaded as ``import torch`` would (RTLD_NOW, local symbols) and never unloaded; where
    anything differs (no such file, no libc dlopen) torch's own import does it all.
    """
    if "torch" in sys.modules:
        return
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return
    folder = Path(next(iter(spec.submodule_search_locations))) / "lib"
    try:
        dlopen = ctypes.CDLL(None).dlopen
    except (OSError, AttributeError):
        return
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    dlopen.restype = ctypes.c_void_p
    for name in LIBRARIES:
        path = folder / name
        if path.is_file():
            dlopen(os.fsencode(path), os.RTLD_NOW)  # NULL on failure: torch will say why
