"""The validator on broken files, and the shipped dataset against its own contract."""

import json
from collections import Counter
from pathlib import Path

import pytest

from ownership_clf.data import (
    DataError,
    near_duplicate_pairs,
    read_examples,
    validate_files,
)
from ownership_clf.labels import DEFAULT_LABELS

DATA = Path(__file__).resolve().parents[1] / "data"
SPLITS = [DATA / f"{name}.jsonl" for name in ("train", "validation", "test")]
HARD_CASES = ["we_not_ownership", "they_not_blame", "redirect", "policy", "negation",
              "apology_cause", "conditional_apology", "commitment_vs_request", "event_vs_party",
              "refusal_vs_alternative", "noisy"]


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def messages(problems):
    return [str(p) for p in problems]


def test_validator_reports_every_problem_with_file_and_line(tmp_path):
    bad = write(tmp_path / "bad.jsonl", [
        json.dumps({"id": "1", "text": "that's on us", "label": "ownership", "spans": [[0, 12]]}),
        json.dumps({"id": "2", "text": "not my dept", "label": "deflektion", "spans": [[0, 11]]}),
        json.dumps({"id": "1", "text": "hello there", "label": "neutral", "spans": [[0, 5]]}),
        json.dumps({"id": "4", "text": "short", "label": "ownership", "spans": [[2, 99]]}),
        "{not json",
        json.dumps({"id": "6", "text": "That's on us!", "label": "ownership"}),
        json.dumps({"id": "7", "label": "neutral"}),
    ])
    _, problems = validate_files([bad], labels=DEFAULT_LABELS)
    text = "\n".join(messages(problems))
    assert f"{bad}:2: unknown label 'deflektion' (did you mean 'deflection'?)" in text
    assert f"{bad}:3: a neutral row has cue spans" in text
    assert f"{bad}:3: duplicate id '1'" in text
    assert f"{bad}:4: span [2, 99] lies outside the text" in text
    assert f"{bad}:5: malformed JSON" in text
    assert f"{bad}:6: duplicate text (same as {bad}:1)" in text
    assert f"{bad}:7: missing or empty 'text'" in text


def test_leakage_between_files_is_reported(tmp_path):
    a = write(tmp_path / "a.jsonl", [json.dumps({"text": "the courier lost your parcel again "
                                                 "on tuesday, sorry", "label": "blame_shift"})])
    b = write(tmp_path / "b.jsonl", [json.dumps({"text": "the courier lost your parcel again "
                                                 "on tuesday, so sorry", "label": "blame_shift"})])
    _, problems = validate_files([a, b])
    assert any("leakage" in p.message and p.source == str(b) for p in problems)


def test_csv_data_and_empty_files(tmp_path):
    csv_file = write(tmp_path / "d.csv", ["text,label,spans", '"we\'ll fix it",fix,"[[0, 12]]"',
                                          "hello,other,"])
    examples = read_examples(csv_file)
    assert [(e.label, e.spans) for e in examples] == [("fix", ((0, 12),)), ("other", None)]
    empty = write(tmp_path / "e.jsonl", [""])
    with pytest.raises(DataError, match="no examples"):
        read_examples(empty)


def test_too_few_per_label(tmp_path):
    rows = [json.dumps({"text": f"row {i} text here", "label": "a" if i < 9 else "b"})
            for i in range(10)]
    _, problems = validate_files([write(tmp_path / "f.jsonl", rows)], min_per_label=3)
    assert messages(problems) == [f"{tmp_path / 'f.jsonl'}: label 'b' has 1 example(s); at least "
                                  "3 are needed"]


def test_shipped_dataset_passes_the_validator():
    files, problems = validate_files(SPLITS, labels=DEFAULT_LABELS, min_per_label=50)
    assert problems == []
    rows = [e for examples in files.values() for e in examples]
    assert all(e.spans for e in rows if e.label != "neutral")


def test_shipped_dataset_meets_its_counts_and_variety():
    rows = [json.loads(line) for path in SPLITS for line in path.read_text().splitlines()]
    labels = Counter(r["label"] for r in rows)
    assert len(rows) >= 4000
    assert labels["neutral"] >= 1200
    assert all(labels[x] >= 600 for x in DEFAULT_LABELS if x != "neutral")
    assert len({r["industry"] for r in rows}) >= 12
    assert {r["channel"] for r in rows} == {"phone", "chat", "email", "social"}
    tags = Counter(t for r in rows for t in r.get("hard_cases", []))
    assert all(tags[t] >= 100 for t in HARD_CASES), tags
    sizes = [sum(1 for _ in p.open()) / len(rows) for p in SPLITS]
    assert 0.75 < sizes[0] < 0.85 and 0.07 < sizes[1] < 0.13 and 0.07 < sizes[2] < 0.13


def test_shipped_dataset_has_few_near_duplicates():
    texts = [json.loads(line)["text"] for p in SPLITS for line in p.read_text().splitlines()]
    pairs = near_duplicate_pairs(texts, threshold=0.6)
    with_neighbour = {i for pair in pairs for i in pair[:2]}
    assert len(with_neighbour) / len(texts) < 0.05
