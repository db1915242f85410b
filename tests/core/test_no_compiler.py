"""Training never imports torch's compiler (torch._dynamo, sympy: 1.7 s of CPU per process),
and the optimizer steps taken without it are torch's own steps."""

import subprocess
import sys

import pytest
import torch

from rnn_tui.core import no_compiler

# In a new process: this test process may already have the compiler loaded.
PROGRAM = """
import sys
import torch
from rnn_tui.core.data.text_baselines import fit_softmax_regression
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer
for optimizer in ("adam", "sgd"):
    scenario = load_scenario("sine-waves")
    scenario = scenario.model_copy(update={"training": scenario.training.model_copy(
        update={"optimizer": optimizer, "eval_every": 1, "probe_every": 1, "eval_size": 8})})
    trainer = Trainer(scenario)
    trainer.run(steps=2)
    trainer.optimizer.load_state_dict(trainer.optimizer.state_dict())
    trainer.run(steps=1)
counts = torch.eye(4, dtype=torch.float64).to_sparse_coo().coalesce()  # the bag-of-words baseline's fit (LBFGS), tiny
fit_softmax_regression(counts, torch.tensor([0, 1, 0, 1]), 2)
loaded = sorted(name for name in sys.modules if name.startswith(("torch._dynamo", "sympy")))
print(trainer.step, len(loaded), loaded[:3])
"""


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
def test_training_baselines_and_optimizer_state_never_import_the_compiler():
    result = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["3", "0"], result.stdout


@pytest.mark.parametrize(
    "make",
    [
        lambda params: torch.optim.Adam(params, lr=0.01),
        lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9),
    ],
    ids=["adam", "sgd-momentum"],
)
def test_steps_without_the_compiler_are_torchs_own_steps(make):
    torch.manual_seed(0)
    ours, theirs = torch.nn.GRU(3, 5), torch.nn.GRU(3, 5)
    theirs.load_state_dict(ours.state_dict())
    inputs = torch.randn(7, 4, 3)
    ours_optimizer, theirs_optimizer = make(ours.parameters()), make(theirs.parameters())
    no_compiler.skip_compiler_import()
    before = ours.weight_hh_l0.detach().clone()
    for _ in range(5):
        for model, optimizer in ((ours, ours_optimizer), (theirs, theirs_optimizer)):
            optimizer.zero_grad(set_to_none=True)
            model(inputs)[0].pow(2).mean().backward()
        no_compiler.step(ours_optimizer)
        theirs_optimizer.step()
    for mine, reference in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.equal(mine, reference)
    assert not torch.equal(ours.weight_hh_l0, before)  # the steps did move the weights


def test_an_optimizer_without_the_use_grad_wrapper_steps_the_usual_way():
    """Another torch's step (no ``_use_grad`` wrapper) is called as it is."""

    class Plain(torch.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": 0.5})
            self.calls = 0

        def step(self, closure=None):  # noqa: ARG002
            self.calls += 1

    optimizer = Plain([torch.nn.Parameter(torch.ones(2))])
    no_compiler.step(optimizer)
    assert optimizer.calls == 1
