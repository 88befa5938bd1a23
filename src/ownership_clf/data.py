"""Labelled data: reading JSONL/CSV, validating it, and catching leakage between splits.

Every problem is reported with file and line, because the people who fix labelled data
fix it in an editor, row by row.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .labels import NEUTRAL, suggest

LEAKAGE_THRESHOLD = 0.6  # word-trigram Jaccard at which two rows count as near-duplicates


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    spans: tuple[tuple[int, int], ...] | None  # None: the row says nothing about cues
    id: str | None = None
    source: str = ""
    line: int = 0


@dataclass(frozen=True)
class Problem:
    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


class DataError(Exception):
    """Labelled data failed validation; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        shown = "\n".join(str(p) for p in self.problems[:20])
        more = f"\n... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the data:\n{shown}{more}")


def _raw_rows(path: Path) -> Iterable[tuple[int, dict | None, str | None]]:
    """Yield (line, row, error) for a JSONL or CSV file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        yield line, None, "not UTF-8 text"
        return
    if path.suffix.lower() in (".csv", ".tsv"):
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
        try:
            for row in reader:
                yield reader.line_num, row, None
        except csv.Error as error:
            yield reader.line_num, None, f"malformed CSV: {error}"
        return
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as error:
            yield number, None, f"malformed JSON: {error.msg}"
            continue
        if not isinstance(row, dict):
            yield number, None, "each line must be a JSON object"
            continue
        yield number, row, None


def _parse_spans(value: object) -> tuple[list[tuple[int, int]] | None, str | None]:
    if value is None or value == "":
        return None, None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None, f"spans {value!r} is not a JSON list of [start, end] pairs"
    if not isinstance(value, list):
        return None, "spans must be a list of [start, end] pairs"
    spans = []
    for item in value:
        if (not isinstance(item, (list, tuple)) or len(item) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in item)):
            return None, f"span {item!r} is not a [start, end] pair of integers"
        spans.append((item[0], item[1]))
    return spans, None


def read_examples(path: str | Path, problems: list[Problem] | None = None) -> list[Example]:
    """Read one data file. Problems go to `problems` if given, else raise DataError."""
    path = Path(path)
    collected: list[Problem] = [] if problems is None else problems
    start = len(collected)
    examples: list[Example] = []
    source = str(path)
    if not path.exists():
        collected.append(Problem(source, None, "file does not exist"))
    else:
        for line, row, error in _raw_rows(path):
            if error:
                collected.append(Problem(source, line, error))
                continue
            assert row is not None
            text, label = row.get("text"), row.get("label")
            if not isinstance(text, str) or not text.strip():
                collected.append(Problem(source, line, "missing or empty 'text'"))
                continue
            if not isinstance(label, str) or not label.strip():
                collected.append(Problem(source, line, "missing or empty 'label'"))
                continue
            spans, span_error = _parse_spans(row.get("spans"))
            if span_error:
                collected.append(Problem(source, line, span_error))
                continue
            for begin, end in spans or []:
                if not 0 <= begin < end <= len(text):
                    collected.append(Problem(
                        source, line, f"span [{begin}, {end}] lies outside the text "
                        f"(length {len(text)}) or is empty"))
            ident = row.get("id")
            examples.append(Example(text=text, label=label.strip(),
                                    spans=None if spans is None else tuple(spans),
                                    id=None if ident in (None, "") else str(ident),
                                    source=source, line=line))
        if not examples and len(collected) == start:
            collected.append(Problem(source, None, "no examples in the file (empty?)"))
    if problems is None and collected:
        raise DataError(collected)
    return examples


def normalise(text: str) -> str:
    """Lower case, punctuation removed, white space folded: the key for exact duplicates."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    """Word trigrams (the whole text for shorter ones): the unit of near-duplicate checks."""
    words = normalise(text).split()
    if len(words) < 3:
        return frozenset([tuple(words)])
    return frozenset(zip(words, words[1:], words[2:], strict=False))


def near_duplicate_pairs(texts: Sequence[str], threshold: float = LEAKAGE_THRESHOLD,
                         groups: Sequence[int] | None = None) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) with word-trigram Jaccard >= threshold.

    With `groups`, only pairs from different groups are returned (leakage between
    files). An inverted index keeps this fast for tens of thousands of rows.
    """
    sets = [shingles(t) for t in texts]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, grams in enumerate(sets):
        for gram in grams:
            index[gram].append(i)
    pairs = []
    for i, grams in enumerate(sets):
        shared: Counter[int] = Counter()
        for gram in grams:
            for j in index[gram]:
                if j > i and (groups is None or groups[i] != groups[j]):
                    shared[j] += 1
        for j, inter in shared.items():
            score = inter / (len(grams) + len(sets[j]) - inter)
            if score >= threshold:
                pairs.append((i, j, score))
    return pairs


def too_few(source: str, examples: Sequence[Example], minimum: int) -> list[Problem]:
    """A problem for every label with fewer than `minimum` examples in one file."""
    counts = Counter(e.label for e in examples)
    return [Problem(source, None, f"label {label!r} has {count} example(s); at least {minimum} "
                    "are needed") for label, count in sorted(counts.items()) if count < minimum]


def validate_examples(files: dict[str, list[Example]], labels: Sequence[str] | None = None,
                      min_per_label: int | None = None,
                      leakage_threshold: float = LEAKAGE_THRESHOLD) -> list[Problem]:
    """Check label names, cues on neutral rows, duplicates and leakage across files."""
    problems: list[Problem] = []
    seen_ids: dict[str, Example] = {}
    seen_texts: dict[str, Example] = {}
    for source, examples in files.items():
        for example in examples:
            if labels is not None and example.label not in labels:
                hint = suggest(example.label, labels)
                message = f"unknown label {example.label!r}"
                message += f" (did you mean {hint!r}?)" if hint else f" (valid: {', '.join(labels)})"
                problems.append(Problem(source, example.line, message))
            if example.label == NEUTRAL and example.spans:
                problems.append(Problem(source, example.line, "a neutral row has cue spans"))
            if example.id is not None:
                if example.id in seen_ids:
                    first = seen_ids[example.id]
                    problems.append(Problem(source, example.line, f"duplicate id {example.id!r} "
                                            f"(first at {first.source}:{first.line})"))
                else:
                    seen_ids[example.id] = example
            key = normalise(example.text)
            if key in seen_texts:
                first = seen_texts[key]
                problems.append(Problem(source, example.line, "duplicate text "
                                        f"(same as {first.source}:{first.line})"))
            else:
                seen_texts[key] = example
        if min_per_label:
            problems += too_few(source, examples, min_per_label)
    if len(files) > 1:
        flat = [(source, e) for source, examples in files.items() for e in examples]
        order = {source: n for n, source in enumerate(files)}
        for i, j, score in near_duplicate_pairs([e.text for _, e in flat], leakage_threshold,
                                                groups=[order[s] for s, _ in flat]):
            (_, a), (source_b, b) = flat[i], flat[j]
            if normalise(a.text) == normalise(b.text):
                continue  # already reported as a duplicate
            problems.append(Problem(source_b, b.line, f"near-duplicate of {a.source}:{a.line} "
                                    f"(trigram Jaccard {score:.2f}): leakage between files"))
    return problems


def validate_files(paths: Sequence[str | Path], labels: Sequence[str] | None = None,
                   min_per_label: int | None = None) -> tuple[dict[str, list[Example]], list[Problem]]:
    """Read and validate data files; returns the examples by file and every problem found."""
    problems: list[Problem] = []
    files = {str(p): read_examples(p, problems) for p in paths}
    problems += validate_examples(files, labels, min_per_label)
    return files, problems
