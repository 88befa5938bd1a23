"""Rebuild the shipped default model from data/ (`make train`).

Trains with training/default.json, evaluates the stored weights on data/test.jsonl,
measures the TF-IDF + logistic regression baseline on the same split, writes the model
card and the confusion plot, and prints the wall time.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ownership_clf.data import read_examples
from ownership_clf.evaluation import (
    evaluate_classifier,
    format_report,
    plot_confusion,
    tfidf_baseline,
    write_json,
)
from ownership_clf.inference import Classifier
from ownership_clf.model_card import write_model_card
from ownership_clf.training import TrainConfig, train

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default=ROOT / "training" / "default.json")
    parser.add_argument("--output", default=ROOT / "models" / "ownership-clf-minilm")
    parser.add_argument("--data", default=ROOT / "data", type=Path)
    args = parser.parse_args()
    output, config = Path(args.output).resolve(), Path(args.config).resolve()
    data = Path(os.path.relpath(Path(args.data).resolve(), ROOT))
    os.chdir(ROOT)  # the model's record names data files relative to the repository
    started = time.perf_counter()
    record = train(data / "train.jsonl", output, data / "validation.jsonl",
                   TrainConfig.from_file(config))
    train_minutes = (time.perf_counter() - started) / 60
    test = read_examples(data / "test.jsonl")
    classifier = Classifier.load(output)  # as users get it: bf16 where the CPU has it
    report = evaluate_classifier(classifier, test)
    report["precision"] = classifier.precision
    train_rows = read_examples(data / "train.jsonl")
    baselines = {v: tfidf_baseline(train_rows, test, v) for v in ("textbook", "tuned")}
    report["baselines"] = {v: {"macro_f1": b["macro_f1"], "per_label": b["per_label"]}
                           for v, b in baselines.items()}
    report["train_minutes"] = round(train_minutes, 2)
    write_json(report, output / "test_metrics.json")
    plot_confusion(report, output / "confusion_test.png", "test split")
    write_model_card(output, record, report)
    print(format_report(report))
    for variant, baseline in baselines.items():
        print(f"TF-IDF + LR baseline ({variant}) macro-F1 {baseline['macro_f1']:.4f}; "
              f"model - baseline = {report['macro_f1'] - baseline['macro_f1']:+.4f}")
    print(f"make train: {train_minutes:.1f} minutes wall time (training, storing and tuning)")


if __name__ == "__main__":
    main()
