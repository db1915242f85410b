"""Numbers for JSON files: NaN and +-Infinity become null, so every JSON parser reads them.

Python's ``json`` writes bare ``NaN``/``Infinity``, which are not JSON: JavaScript, Go,
jq and strict parsers reject the whole file. A diverged run is exactly when such numbers
appear (a loss of inf, gradients through time of nan), so both the ``train`` reports and
``trace`` exports go through ``finite`` before they are written.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by None, ready for ``json.dumps``.

    Takes floats, numpy arrays and scalars, and lists, tuples and dicts of them (nested
    to any depth); arrays come back as nested lists. An all-finite array costs one
    ``np.isfinite`` and its ``tolist``, so a long trace stays cheap.
    """
    if isinstance(value, float):  # np.float64 too
        return value if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        listed = value.tolist()
        if value.dtype.kind not in "fc" or np.isfinite(value).all():
            return listed
        return finite(listed)
    if isinstance(value, np.floating):  # float32 and friends, not float subclasses
        return finite(float(value))
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


def finite_rows(array: np.ndarray) -> np.ndarray:
    """``array`` itself when all finite, else an object array with None where it was not.

    For code that slices an array many times (a trace, one timestep at a time): one check
    for the whole array, and each slice's ``tolist()`` already holds None.
    """
    if array.dtype.kind not in "fc" or np.isfinite(array).all():
        return array
    out = array.astype(object)
    out[~np.isfinite(array)] = None
    return out
