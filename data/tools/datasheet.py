"""Regenerate the tables of data/README.md from the split files (`make datasheet`).

The prose of the datasheet is written by hand; everything between the TABLES markers is
computed here, so the counts can never drift from the data.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from ownership_clf.data import near_duplicate_pairs, read_examples  # noqa: E402
from ownership_clf.evaluation import tfidf_baseline  # noqa: E402
from ownership_clf.labels import DEFAULT_LABELS  # noqa: E402

SPLITS = ("train", "validation", "test")
CHANNELS = ("phone", "chat", "email", "social")
START, END = "<!-- TABLES:START -->", "<!-- TABLES:END -->"


def load() -> dict[str, list[dict]]:
    return {s: [json.loads(x) for x in (ROOT / "data" / f"{s}.jsonl").read_text().splitlines()]
            for s in SPLITS}


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    data = load()
    every = [r for rows in data.values() for r in rows]
    out = [f"{len(every)} utterances: " + ", ".join(f"{s} {len(data[s])}" for s in SPLITS) + "."]
    out += ["", "### Labels by split and channel", ""]
    header = ["label", *[f"{s} {c}" for s in SPLITS for c in CHANNELS], "total"]
    rows = []
    for label in DEFAULT_LABELS:
        counts = Counter((r["split"], r["channel"]) for s in SPLITS
                         for r in ({**x, "split": s} for x in data[s]) if r["label"] == label)
        rows.append([label, *[counts[(s, c)] for s in SPLITS for c in CHANNELS],
                     sum(counts.values())])
    rows.append(["all", *[sum(1 for r in data[s] if r["channel"] == c) for s in SPLITS
                          for c in CHANNELS], len(every)])
    out.append(table(header, rows))
    industries = Counter(r["industry"] for r in every)
    out += ["", f"### Industries ({len(industries)})", "",
            ", ".join(f"{name} {n}" for name, n in sorted(industries.items()))]
    tags = Counter(t for r in every for t in r.get("hard_cases", []))
    out += ["", "### Hard cases of LABELS.md (rows tagged, all labels)", "",
            table(["hard case", "rows", *DEFAULT_LABELS],
                  [[t, n, *[sum(1 for r in every if t in r.get("hard_cases", []) and
                                r["label"] == x) for x in DEFAULT_LABELS]]
                   for t, n in sorted(tags.items())])]
    words = [len(r["text"].split()) for r in every]
    out += ["", "### Shape", "",
            f"Words per utterance: median {statistics.median(words):.0f}, "
            f"{sum(w < 10 for w in words) / len(words):.0%} under 10 words, "
            f"{sum(w >= 30 for w in words) / len(words):.0%} 30 words or more; "
            f"{sum(r['text'] == r['text'].lower() for r in every) / len(every):.0%} all lower case."]
    pairs = near_duplicate_pairs([r["text"] for r in every], 0.6)
    near = len({i for p in pairs for i in p[:2]})
    out.append(f"Rows whose nearest neighbour has word-trigram Jaccard >= 0.6: {near} "
               f"({near / len(every):.1%}); across splits: none (grouped at 0.5 before splitting).")
    train, test = read_examples(ROOT / "data/train.jsonl"), read_examples(ROOT / "data/test.jsonl")
    textbook = tfidf_baseline(train, test, "textbook")
    tuned = tfidf_baseline(train, test, "tuned")
    out += ["", "### Baselines (trained on train, macro-F1 on test)", "",
            f"- TF-IDF + logistic regression, scikit-learn defaults: **{textbook['macro_f1']:.4f}**",
            f"- TF-IDF word 1-2 grams, sublinear tf + logistic regression C=10, balanced: "
            f"**{tuned['macro_f1']:.4f}**"]
    readme = ROOT / "data" / "README.md"
    text = readme.read_text()
    head, tail = text.split(START)[0], text.split(END)[1]
    readme.write_text(head + START + "\n" + "\n".join(out) + "\n" + END + tail)
    print("\n".join(out))


if __name__ == "__main__":
    main()
