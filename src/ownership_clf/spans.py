"""From per-token cue scores to character spans, and attribution when no cue head exists.

Scores are pooled per word (a word is cue if any of its word pieces is), then selected
by hysteresis: a word scoring above `high` seeds a span, which grows over neighbouring
words above `low`. That keeps multi-word cues ("that's on us") whole without lighting up
every word with a faint score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

DEFAULT_HIGH = 0.5
DEFAULT_LOW = 0.3


@dataclass(frozen=True)
class Span:
    """A cue: text[start:end] == self.text, offsets in characters, end exclusive."""

    start: int
    end: int
    text: str
    label: str
    score: float

    def shifted(self, offset: int) -> Span:
        return Span(self.start + offset, self.end + offset, self.text, self.label, self.score)


def decode_spans(text: str, offsets: Sequence[tuple[int, int]], word_ids: Sequence[int | None],
                 scores: Sequence[float], label: str, high: float = DEFAULT_HIGH,
                 low: float = DEFAULT_LOW) -> list[Span]:
    """Character spans of the words whose token scores pass the hysteresis thresholds."""
    words: dict[int, list[float]] = {}
    word_chars: dict[int, list[int]] = {}
    for (begin, end), word, score in zip(offsets, word_ids, scores, strict=False):
        if word is None or end <= begin:
            continue
        if word not in words:
            words[word] = [float(score)]
            word_chars[word] = [begin, end]
        else:
            words[word].append(float(score))
            word_chars[word][0] = min(word_chars[word][0], begin)
            word_chars[word][1] = max(word_chars[word][1], end)
    order = sorted(words)
    word_score = [max(words[w]) for w in order]
    selected = [s >= high for s in word_score]
    changed = True
    while changed:
        changed = False
        for i, score in enumerate(word_score):
            if not selected[i] and score >= low and (
                (i > 0 and selected[i - 1]) or (i + 1 < len(order) and selected[i + 1])
            ):
                selected[i] = changed = True
    spans: list[Span] = []
    i = 0
    while i < len(order):
        if not selected[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(order) and selected[j + 1]:
            j += 1
        begin, end = word_chars[order[i]][0], word_chars[order[j]][1]
        begin, end = max(0, begin), min(len(text), end)
        if end > begin:
            spans.append(Span(begin, end, text[begin:end], label, max(word_score[i:j + 1])))
        i = j + 1
    return spans


def integrated_gradients(model, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                         target: int, steps: int = 16) -> torch.Tensor:
    """Token attributions (one sequence) for class `target`, scaled to [0, 1].

    Used where the model was trained without gold cues and so has no cue head. The path
    runs from the [PAD] embedding to the real word embeddings; positive attribution
    summed over the hidden dimension, divided by its maximum.
    """
    classifier = model.classifier
    encoder = classifier.distilbert
    embed = encoder.embeddings.word_embeddings
    with torch.no_grad():
        real = embed(input_ids)
        pad_id = classifier.config.pad_token_id or 0
        base = embed(torch.full_like(input_ids, pad_id))
    alphas = torch.linspace(1.0 / steps, 1.0, steps).view(-1, 1, 1)
    path = (base + alphas * (real - base)).detach().requires_grad_(True)
    mask = attention_mask.expand(steps, -1)
    hidden = encoder(inputs_embeds=path, attention_mask=mask).last_hidden_state
    pooled = torch.relu(classifier.pre_classifier(hidden[:, 0]))
    logits = classifier.classifier(pooled)
    grads, = torch.autograd.grad(logits[:, target].sum(), path)
    attribution = ((real - base) * grads.mean(dim=0, keepdim=True)).sum(-1)[0]
    attribution = attribution.clamp(min=0) * attention_mask[0]
    peak = attribution.max()
    return attribution / peak if peak > 0 else attribution
