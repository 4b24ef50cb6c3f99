"""A tiny language model and a task with a verifiable reward, for notebook 09 (policy gradients for LMs).

The task: the prompt is a target sum s in {0, ..., NUM_TARGETS - 1}; a completion is a string of
1 to MAX_DIGITS digits from {0, 1, 2, 3} closed by EOS, and earns reward 1 when its digits sum to s
(0 otherwise, and 0 when it never closes). Tokens: the digits 0-3 and EOS = 4 are what the model
emits (VOCAB = 5); BOS = 5 only starts the input. A completion is a (N, T) LongTensor of tokens with
T = MAX_DIGITS + 1, padded with EOS after the first EOS, and a (N, T) bool mask that is True on the
real tokens (the digits and the closing EOS).

The model, ``TinyLM``, is a GRU of a few thousand parameters whose initial state is an embedding of
the prompt. ``pretrain`` fits it in about a second by supervised learning on synthetic text (random
digit strings of random length, which ignore the target): the reference policy of notebook 09.
Nothing is downloaded or cached.
"""

from __future__ import annotations

import torch
from torch import nn

NUM_DIGITS = 4
EOS = NUM_DIGITS  # 4
BOS = NUM_DIGITS + 1  # 5, input only
VOCAB = NUM_DIGITS + 1  # tokens the model emits: the digits and EOS
MAX_DIGITS = 3
MAX_LEN = MAX_DIGITS + 1  # T: up to 3 digits and the EOS
NUM_TARGETS = 7  # targets 0..6


class TinyLM(nn.Module):
    """A GRU language model conditioned on the prompt (notebook 09).

    ``forward(prompts, tokens)`` returns the teacher-forced logits (N, T, VOCAB): row t is the
    distribution of token t given the prompt and tokens[:, :t].
    """

    def __init__(self, hidden: int = 32, embed: int = 8, num_targets: int = NUM_TARGETS):
        super().__init__()
        self.prompt_embed = nn.Embedding(num_targets, hidden)
        self.token_embed = nn.Embedding(VOCAB + 1, embed)  # digits, EOS and BOS
        self.gru = nn.GRU(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, VOCAB)

    def forward(self, prompts: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        inputs = torch.cat([torch.full_like(tokens[:, :1], BOS), tokens[:, :-1]], dim=1)  # (N, T) shifted
        h0 = torch.tanh(self.prompt_embed(prompts))[None]  # (1, N, hidden)
        out, _ = self.gru(self.token_embed(inputs), h0)
        return self.head(out)  # (N, T, VOCAB)

    def step(self, prompts_or_h: torch.Tensor, prev: torch.Tensor, first: bool):
        """One sampling step: (logits (N, VOCAB), new hidden state (1, N, hidden))."""
        h = torch.tanh(self.prompt_embed(prompts_or_h))[None] if first else prompts_or_h
        out, h = self.gru(self.token_embed(prev)[:, None], h)
        return self.head(out[:, 0]), h


def completion_mask(tokens: torch.Tensor) -> torch.Tensor:
    """(N, T) bool: True up to and including the first EOS (notebook 09)."""
    is_eos = tokens == EOS
    before = torch.cumsum(is_eos.long(), dim=1) - is_eos.long()  # EOS seen strictly before t
    return before == 0


def reward(prompts: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
    """(N,) float: 1 when the digits before the first EOS sum to the prompt's target (notebook 09).

    A completion with no EOS, or with no digit at all (EOS first), earns 0.
    """
    mask = completion_mask(tokens)
    digits = mask & (tokens != EOS)
    closed = (mask & (tokens == EOS)).any(dim=1)
    total = torch.where(digits, tokens, torch.zeros_like(tokens)).sum(dim=1)
    ok = closed & digits.any(dim=1) & (total == prompts)
    return ok.float()


def synthetic_text(num: int, gen: torch.Generator) -> torch.Tensor:
    """(num, T) completions for pre-training: 1 to MAX_DIGITS uniform digits, then EOS (padding EOS)."""
    lengths = torch.randint(1, MAX_DIGITS + 1, (num,), generator=gen)
    digits = torch.randint(0, NUM_DIGITS, (num, MAX_LEN), generator=gen)
    pos = torch.arange(MAX_LEN)[None, :]
    return torch.where(pos < lengths[:, None], digits, torch.full_like(digits, EOS))


def pretrain(seed: int = 0, steps: int = 150, batch_size: int = 128, lr: float = 0.02, hidden: int = 32) -> TinyLM:
    """A TinyLM fitted by maximum likelihood on ``synthetic_text``: the reference policy (notebook 09).

    The text ignores the prompt, so the model learns the length and digit frequencies only; it
    takes about a second on one CPU core.
    """
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = TinyLM(hidden=hidden)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        tokens = synthetic_text(batch_size, gen)
        prompts = torch.randint(0, NUM_TARGETS, (batch_size,), generator=gen)
        mask = completion_mask(tokens)
        logp = torch.log_softmax(model(prompts, tokens), dim=-1).gather(-1, tokens[..., None])[..., 0]
        loss = -(logp * mask).sum() / mask.sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def sample_completions(model: TinyLM, prompts: torch.Tensor, gen: torch.Generator):
    """Sample one completion per prompt (notebook 09), without building a graph.

    Args:
        model: a TinyLM.
        prompts: (N,) LongTensor of targets; repeat a prompt k times for k samples per prompt.
        gen: a torch.Generator, for reproducible samples.
    Returns:
        tokens (N, T) LongTensor padded with EOS after the first EOS, and mask (N, T) bool.
    """
    n = len(prompts)
    with torch.inference_mode():
        prev = torch.full((n,), BOS, dtype=torch.long)
        h, cols = prompts, []
        for t in range(MAX_LEN):
            logits, h = model.step(h, prev, first=(t == 0))
            prev = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=gen)[:, 0]
            cols.append(prev)
        tokens = torch.stack(cols, dim=1)
    tokens = tokens.clone()
    mask = completion_mask(tokens)
    tokens[~mask] = EOS
    return tokens, mask


def all_completions(length: int, vocab: int) -> torch.Tensor:
    """(vocab**length, length) LongTensor: every string of ``length`` tokens, in lexicographic order (notebook 09)."""
    grids = torch.meshgrid(*[torch.arange(vocab)] * length, indexing="ij")
    return torch.stack([g.reshape(-1) for g in grids], dim=1)


def every_completion() -> torch.Tensor:
    """(341, T) every completion the sampler can write: T tokens padded with EOS after the first EOS (notebook 09).

    The empty completion (EOS first), 1 to MAX_DIGITS digits closed by EOS, and the MAX_LEN-digit strings that
    never close: 1 + 4 + 16 + 64 + 256 = 341 rows.
    """
    every = all_completions(MAX_LEN, VOCAB)
    return every[(completion_mask(every) | (every == EOS)).all(dim=1)]


def digit_sum_distribution(model: TinyLM) -> torch.Tensor:
    """(NUM_TARGETS, MAX_DIGITS * (NUM_DIGITS - 1) + 1) exact P(the completion is closed, has a digit and its
    digits sum to s | target x), row x, column s, by listing every completion (notebook 09).

    Row x's entry s = x is the exact expected reward of the prompt x; a row sums to less than 1 by the
    probability of the completions that earn nothing whatever the target (no digit, or never closed).
    """
    every = every_completion()  # (341, T)
    mask = completion_mask(every)
    digits = mask & (every != EOS)
    closed = (mask & (every == EOS)).any(dim=1) & digits.any(dim=1)
    total = torch.where(digits, every, torch.zeros_like(every)).sum(dim=1)  # (341,) the digit sum
    total = torch.where(closed, total, torch.zeros_like(total))  # never closed: earns nothing (its row is zeroed below)
    onehot = torch.nn.functional.one_hot(total, MAX_DIGITS * (NUM_DIGITS - 1) + 1).double() * closed[:, None]
    rows = []
    with torch.no_grad():
        for x in range(NUM_TARGETS):
            logits = model(torch.full((len(every),), x), every).double()
            logp = torch.log_softmax(logits, dim=-1).gather(-1, every[..., None])[..., 0]
            rows.append(torch.where(mask, logp, torch.zeros_like(logp)).sum(dim=1).exp() @ onehot)
    return torch.stack(rows)


def decode(tokens: torch.Tensor, mask: torch.Tensor) -> list[str]:
    """Completions as strings, e.g. '213.' (the dot is EOS) (notebook 09)."""
    return ["".join("." if int(t) == EOS else str(int(t)) for t, m in zip(row, mrow) if m)
            for row, mrow in zip(tokens, mask)]
