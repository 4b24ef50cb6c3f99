"""pg_helpers.lm: the tiny language model and the digit-sum task of notebook 09."""

from __future__ import annotations

import torch

from pg_helpers import lm


def test_mask_covers_up_to_the_first_eos():
    tokens = torch.tensor([[1, 2, lm.EOS, 3], [lm.EOS, 1, lm.EOS, 0], [1, 1, 1, 1]])
    assert lm.completion_mask(tokens).tolist() == [[True, True, True, False], [True, False, False, False],
                                                   [True, True, True, True]]


def test_reward_checks_the_sum_and_the_format():
    E = lm.EOS
    tokens = torch.tensor([[1, 2, E, E], [3, 3, E, E], [E, E, E, E], [1, 1, 1, 1], [2, E, 3, E]])
    prompts = torch.tensor([3, 5, 0, 3, 2])
    # right; wrong sum; no digit; never closed (4 digits); digits after EOS do not count
    assert lm.reward(prompts, tokens).tolist() == [1.0, 0.0, 0.0, 0.0, 1.0]


def test_pretraining_is_small_and_learns_the_format():
    # Its speed is a budget of notebook 09's Run All, timed by `python -m benchmarks.notebooks`, not here.
    model = lm.pretrain(seed=0)
    assert sum(p.numel() for p in model.parameters()) < 10_000
    prompts = torch.arange(lm.NUM_TARGETS).repeat_interleave(200)
    tokens, mask = lm.sample_completions(model, prompts, torch.Generator().manual_seed(0))
    lengths = mask.sum(1)
    closed = (tokens[torch.arange(len(tokens)), lengths - 1] == lm.EOS)
    assert closed.float().mean() > 0.95 and (lengths >= 2).float().mean() > 0.95
    assert 0.08 < lm.reward(prompts, tokens).mean() < 0.25  # it ignores the target


def test_sampling_is_reproducible_and_padded_with_eos():
    model = lm.pretrain(seed=1, steps=20)
    prompts = torch.tensor([0, 3, 6, 2])
    a = lm.sample_completions(model, prompts, torch.Generator().manual_seed(5))
    b = lm.sample_completions(model, prompts, torch.Generator().manual_seed(5))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    tokens, mask = a
    assert tokens.shape == (4, lm.MAX_LEN) and bool((tokens[~mask] == lm.EOS).all())
    assert not tokens.requires_grad


def test_teacher_forced_logits_match_the_sampler():
    model = lm.pretrain(seed=2, steps=10)
    prompts = torch.tensor([1, 4])
    tokens, _ = lm.sample_completions(model, prompts, torch.Generator().manual_seed(0))
    logits = model(prompts, tokens)
    with torch.no_grad():
        h, prev, steps = prompts, torch.full((2,), lm.BOS), []
        for t in range(lm.MAX_LEN):
            step_logits, h = model.step(h, prev, first=(t == 0))
            steps.append(step_logits)
            prev = tokens[:, t]
    assert torch.allclose(logits.detach(), torch.stack(steps, 1), atol=1e-5)


def test_all_completions_and_decode():
    every = lm.all_completions(2, 3)
    assert every.shape == (9, 2) and every[5].tolist() == [1, 2] and len({tuple(r) for r in every.tolist()}) == 9
    tokens = torch.tensor([[1, 2, lm.EOS, lm.EOS]])
    assert lm.decode(tokens, lm.completion_mask(tokens)) == ["12."]


def test_every_completion_and_the_exact_digit_sum_distribution():
    every = lm.every_completion()
    assert every.shape == (341, lm.MAX_LEN) and len({tuple(r) for r in every.tolist()}) == 341
    model = lm.pretrain(seed=3, steps=30)
    dist = lm.digit_sum_distribution(model)
    assert dist.shape == (lm.NUM_TARGETS, 10) and bool((dist >= 0).all()) and bool((dist.sum(1) <= 1 + 1e-9).all())
    # the sampler's completions agree with it: their mean reward for target 3 against row 3, column 3
    prompts = torch.full((4000,), 3)
    tokens, _ = lm.sample_completions(model, prompts, torch.Generator().manual_seed(0))
    assert abs(lm.reward(prompts, tokens).mean().item() - dist[3, 3].item()) < 0.03
    # and the probabilities of all completions sum to 1
    mask = lm.completion_mask(every)
    with torch.no_grad():
        logp = torch.log_softmax(model(torch.full((341,), 0), every), -1).gather(-1, every[..., None])[..., 0]
    assert abs(float(torch.where(mask, logp, 0.0).sum(1).exp().sum()) - 1) < 1e-5
