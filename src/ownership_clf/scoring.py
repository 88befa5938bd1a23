"""Batch scoring of transcript files: turns in, one row per scored sentence out.

Turns stream from the readers, are scored in chunks (so that batches are large and
length-sorted while memory stays flat), and their rows go to the journal at once.
Every turn read is accounted for: scored, not agent speech, empty, or a skipped bad row.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from .inference import Classifier, Prediction
from .outputs import Journal, finalise, journal_path, prepare_output, read_journal, row_key
from .sentences import split_sentences
from .transcripts import Columns, InputError, Turn, expand_inputs, read_turns

CHUNK_SENTENCES = 2048  # sentences scored together: big sorted batches, flat memory


@dataclass
class ScoreStats:
    """What happened to every input row; printed at the end of a run."""

    files: int = 0
    turns: int = 0
    scored_turns: int = 0
    other_speakers: int = 0
    unknown_speakers: int = 0
    empty_turns: int = 0
    sentences: int = 0
    resumed_rows: int = 0
    skipped: list[str] = field(default_factory=list)

    def count(self, turn: Turn, speaker: str) -> bool:
        """Tally one turn read; True when it is to be scored."""
        self.turns += 1
        if speaker != "all" and turn.speaker != "agent":
            self.other_speakers += 1
            self.unknown_speakers += turn.speaker == "unknown"
            return False
        if not turn.text.strip():
            self.empty_turns += 1
            return False
        self.scored_turns += 1
        return True

    def lines(self) -> list[str]:
        out = [f"files read: {self.files}", f"turns read: {self.turns}",
               f"turns scored: {self.scored_turns}",
               f"turns not scored (other speakers): {self.other_speakers}",
               *([f"  of which unknown speaker: {self.unknown_speakers} (use --speaker all "
                  "to score them)"] if self.unknown_speakers else []),
               f"turns with no text: {self.empty_turns}",
               f"sentences scored: {self.sentences}"]
        if self.resumed_rows:
            out.append(f"rows kept from the interrupted run: {self.resumed_rows}")
        out.append(f"rows skipped (bad input): {len(self.skipped)}")
        out += [f"  skipped {where}" for where in self.skipped[:50]]
        if len(self.skipped) > 50:
            out.append(f"  ... and {len(self.skipped) - 50} more")
        return out


def iter_turns(paths: Sequence[Path], fmt: str, columns: Columns, skip_bad: bool,
               stats: ScoreStats, on_file: Callable[[Path], None] | None = None) -> Iterator[Turn]:
    """Every turn of every file; bad rows raise, or are counted when skip_bad."""
    def skipped(error: InputError) -> None:
        stats.skipped.append(str(error))

    for path in paths:
        stats.files += 1
        yield from read_turns(path, fmt, columns=columns, on_error=skipped if skip_bad else None)
        if on_file:
            on_file(path)


def sentence_fields(turn: Turn) -> list[dict[str, Any]]:
    """The unscored part of the row contract: one dict per sentence of an agent turn."""
    return [{"source": turn.source, "turn": turn.index, "sentence": number,
             "speaker": turn.speaker, "agent_id": turn.agent_id, "start": turn.start,
             "end": turn.end, "char_start": begin, "char_end": stop, "text": turn.text[begin:stop]}
            for number, (begin, stop) in enumerate(split_sentences(turn.text))]


def prediction_fields(prediction: Prediction) -> dict[str, Any]:
    """The scored part of the row contract; cue offsets are relative to the sentence text."""
    return {"label": prediction.label, "score": round(prediction.score, 6),
            "scores": {k: round(v, 6) for k, v in prediction.scores.items()},
            "spans": [{"start": s.start, "end": s.end, "text": s.text, "label": s.label,
                       "score": round(s.score, 6)} for s in prediction.spans]}


def score_turns(classifier: Classifier, turns: Iterable[Turn], speaker: str, stats: ScoreStats,
                batch_size: int = 64, done: set[tuple[str, int, int]] | None = None,
                bar: tqdm | None = None) -> Iterator[list[dict[str, Any]]]:
    """Yield the rows of each chunk of turns as soon as the chunk is scored."""
    pending: list[dict[str, Any]] = []

    def flush() -> list[dict[str, Any]]:
        predictions = classifier.predict([row["text"] for row in pending], batch_size=batch_size)
        rows = [{**row, **prediction_fields(p)}
                for row, p in zip(pending, predictions, strict=True)]
        stats.sentences += len(rows)
        if bar is not None:
            bar.update(len(rows))
        pending.clear()
        return rows

    for turn in turns:
        if not stats.count(turn, speaker):
            continue
        pending.extend(row for row in sentence_fields(turn)
                       if done is None or row_key(row) not in done)
        if len(pending) >= CHUNK_SENTENCES:
            yield flush()
    if pending:
        yield flush()


class Summary:
    """Per-transcript and per-agent label counts and rates."""

    def __init__(self, labels: Sequence[str]):
        self.labels = list(labels)
        self.by_source: dict[str, Counter[str]] = defaultdict(Counter)
        self.by_agent: dict[str, Counter[str]] = defaultdict(Counter)

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.by_source[row["source"]][row["label"]] += 1
            if row.get("agent_id"):
                self.by_agent[str(row["agent_id"])][row["label"]] += 1

    def table(self) -> list[dict[str, Any]]:
        out = []
        for scope, groups in (("transcript", self.by_source), ("agent", self.by_agent)):
            for key in sorted(groups):
                counts = groups[key]
                total = sum(counts.values())
                row: dict[str, Any] = {"scope": scope, "name": key, "sentences": total}
                for label in self.labels:
                    row[label] = counts[label]
                for label in self.labels:
                    row[f"{label}_rate"] = round(counts[label] / total, 4) if total else 0.0
                out.append(row)
        return out

    def write_csv(self, path: str | Path) -> None:
        rows = self.table()
        fields = ["scope", "name", "sentences", *self.labels, *(f"{x}_rate" for x in self.labels)]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)


def score_files(classifier: Classifier, inputs: Sequence[str], output: str | Path,
                fmt: str = "auto", speaker: str = "agent", columns: Columns | None = None,
                skip_bad: bool = False, resume: bool = False, batch_size: int = 64,
                progress: bool = True, summary_path: str | Path | None = None
                ) -> tuple[ScoreStats, Summary]:
    """Score transcript files into OUT (.jsonl/.csv/.parquet); see the module docstring."""
    if speaker not in ("agent", "all"):
        raise ValueError("speaker must be 'agent' or 'all'")
    output = Path(output)
    prepare_output(output)
    paths = expand_inputs(inputs)
    stats, summary = ScoreStats(), Summary(classifier.labels)
    journal_file = journal_path(output)
    done: set[tuple[str, int, int]] | None = None
    if resume and journal_file.exists():
        journal = Journal(journal_file, resume=True)  # repairs a cut last line first
        done = set()
        for row in read_journal(journal_file):
            done.add(row_key(row))
            summary.add([row])
        stats.resumed_rows = len(done)
    else:
        journal = Journal(journal_file, resume=False)
    file_bar = tqdm(total=len(paths), unit="file", desc="files", disable=not progress, position=0)
    sentence_bar = tqdm(unit="sent", desc="sentences", disable=not progress, position=1)
    try:
        turns = iter_turns(paths, fmt, columns or Columns(), skip_bad, stats,
                           on_file=lambda _: file_bar.update(1))
        for rows in score_turns(classifier, turns, speaker, stats, batch_size, done,
                                sentence_bar):
            journal.write(rows)
            summary.add(rows)
    finally:
        journal.close()
        file_bar.close()
        sentence_bar.close()
    finalise(journal_file, output, classifier.labels)
    if summary_path:
        summary.write_csv(summary_path)
    return stats, summary
