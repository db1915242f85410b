"""The four topologies as torch modules over fused recurrent layers.

Every model exposes the same small surface the trainer, probes and traces use:

- ``parts``: name -> fused recurrent module ("rnn", or "encoder"/"decoder");
- ``forward_loss(batch, step_by_step=False)`` -> ``Forward`` (loss, and with
  ``step_by_step`` the per-step graph nodes of every part, for gradients through time);
- ``predict(split)`` -> predictions (series values, class ids, or token ids).

Shapes (B batch, T input steps, L output steps, F features, V vocabulary):

- ``Seq2Seq``: series (B, T, F) -> (B, T, F_out); MSE at every step (or the split's
  masked steps).
- ``Seq2Vec``: tokens (B, T) with lengths, or series (B, T, F) -> logits (B, C).
- ``Vec2Seq``: vector (B, D) -> initial state of a decoder writing tokens (B, L).
- ``EncoderDecoder``: tokens (B, T) -> encoder final state -> decoder tokens (B, L).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from rnn_tui.core.cells import LayerStep, State, active_edit, unroll
from rnn_tui.core.data.base import BOS, EOS, PAD, Dataset, Split
from rnn_tui.core.scenario import ModelSpec
from rnn_tui.core.vocabulary import Topology


@dataclass
class Forward:
    """A forward pass: the loss, and (step by step only) each part's LayerSteps[t][layer]."""

    loss: Tensor
    steps: dict[str, list[list[LayerStep]]] = field(default_factory=dict)
    # Raw per-step outputs of the head (logits or values), for traces: part -> (B, T, *).
    outputs: dict[str, Tensor] = field(default_factory=dict)


def make_recurrent(spec: ModelSpec, input_size: int) -> nn.RNNBase:
    """A batch-first fused RNN/LSTM/GRU initialised as the spec says."""
    kwargs = dict(input_size=input_size, hidden_size=spec.hidden_size, num_layers=spec.num_layers, batch_first=True)
    if spec.cell == "rnn":
        module = nn.RNN(nonlinearity=spec.nonlinearity, **kwargs)
    else:
        module = {"lstm": nn.LSTM, "gru": nn.GRU}[spec.cell](**kwargs)
    init_recurrent(module, spec.recurrent_init_scale, spec.forget_bias)
    return module


@torch.no_grad()
def init_recurrent(module: nn.RNNBase, scale: float, forget_bias: float) -> None:
    """Orthogonal recurrent weights per gate, times ``scale``; the keep-gate bias set.

    An orthogonal matrix keeps a signal's norm through time, so ``scale`` alone decides
    whether the linear part of the recurrence shrinks (< 1) or grows (> 1) it.
    """
    hidden = module.hidden_size
    for k in range(module.num_layers):
        weight_hh = getattr(module, f"weight_hh_l{k}")
        for block in weight_hh.split(hidden, dim=0):
            nn.init.orthogonal_(block)
            block.mul_(scale)
        # The gate that keeps the old state is the second block in both cells: LSTM's
        # forget gate f, and GRU's update gate z (h_t = (1 - z) n + z h_{t-1}).
        if module.mode in ("LSTM", "GRU") and module.bias:
            getattr(module, f"bias_ih_l{k}")[hidden : 2 * hidden].fill_(forget_bias)
            getattr(module, f"bias_hh_l{k}")[hidden : 2 * hidden].zero_()


def run_recurrent(
    module: nn.RNNBase,
    x: Tensor,
    state: State | None,
    lengths: Tensor | None,
    step_by_step: bool,
    first_step: int = 0,
) -> tuple[Tensor, State, list[list[LayerStep]] | None]:
    """The fused module (packed when lengths vary), or the step-by-step unroll.

    Under an active intervention (``cells.step_edits``) the module always runs step by
    step, since the fused kernel cannot be edited mid-sequence; ``first_step`` is the
    index of x's first step in the whole sequence (greedy decoding feeds one at a time).
    """
    edit = active_edit(module)
    if step_by_step or edit is not None:
        out, final, steps = unroll(module, x, state, lengths, edit, first_step, keep_steps=step_by_step)
        return out, final, steps if step_by_step else None
    if lengths is not None and bool((lengths < x.shape[1]).any()):
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, final = module(packed, state)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        return out, final, None
    out, final = module(x, state)
    return out, final, None


def top_hidden(state: State) -> Tensor:
    """The last layer's hidden state (B, H) from h_n or (h_n, c_n)."""
    return (state[0] if isinstance(state, tuple) else state)[-1]


class TokenDecoder(nn.Module):
    """Writes a token sequence from an initial state, reading its previous word (BOS first)."""

    def __init__(self, spec: ModelSpec, vocab_size: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, spec.embedding_size, padding_idx=PAD)
        self.rnn = make_recurrent(spec, spec.embedding_size)
        self.head = nn.Linear(spec.hidden_size, vocab_size)

    def teacher_forced(
        self, state: State, targets: Tensor, step_by_step: bool
    ) -> tuple[Tensor, Tensor, list[list[LayerStep]] | None]:
        """Logits (B, L, V) predicting targets (B, L) given the true previous words."""
        previous = torch.cat([torch.full_like(targets[:, :1], BOS), targets[:, :-1]], dim=1)
        out, _, steps = run_recurrent(self.rnn, self.embedding(previous), state, None, step_by_step)
        logits = self.head(out)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=PAD)
        return loss, logits, steps

    @torch.no_grad()
    def greedy(self, state: State, max_len: int) -> Tensor:
        """Token ids (B, <= max_len), each row ending at its first EOS (then PAD)."""
        batch = (state[0] if isinstance(state, tuple) else state).shape[1]
        word = torch.full((batch, 1), BOS, dtype=torch.long, device=self.head.weight.device)
        done = torch.zeros(batch, dtype=torch.bool)
        words = []
        for position in range(max_len):
            out, state, _ = run_recurrent(self.rnn, self.embedding(word), state, None, False, position)
            word = self.head(out).argmax(-1)
            word = word.masked_fill(done.unsqueeze(1), PAD)
            words.append(word)
            done |= word.squeeze(1) == EOS
            if bool(done.all()):
                break
        return torch.cat(words, dim=1)


class RecurrentModel(nn.Module):
    """What every topology offers the trainer, probes and traces (see the module docstring)."""

    topology: Topology
    parts: dict[str, nn.RNNBase]

    def forward_loss(self, batch: Split, step_by_step: bool = False) -> Forward:
        raise NotImplementedError

    def predict(self, split: Split) -> Tensor:
        raise NotImplementedError


class Seq2Seq(RecurrentModel):
    """Many-to-many: an output at every step, e.g. the next value of a series."""

    topology: Topology = "seq2seq"

    def __init__(self, spec: ModelSpec, dataset: Dataset) -> None:
        super().__init__()
        self.rnn = make_recurrent(spec, dataset.input_size)
        self.head = nn.Linear(spec.hidden_size, dataset.output_size)
        self.parts = {"rnn": self.rnn}

    def forward_loss(self, batch: Split, step_by_step: bool = False) -> Forward:
        out, _, steps = run_recurrent(self.rnn, batch.inputs, None, None, step_by_step)
        values = self.head(out)
        if batch.mask is None:
            loss = F.mse_loss(values, batch.targets)
        else:  # held-out CSV windows: only the steps after the cut count
            loss = F.mse_loss(values[batch.mask], batch.targets[batch.mask])
        return Forward(loss, {"rnn": steps} if steps else {}, {"rnn": values})

    @torch.no_grad()
    def predict(self, split: Split) -> Tensor:
        out, _, _ = run_recurrent(self.rnn, split.inputs, None, None, False)
        values: Tensor = self.head(out)
        return values


class Seq2Vec(RecurrentModel):
    """Many-to-one: the last state feeds a classifier head, e.g. sentiment."""

    topology: Topology = "seq2vec"

    def __init__(self, spec: ModelSpec, dataset: Dataset) -> None:
        super().__init__()
        self.tokens = dataset.input_kind == "tokens"
        if self.tokens:
            self.embedding = nn.Embedding(dataset.input_size, spec.embedding_size, padding_idx=PAD)
        self.rnn = make_recurrent(spec, spec.embedding_size if self.tokens else dataset.input_size)
        self.head = nn.Linear(spec.hidden_size, dataset.output_size)
        self.parts = {"rnn": self.rnn}

    def _inputs(self, split: Split) -> Tensor:
        return self.embedding(split.inputs) if self.tokens else split.inputs

    def forward_loss(self, batch: Split, step_by_step: bool = False) -> Forward:
        out, final, steps = run_recurrent(self.rnn, self._inputs(batch), None, batch.lengths, step_by_step)
        loss = F.cross_entropy(self.head(top_hidden(final)), batch.targets)
        # The head read at every step shows "the prediction so far" in traces.
        return Forward(loss, {"rnn": steps} if steps else {}, {"rnn": self.head(out)})

    @torch.no_grad()
    def predict(self, split: Split) -> Tensor:
        _, final, _ = run_recurrent(self.rnn, self._inputs(split), None, split.lengths, False)
        logits: Tensor = self.head(top_hidden(final))
        return logits.argmax(-1)

    @torch.no_grad()
    def probabilities(self, split: Split) -> Tensor:
        _, final, _ = run_recurrent(self.rnn, self._inputs(split), None, split.lengths, False)
        logits: Tensor = self.head(top_hidden(final))
        return logits.softmax(-1)


class Vec2Seq(RecurrentModel):
    """One-to-many: a vector sets the decoder's initial state, e.g. image captioning."""

    topology: Topology = "vec2seq"

    def __init__(self, spec: ModelSpec, dataset: Dataset) -> None:
        super().__init__()
        self.num_layers, self.hidden_size = spec.num_layers, spec.hidden_size
        self.lstm = spec.cell == "lstm"
        self.init = nn.Linear(dataset.input_size, spec.num_layers * spec.hidden_size)
        self.decoder = TokenDecoder(spec, dataset.output_size)
        self.parts = {"decoder": self.decoder.rnn}
        self.max_len = int(dataset.train.targets.shape[1]) + 2

    def initial_state(self, vectors: Tensor) -> State:
        h = torch.tanh(self.init(vectors)).view(-1, self.num_layers, self.hidden_size).transpose(0, 1).contiguous()
        return (h, torch.zeros_like(h)) if self.lstm else h

    def forward_loss(self, batch: Split, step_by_step: bool = False) -> Forward:
        loss, logits, steps = self.decoder.teacher_forced(self.initial_state(batch.inputs), batch.targets, step_by_step)
        return Forward(loss, {"decoder": steps} if steps else {}, {"decoder": logits})

    @torch.no_grad()
    def predict(self, split: Split) -> Tensor:
        return self.decoder.greedy(self.initial_state(split.inputs), self.max_len)


def reverse_padded(tokens: Tensor, lengths: Tensor) -> Tensor:
    """Each row's first ``length`` tokens reversed, padding left in place."""
    positions = torch.arange(tokens.shape[1]).unsqueeze(0)
    flipped = (lengths.unsqueeze(1) - 1 - positions).clamp(min=0)
    index = torch.where(positions < lengths.unsqueeze(1), flipped, positions)
    return tokens.gather(1, index)


class EncoderDecoder(RecurrentModel):
    """The encoder's final state starts a decoder, e.g. translation."""

    topology: Topology = "encoder-decoder"

    def __init__(self, spec: ModelSpec, dataset: Dataset) -> None:
        super().__init__()
        self.reverse_source = spec.reverse_source
        self.embedding = nn.Embedding(dataset.input_size, spec.embedding_size, padding_idx=PAD)
        self.encoder = make_recurrent(spec, spec.embedding_size)
        self.decoder = TokenDecoder(spec, dataset.output_size)
        self.parts = {"encoder": self.encoder, "decoder": self.decoder.rnn}
        self.max_len = int(dataset.train.targets.shape[1]) + 2

    def source(self, split: Split) -> Tensor:
        tokens = split.inputs
        if self.reverse_source and split.lengths is not None:
            tokens = reverse_padded(tokens, split.lengths)
        embedded: Tensor = self.embedding(tokens)
        return embedded

    def forward_loss(self, batch: Split, step_by_step: bool = False) -> Forward:
        _, state, enc_steps = run_recurrent(self.encoder, self.source(batch), None, batch.lengths, step_by_step)
        loss, logits, dec_steps = self.decoder.teacher_forced(state, batch.targets, step_by_step)
        steps = {"encoder": enc_steps or [], "decoder": dec_steps or []} if step_by_step else {}
        return Forward(loss, steps, {"decoder": logits})

    @torch.no_grad()
    def predict(self, split: Split) -> Tensor:
        _, state, _ = run_recurrent(self.encoder, self.source(split), None, split.lengths, False)
        return self.decoder.greedy(state, self.max_len)


MODELS: dict[Topology, type[Seq2Seq | Seq2Vec | Vec2Seq | EncoderDecoder]] = {
    "seq2seq": Seq2Seq,
    "seq2vec": Seq2Vec,
    "vec2seq": Vec2Seq,
    "encoder-decoder": EncoderDecoder,
}


def build_model(topology: Topology, spec: ModelSpec, dataset: Dataset) -> RecurrentModel:
    return MODELS[topology](spec, dataset)
