"""Check a raw, hand-written data file before it is merged into the splits.

Raw rows carry cue phrases as strings ("cues"); build_dataset.py turns them into
character offsets. This checker lets writers fix their own rows early.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from ownership_clf.data import normalise, shingles  # noqa: E402

LABELS = {"ownership", "blame_shift", "deflection", "empathetic_apology", "neutral"}
CHANNELS = {"phone", "chat", "email", "social"}
HARD_CASES = {
    "we_not_ownership",
    "they_not_blame",
    "redirect",
    "policy",
    "negation",
    "apology_cause",
    "conditional_apology",
    "commitment_vs_request",
    "event_vs_party",
    "refusal_vs_alternative",
    "noisy",
}


def near_duplicates(path: str, threshold: float = 0.5) -> int:
    """Rows too alike (word-trigram Jaccard >= threshold): rewrite one of each pair."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            try:
                rows.append((number, shingles(json.loads(line)["text"])))
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    found = 0
    for i, (line_a, a) in enumerate(rows):
        for line_b, b in rows[i + 1:]:
            inter = len(a & b)
            if inter and inter / len(a | b) >= threshold:
                print(f"{path}:{line_b}: too similar to line {line_a} (Jaccard {inter / len(a | b):.2f})")
                found += 1
    return found


def check(path: str) -> int:
    problems = 0
    seen: dict[str, int] = {}
    labels: Counter[str] = Counter()
    hard: Counter[str] = Counter()
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"{where}: bad JSON ({error})")
                problems += 1
                continue
            text, label = row.get("text", ""), row.get("label")
            cues = row.get("cues", [])
            if not isinstance(text, str) or not text.strip():
                print(f"{where}: empty text")
                problems += 1
                continue
            if label not in LABELS:
                print(f"{where}: unknown label {label!r}")
                problems += 1
            if row.get("channel") not in CHANNELS:
                print(f"{where}: channel must be one of {sorted(CHANNELS)}")
                problems += 1
            if not row.get("industry"):
                print(f"{where}: industry missing")
                problems += 1
            for tag in row.get("hard_cases", []):
                if tag not in HARD_CASES:
                    print(f"{where}: unknown hard case tag {tag!r}")
                    problems += 1
                hard[tag] += 1
            if label == "neutral" and cues:
                print(f"{where}: neutral rows have no cues")
                problems += 1
            if label != "neutral" and not cues:
                print(f"{where}: non-neutral rows need at least one cue")
                problems += 1
            for cue in cues:
                if not cue or cue not in text:
                    print(f"{where}: cue {cue!r} is not an exact substring of the text")
                    problems += 1
            key = normalise(text)
            if key in seen:
                print(f"{where}: same text as line {seen[key]}")
                problems += 1
            seen[key] = number
            labels[label] += 1
    problems += near_duplicates(path)
    print(f"{path}: {sum(labels.values())} rows, {problems} problems")
    print("  labels:", dict(sorted(labels.items())))
    print("  hard cases:", dict(sorted(hard.items())))
    return problems


if __name__ == "__main__":
    total = sum(check(path) for path in sys.argv[1:])
    sys.exit(1 if total else 0)
