"""`Classifier`: load a model once, score many sentences fast, highlight their cues.

Speed comes from four habits: tokenise once, sort by token length, pad each batch only
to its longest row, and run in bfloat16 where the processor has native bf16 support.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import numpy as np
import torch
from tqdm.auto import tqdm

from .labels import NEUTRAL, turn_label
from .modeling import ModelDirectoryError, OwnershipModel, load_model
from .sentences import split_sentences
from .spans import DEFAULT_HIGH, DEFAULT_LOW, Span, decode_spans, integrated_gradients

MODEL_ENV = "OWNERSHIP_CLF_MODEL"
DEFAULT_MODEL_NAME = "ownership-clf-minilm"
MAX_TOKENS = 256  # inference truncation; sentences are far shorter
MAX_BATCH_TOKENS = 8192  # padded tokens per batch: bounds memory whatever the batch size


def default_model_dir() -> Path:
    """The shipped model: $OWNERSHIP_CLF_MODEL, the copy inside a wheel, or models/ in a checkout."""
    if os.environ.get(MODEL_ENV):
        return Path(os.environ[MODEL_ENV])
    here = Path(__file__).resolve().parent
    for candidate in (here / "default_model", here.parents[1] / "models" / DEFAULT_MODEL_NAME):
        if (candidate / "config.json").exists():
            return candidate
    raise ModelDirectoryError(
        f"the default model was not found (looked in {here / 'default_model'} and "
        f"{here.parents[1] / 'models' / DEFAULT_MODEL_NAME}); pass a model directory or set "
        f"{MODEL_ENV}"
    )


def bf16_is_fast(device: torch.device) -> bool:
    """bfloat16 pays off on GPUs and on CPUs with native bf16 instructions (AVX512-BF16/AMX)."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    checks = [getattr(torch.cpu, name, None) for name in
              ("_is_avx512_bf16_supported", "_is_amx_tile_supported")]
    return any(check() for check in checks if check is not None)


@dataclass(frozen=True)
class Prediction:
    """One sentence's label, its probability, every label's probability, and its cues."""

    text: str
    label: str
    score: float
    scores: dict[str, float]
    spans: list[Span] = field(default_factory=list)


@dataclass(frozen=True)
class SentencePrediction:
    """A sentence of a turn: offsets and cue spans are in the turn's characters."""

    start: int
    end: int
    text: str
    label: str
    score: float
    scores: dict[str, float]
    spans: list[Span]


@dataclass(frozen=True)
class TurnPrediction:
    """A turn's sentences and the turn's label by the precedence of LABELS.md."""

    text: str
    label: str
    sentences: list[SentencePrediction]

    @property
    def spans(self) -> list[Span]:
        return [span for sentence in self.sentences for span in sentence.spans]


class Classifier:
    """A trained model ready to score text. Build it with `Classifier.load()`."""

    def __init__(self, model: OwnershipModel, tokenizer: Any, record: dict[str, Any] | None = None,
                 device: str | torch.device | None = None, precision: str = "auto"):
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        if precision == "auto":
            precision = "bf16" if bf16_is_fast(self.device) else "fp32"
        if precision not in ("bf16", "fp32"):
            raise ValueError(f"precision must be 'auto', 'bf16' or 'fp32', not {precision!r}")
        self.precision = precision
        dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        self.model = model.to(self.device, dtype=dtype).eval()
        self.tokenizer = tokenizer
        self.record = record or {}
        id2label = model.config.id2label
        self.labels: tuple[str, ...] = tuple(id2label[i] for i in range(len(id2label)))
        thresholds = self.record.get("span_thresholds", {})
        self.span_high = float(thresholds.get("high", DEFAULT_HIGH))
        self.span_low = float(thresholds.get("low", DEFAULT_LOW))

    @classmethod
    def load(cls, path: str | Path | None = None, device: str | None = None,
             precision: str = "auto") -> Classifier:
        """Load a model directory; with no path, the shipped default model (offline)."""
        model, tokenizer, record = load_model(default_model_dir() if path is None else path)
        return cls(model, tokenizer, record, device=device, precision=precision)

    @property
    def has_span_head(self) -> bool:
        return self.model.span_head is not None

    # -- the batched core -------------------------------------------------------------
    def _encode(self, texts: Sequence[str]):
        return self.tokenizer(list(texts), truncation=True, max_length=MAX_TOKENS,
                              return_offsets_mapping=True)

    def _batches(self, encoding, batch_size: int) -> Iterator[tuple[np.ndarray, dict]]:
        """Longest first; a batch grows until `batch_size` rows or MAX_BATCH_TOKENS padded
        tokens, so short sentences travel in big batches and nothing pads past its batch."""
        lengths = np.array([len(ids) for ids in encoding["input_ids"]])
        order = np.argsort(-lengths, kind="stable")
        pad = self.tokenizer.pad_token_id or 0
        begin = 0
        while begin < len(order):
            width = int(lengths[order[begin]])
            size = max(1, min(batch_size, MAX_BATCH_TOKENS // width))
            rows = order[begin:begin + size]
            begin += size
            ids = np.full((len(rows), width), pad, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for k, row in enumerate(rows):
                seq = encoding["input_ids"][row]
                ids[k, : len(seq)] = seq
                mask[k, : len(seq)] = 1
            yield rows, {"input_ids": torch.from_numpy(ids).to(self.device),
                         "attention_mask": torch.from_numpy(mask).to(self.device)}

    def _forward(self, texts: Sequence[str], batch_size: int, want_tokens: bool,
                 progress: bool = False):
        """Probabilities (n, labels) and, if asked, per-token cue scores for each row."""
        encoding = self._encode(texts)
        probs = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        token_scores: list[np.ndarray | None] = [None] * len(texts)
        bar = tqdm(total=len(texts), unit="sent", disable=not progress, desc="scoring")
        with torch.inference_mode():
            for rows, batch in self._batches(encoding, batch_size):
                out = self.model(**batch)
                probs[rows] = torch.softmax(out["logits"].float(), dim=-1).cpu().numpy()
                if want_tokens and "span_logits" in out:
                    cue = torch.sigmoid(out["span_logits"].float()).cpu().numpy()
                    for k, row in enumerate(rows):
                        token_scores[row] = cue[k, : len(encoding["input_ids"][row])]
                bar.update(len(rows))
        bar.close()
        return encoding, probs, token_scores

    @contextmanager
    def _full_precision(self, needed: bool) -> Iterator[None]:
        """Gradients for attribution need float32: switch the model once per call, not per row."""
        if not needed or self.precision == "fp32":
            yield
            return
        self.model.float()
        try:
            yield
        finally:
            self.model.to(torch.bfloat16)

    def _attributions(self, encoding, row: int, target: int) -> np.ndarray:
        ids = torch.tensor([encoding["input_ids"][row]], device=self.device)
        scores = integrated_gradients(self.model, ids, torch.ones_like(ids), target)
        return scores.detach().cpu().numpy()

    # -- public API -------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """(n, len(labels)) probabilities; rows sum to 1."""
        if isinstance(texts, str):
            texts = [texts]
        return self._forward(texts, batch_size, want_tokens=False)[1]

    @overload
    def predict(self, texts: str, batch_size: int = ..., spans: bool = ...,  # type: ignore[overload-overlap]
                progress: bool = ...) -> Prediction: ...
    @overload
    def predict(self, texts: Sequence[str], batch_size: int = ..., spans: bool = ...,
                progress: bool = ...) -> list[Prediction]: ...

    def predict(self, texts, batch_size=64, spans=True, progress=False):
        """Label, scores and cue spans for one text (a Prediction) or many (a list)."""
        single = isinstance(texts, str)
        items = [texts] if single else list(texts)
        if not items:
            return []
        encoding, probs, token_scores = self._forward(items, batch_size, spans, progress)
        results = []
        with self._full_precision(spans and not self.has_span_head):
            for row, text in enumerate(items):
                best = int(probs[row].argmax())
                label = self.labels[best]
                found: list[Span] = []
                if spans and label != NEUTRAL:
                    found = self._spans_for(text, encoding, row, best, token_scores[row])
                results.append(Prediction(
                    text=text, label=label, score=float(probs[row, best]),
                    scores={name: float(p) for name, p in zip(self.labels, probs[row],
                                                               strict=True)},
                    spans=found))
        return results[0] if single else results

    def _spans_for(self, text, encoding, row, best, scores) -> list[Span]:
        high, low = self.span_high, self.span_low
        if scores is None:  # no cue head: fall back to attribution
            scores = self._attributions(encoding, row, best)
            high, low = 0.6, 0.35
        return decode_spans(text, encoding["offset_mapping"][row], encoding.word_ids(row), scores,
                            self.labels[best], high, low)

    def predict_turns(self, turns: Sequence[str], batch_size: int = 64, spans: bool = True,
                      progress: bool = False) -> list[TurnPrediction]:
        """Split each turn into sentences, score them together, map cues back to the turn."""
        pieces = [split_sentences(turn) for turn in turns]
        flat = [turn[a:b] for turn, offsets in zip(turns, pieces, strict=True) for a, b in offsets]
        predictions = iter(self.predict(flat, batch_size, spans, progress) if flat else [])
        results = []
        for turn, offsets in zip(turns, pieces, strict=True):
            sentences = []
            for start, end in offsets:
                p = next(predictions)
                sentences.append(SentencePrediction(
                    start, end, p.text, p.label, p.score, p.scores,
                    [span.shifted(start) for span in p.spans]))
            results.append(TurnPrediction(turn, turn_label(s.label for s in sentences), sentences))
        return results

    def predict_turn(self, turn: str, spans: bool = True) -> TurnPrediction:
        """One turn: its sentences' predictions and its label by precedence."""
        return self.predict_turns([turn], spans=spans)[0]
