"""Build and step optimizers without importing torch's compiler.

torch imports its compiler (``torch._dynamo``, and sympy with it) the first time an
optimizer is built or stepped: about 1.7 s of CPU here, paid by every process that
trains (the app's training process before it is ready and again at its first step, the
compare process, every CLI run, every sweep worker). Both imports exist only to guide
``torch.compile``, which rnn-tui never uses:

- four ``Optimizer`` methods (add_param_group, zero_grad, state_dict, load_state_dict)
  are wrapped in ``torch._disable_dynamo``, which builds a "do not trace" version of the
  method on first call and caches it on the method (``__dynamo_disable``). Given the
  method itself as that cache, each call goes straight to the method, as it would
  outside of compilation anyway.
- ``step`` is wrapped in ``_use_grad`` (torch/optim/optimizer.py), which imports the
  compiler to mark graph breaks and otherwise runs the step with gradients off (for an
  optimizer that is not ``differentiable``). ``step`` below does just that.

If torch changes either mechanism, the wrappers are used as they are (the only cost is
the import again). tests/core/test_no_compiler.py checks that the steps are the same as
torch's own, and that the compiler stays unloaded.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import cast

import torch

_WRAPPED = ("add_param_group", "zero_grad", "state_dict", "load_state_dict")
_CACHE = "__dynamo_disable"  # where torch/_compile.py caches its "disabled" function


def skip_compiler_import() -> None:
    """Let ``torch.optim.Optimizer``'s wrapped methods run without importing the compiler."""
    if "torch._dynamo" in sys.modules:
        return
    for name in _WRAPPED:
        wrapper = getattr(torch.optim.Optimizer, name, None)
        method = getattr(wrapper, "__wrapped__", None)
        code = getattr(wrapper, "__code__", None)
        if method is None or code is None or not code.co_filename.endswith("_compile.py"):
            continue  # not torch's lazy wrapper (another torch version): leave it
        if getattr(method, _CACHE, None) is None:
            setattr(method, _CACHE, method)


def step(optimizer: torch.optim.Optimizer) -> None:
    """``optimizer.step()``, without the compiler's graph-break markers when they can be skipped."""
    raw = _raw_step(type(optimizer))
    if raw is None or optimizer.defaults.get("differentiable", False):
        optimizer.step()
        return
    with torch.no_grad():  # what ``_use_grad`` does for a non-differentiable optimizer
        raw(optimizer)


def _raw_step(kind: type[torch.optim.Optimizer]) -> Callable[[torch.optim.Optimizer], object] | None:
    """The step under torch's ``_use_grad`` wrapper, or None if it is not wrapped that way."""
    function: object = kind.step
    while function is not None:
        code = getattr(function, "__code__", None)
        if code is not None and code.co_name == "_use_grad":
            return cast(Callable[[torch.optim.Optimizer], object] | None, getattr(function, "__wrapped__", None))
        function = getattr(function, "__wrapped__", None)
    return None
