"""Fine-tuning: labelled data in, a model directory out, the same every time.

Labels come from the data, so an organisation's own label set trains without code
changes. The cue head is trained jointly where the data has gold cues; a model trained
without them highlights by attribution instead. The best epoch (validation macro-F1) is
kept in memory, so no checkpoints are written.
"""

from __future__ import annotations

import copy
import hashlib
import json
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch

from . import __version__
from .backbone import resolve_base_model
from .data import DataError, Example, Problem, read_examples, too_few, validate_examples
from .labels import DEFAULT_LABELS
from .modeling import OwnershipModel


@dataclass
class TrainConfig:
    """The recipe. Saved inside every model directory it produced."""

    base_model: str = "minilm"
    seed: int = 42
    epochs: int = 4
    learning_rate: float = 6e-5
    batch_size: int = 32
    max_length: int = 128
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    span_loss_weight: float = 1.0
    class_weighting: bool = True
    min_per_label: int = 8
    validation_fraction: float = 0.1
    precision: str = "auto"  # auto | bf16 | fp32 (mixed-precision autocast when bf16)

    @classmethod
    def from_file(cls, path: str | Path | None, **overrides: Any) -> TrainConfig:
        values: dict[str, Any] = {}
        if path:
            values = json.loads(Path(path).read_text())
            known = {f.name for f in fields(cls)}
            unknown = sorted(set(values) - known)
            if unknown:
                raise ValueError(f"{path}: unknown config key(s) {', '.join(unknown)}; "
                                 f"known: {', '.join(sorted(known))}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def label_order(labels: set[str]) -> list[str]:
    """Our five labels keep their documented order; any other set is sorted."""
    if labels == set(DEFAULT_LABELS):
        return list(DEFAULT_LABELS)
    return sorted(labels)


def split_validation(examples: list[Example], fraction: float, seed: int):
    """A stratified hold-out when the user gave no validation file."""
    from sklearn.model_selection import train_test_split

    counts = {label: sum(e.label == label for e in examples) for label in {e.label for e in examples}}
    stratify = [e.label for e in examples] if min(counts.values()) >= 2 else None
    return train_test_split(examples, test_size=fraction, random_state=seed, stratify=stratify)


def encode(examples: list[Example], tokenizer, label2id: dict[str, int], max_length: int,
           with_spans: bool) -> dict[str, list]:
    """Token ids, class ids, and per-token cue targets aligned through offset mappings."""
    enc = tokenizer([e.text for e in examples], truncation=True, max_length=max_length,
                    return_offsets_mapping=True)
    columns: dict[str, list] = {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                                "labels": [label2id[e.label] for e in examples],
                                "length": [len(ids) for ids in enc["input_ids"]]}
    if with_spans:
        targets, masks = [], []
        for example, offsets in zip(examples, enc["offset_mapping"], strict=True):
            spans = example.spans
            target = [int(spans is not None and end > begin and any(
                begin < s_end and s_begin < end for s_begin, s_end in spans))
                for begin, end in offsets]
            targets.append(target)
            masks.append([int(spans is not None and end > begin) for begin, end in offsets])
        columns["span_labels"] = targets
        columns["span_mask"] = masks
    return columns


class PadCollator:
    """Pads each batch to its own longest row (never to max_length)."""

    def __init__(self, pad_id: int):
        self.pad_id = pad_id

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        width = max(len(r["input_ids"]) for r in rows)
        batch: dict[str, torch.Tensor] = {}
        fills = {"input_ids": self.pad_id, "attention_mask": 0, "span_labels": 0, "span_mask": 0}
        for key, fill in fills.items():
            if key in rows[0]:
                batch[key] = torch.tensor([r[key] + [fill] * (width - len(r[key])) for r in rows])
        batch["labels"] = torch.tensor([r["labels"] for r in rows])
        return batch


def _versions() -> dict[str, str]:
    import transformers

    return {"ownership_clf": __version__, "torch": torch.__version__,
            "transformers": transformers.__version__, "python": sys.version.split()[0],
            "platform": platform.platform()}


def use_bf16(precision: str) -> bool:
    if precision == "auto":
        from .inference import bf16_is_fast

        return bf16_is_fast(torch.device("cuda" if torch.cuda.is_available() else "cpu"))
    return precision == "bf16"


def tune_span_thresholds(classifier, examples: list[Example]) -> dict[str, float] | None:
    """Pick the hysteresis thresholds with the best token-F1 on validation rows with cues."""
    from .evaluation import span_metrics
    from .spans import decode_spans

    rows = [e for e in examples if e.spans]
    if not rows or not classifier.has_span_head:
        return None
    texts = [e.text for e in rows]
    encoding, probs, token_scores = classifier._forward(texts, 64, want_tokens=True)
    best: tuple[float, float, float] | None = None
    for high in (0.3, 0.4, 0.5, 0.6, 0.7):
        for low in (0.1, 0.2, 0.3, 0.4, 0.5):
            if low > high:
                continue
            predicted: list[list[tuple[int, int]]] = []
            for i, text in enumerate(texts):
                label = classifier.labels[int(probs[i].argmax())]
                if label == "neutral":
                    predicted.append([])
                    continue
                spans = decode_spans(text, encoding["offset_mapping"][i], encoding.word_ids(i),
                                     token_scores[i], label, high, low)
                predicted.append([(s.start, s.end) for s in spans])
            metrics = span_metrics(texts, [e.spans for e in rows], predicted)
            assert metrics is not None  # every row here has gold cues
            score = metrics["token_f1"]
            if best is None or score > best[0] + 1e-9:
                best = (score, high, low)
    assert best is not None
    return {"high": best[1], "low": best[2], "validation_token_f1": best[0]}


def train(train_path: str | Path, output: str | Path, validation_path: str | Path | None = None,
          config: TrainConfig | None = None, progress: bool = True,
          log=print) -> dict[str, Any]:
    """Validate the data, fine-tune, keep the best epoch, save the model directory.

    Returns the record also written to `ownership_clf.json` in the directory.
    """
    from datasets import Dataset
    from transformers import (
        AutoTokenizer,
        DistilBertForSequenceClassification,
        Trainer,
        TrainerCallback,
        TrainingArguments,
        set_seed,
    )

    from .evaluation import classification_metrics
    from .inference import Classifier

    config = config or TrainConfig()
    paths = [str(train_path)] + ([str(validation_path)] if validation_path else [])
    problems: list[Problem] = []
    files = {path: read_examples(path, problems) for path in paths}
    train_examples = files[str(train_path)]
    labels = label_order({e.label for e in train_examples})
    if len(labels) < 2:
        problems.append(Problem(str(train_path), None, "training needs at least two labels"))
    problems += too_few(str(train_path), train_examples, config.min_per_label)
    # labels of the validation file must be the training labels; duplicates; leakage
    problems += validate_examples(files, labels=labels)
    if problems:
        raise DataError(problems)
    if validation_path:
        val_examples = files[str(validation_path)]
    else:
        train_examples, val_examples = split_validation(train_examples, config.validation_fraction,
                                                        config.seed)

    label2id = {label: i for i, label in enumerate(labels)}
    with_spans = any(e.spans for e in train_examples)
    set_seed(config.seed)
    base = resolve_base_model(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(base)
    classifier = DistilBertForSequenceClassification.from_pretrained(
        base, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=label2id,
        dtype=torch.float32)
    counts = np.bincount([label2id[e.label] for e in train_examples], minlength=len(labels))
    weights = None
    if config.class_weighting:
        weights = torch.tensor(len(train_examples) / (len(labels) * np.maximum(counts, 1)),
                               dtype=torch.float32)
    model = OwnershipModel(classifier, with_span_head=with_spans, class_weights=weights,
                           span_loss_weight=config.span_loss_weight)

    train_data = Dataset.from_dict(encode(train_examples, tokenizer, label2id, config.max_length,
                                          with_spans))
    val_data = Dataset.from_dict(encode(val_examples, tokenizer, label2id, config.max_length,
                                        with_spans))
    bf16 = use_bf16(config.precision)

    def compute_metrics(prediction) -> dict[str, float]:
        logits = prediction.predictions[0] if isinstance(prediction.predictions, tuple) \
            else prediction.predictions
        predicted = [labels[i] for i in np.asarray(logits).argmax(-1)]
        gold = [labels[i] for i in prediction.label_ids]
        return {"macro_f1": classification_metrics(gold, predicted, labels)["macro_f1"]}

    history: list[dict[str, float]] = []
    best: dict[str, Any] = {"score": -1.0, "state": None, "epoch": None}

    class KeepBest(TrainerCallback):
        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            score = float(metrics["eval_macro_f1"])
            history.append({"epoch": round(state.epoch or 0), "validation_macro_f1": score,
                            "validation_loss": float(metrics.get("eval_loss", float("nan")))})
            if state.is_world_process_zero:
                log(f"epoch {round(state.epoch or 0)}: validation macro-F1 {score:.4f}")
            if score > best["score"]:
                best.update(score=score, epoch=round(state.epoch or 0),
                            state=copy.deepcopy(kwargs["model"].state_dict()))

    with tempfile.TemporaryDirectory() as scratch:
        args = TrainingArguments(
            output_dir=scratch, num_train_epochs=config.epochs, learning_rate=config.learning_rate,
            per_device_train_batch_size=config.batch_size, per_device_eval_batch_size=128,
            weight_decay=config.weight_decay, warmup_steps=config.warmup_ratio,
            eval_strategy="epoch", save_strategy="no", logging_strategy="no", report_to="none",
            seed=config.seed, data_seed=config.seed, bf16=bf16,
            train_sampling_strategy="group_by_length", length_column_name="length",
            remove_unused_columns=False, label_names=["labels"], disable_tqdm=not progress,
            dataloader_num_workers=0, use_cpu=not torch.cuda.is_available())
        trainer = Trainer(model=model, args=args, train_dataset=train_data, eval_dataset=val_data,
                          data_collator=PadCollator(tokenizer.pad_token_id or 0),
                          compute_metrics=compute_metrics, callbacks=[KeepBest()])
        started = time.perf_counter()
        result = trainer.train()
        seconds = time.perf_counter() - started
    model.load_state_dict(best["state"])
    model.eval()
    throughput = len(train_examples) * config.epochs / seconds

    record: dict[str, Any] = {
        "config": asdict(config),
        "labels": labels,
        "span_head": with_spans,
        "data": {p: {"sha256": sha256(p), "rows": len(files[p])} for p in paths},
        "train_rows": len(train_examples), "validation_rows": len(val_examples),
        "validation_from": str(validation_path) if validation_path else "held out from train",
        "versions": _versions(),
        "history": history, "best_epoch": best["epoch"],
        "train_seconds": round(seconds, 1), "train_examples_per_second": round(throughput, 1),
        "precision": "bf16" if bf16 else "fp32",
        "train_loss": float(result.training_loss),
    }
    output = Path(output)
    is_main = trainer.is_world_process_zero()
    if is_main:
        model.save(output, tokenizer, record)
        # Figures below are measured on the weights as stored, not the in-memory ones.
        stored = Classifier.load(output, precision="fp32")
        thresholds = tune_span_thresholds(stored, val_examples)
        if thresholds:
            record["span_thresholds"] = thresholds
        predicted = [p.label for p in stored.predict([e.text for e in val_examples], spans=False)]
        record["validation"] = classification_metrics([e.label for e in val_examples], predicted,
                                                      labels)
        (output / "ownership_clf.json").write_text(json.dumps(record, indent=2, sort_keys=True)
                                                   + "\n")
    # Under torchrun every rank trains; only rank 0 writes, and the others wait for it so
    # that no process exits while the directory is half-written.
    trainer.accelerator.wait_for_everyone()
    if not is_main:
        return record
    log(f"trained {len(train_examples)} examples x {config.epochs} epochs in {seconds:.1f} s "
        f"({throughput:.1f} examples/s, {'bf16' if bf16 else 'fp32'}); best epoch "
        f"{best['epoch']} (validation macro-F1 {best['score']:.4f})")
    return record
