"""Measuring a model: per-label and macro scores, confusion, cue-span agreement, the card.

Metrics are computed with scikit-learn (nothing fetched from a hub). Span scores are
computed on rows that carry gold cues: token-F1 over the words inside cues, and
IoU-F1, where a predicted span counts when it overlaps a gold one with IoU >= 0.5.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

WORD = re.compile(r"\w+")


def classification_metrics(gold: Sequence[str], predicted: Sequence[str],
                           labels: Sequence[str]) -> dict[str, Any]:
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    labels = list(labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0)
    per_label = {
        label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    present = [label for label in labels if per_label[label]["support"] > 0]
    macro = float(np.mean([per_label[label]["f1"] for label in present])) if present else 0.0
    accuracy = float(np.mean([g == p for g, p in zip(gold, predicted, strict=True)])) if gold else 0.0
    return {
        "macro_f1": macro,
        "accuracy": accuracy,
        "per_label": per_label,
        "labels": labels,
        "confusion": confusion_matrix(gold, predicted, labels=labels).tolist(),
        "n": len(gold),
    }


def _covered_words(text: str, spans: Sequence[tuple[int, int]]) -> set[int]:
    return {
        i for i, m in enumerate(WORD.finditer(text))
        if any(m.start() < end and begin < m.end() for begin, end in spans)
    }


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def span_metrics(texts: Sequence[str], gold_spans: Sequence[Sequence[tuple[int, int]] | None],
                 predicted_spans: Sequence[Sequence[tuple[int, int]]]) -> dict[str, float] | None:
    """Token-F1 and IoU>=0.5 F1 over rows with gold cues; None when no row has any."""
    tp = fp = fn = 0
    matched = n_pred = n_gold = 0
    rows = 0
    for text, gold, pred in zip(texts, gold_spans, predicted_spans, strict=True):
        if not gold:
            continue
        rows += 1
        g, p = _covered_words(text, gold), _covered_words(text, pred)
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
        n_gold += len(gold)
        n_pred += len(pred)
        free = list(gold)
        for span in pred:
            best = max(free, key=lambda other: _iou(span, other), default=None)
            if best is not None and _iou(span, best) >= 0.5:
                matched += 1
                free.remove(best)
    if not rows:
        return None

    def f1(precision: float, recall: float) -> float:
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    token_p = tp / (tp + fp) if tp + fp else 0.0
    token_r = tp / (tp + fn) if tp + fn else 0.0
    iou_p = matched / n_pred if n_pred else 0.0
    iou_r = matched / n_gold if n_gold else 0.0
    return {"rows": rows, "token_precision": token_p, "token_recall": token_r,
            "token_f1": f1(token_p, token_r), "iou50_precision": iou_p, "iou50_recall": iou_r,
            "iou50_f1": f1(iou_p, iou_r)}


def evaluate_classifier(classifier, examples, batch_size: int = 64,
                        progress: bool = False) -> dict[str, Any]:
    """Score labelled examples with a Classifier; classification and span metrics."""
    unknown = sorted({e.label for e in examples} - set(classifier.labels))
    if unknown:
        raise ValueError(f"the data has labels the model does not know: {', '.join(unknown)} "
                         f"(model labels: {', '.join(classifier.labels)})")
    texts = [e.text for e in examples]
    want_spans = any(e.spans for e in examples)
    predictions = classifier.predict(texts, batch_size=batch_size, spans=want_spans,
                                     progress=progress)
    report = classification_metrics([e.label for e in examples],
                                    [p.label for p in predictions], classifier.labels)
    if want_spans:
        report["spans"] = span_metrics(
            texts, [e.spans for e in examples],
            [[(s.start, s.end) for s in p.spans] for p in predictions])
    return report


BASELINES: dict[str, dict[str, dict[str, Any]]] = {
    # scikit-learn's defaults: the bar as it is usually quoted
    "textbook": {"vectoriser": {}, "model": {"max_iter": 2000}},
    # word 1-2 grams, sublinear tf, weaker regularisation, balanced classes: tuned on
    # validation, the strongest bag-of-words we found
    "tuned": {"vectoriser": {"ngram_range": (1, 2), "sublinear_tf": True},
              "model": {"max_iter": 2000, "C": 10.0, "class_weight": "balanced"}},
}


def tfidf_baseline(train, test, variant: str = "tuned") -> dict[str, Any]:
    """TF-IDF + logistic regression trained on `train`, scored on `test`: the bar a
    transformer must clear. `variant` is "textbook" (library defaults) or "tuned"."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    settings = BASELINES[variant]
    labels = sorted({e.label for e in train})
    model = make_pipeline(TfidfVectorizer(**settings["vectoriser"]),
                          LogisticRegression(**settings["model"]))
    model.fit([e.text for e in train], [e.label for e in train])
    return classification_metrics([e.label for e in test],
                                  list(model.predict([e.text for e in test])), labels)


def format_report(report: dict[str, Any]) -> str:
    """A plain-text table: per-label scores, macro-F1, spans, and the confusion matrix."""
    labels = report["labels"]
    width = max(len(label) for label in labels) + 2
    lines = [f"{'label':<{width}}precision  recall     f1  support"]
    for label in labels:
        row = report["per_label"][label]
        lines.append(f"{label:<{width}}{row['precision']:9.3f}{row['recall']:8.3f}"
                     f"{row['f1']:7.3f}{row['support']:9d}")
    lines.append(f"macro-F1 {report['macro_f1']:.4f}   accuracy {report['accuracy']:.4f}   "
                 f"n {report['n']}")
    spans = report.get("spans")
    if spans:
        lines.append(f"spans: token-F1 {spans['token_f1']:.4f}   IoU>=0.5 F1 "
                     f"{spans['iou50_f1']:.4f}   rows with gold cues {spans['rows']}")
    lines.append("confusion (rows gold, columns predicted):")
    short = [label[:10] for label in labels]
    lines.append(" " * width + "".join(f"{s:>11}" for s in short))
    for label, row in zip(labels, report["confusion"], strict=True):
        lines.append(f"{label:<{width}}" + "".join(f"{v:>11d}" for v in row))
    return "\n".join(lines)


def plot_confusion(report: dict[str, Any], path: str | Path, title: str = "") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = report["labels"]
    matrix = np.array(report["confusion"])
    fig, ax = plt.subplots(figsize=(1.3 * len(labels) + 2, 1.1 * len(labels) + 1.5))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    peak = matrix.max() if matrix.size else 0
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center",
                    color="white" if matrix[i, j] > peak / 2 else "black")
    ax.set_title(title or f"macro-F1 {report['macro_f1']:.3f}")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_json(report: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(json.dumps(report, indent=2) + "\n")
