"""Writing scored rows: streamed, atomic, resumable.

Rows are appended to a journal (`OUT.partial`, JSON lines) as soon as they are scored and
flushed per batch. When the run ends, the journal becomes OUT: renamed for .jsonl,
converted in a streaming pass for .csv and .parquet, so memory stays flat either way
and OUT never exists half-written. `--resume` reads the journal back, drops a cut-off
last line, and tells the scorer which rows are already done.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

OUTPUT_SUFFIXES = (".jsonl", ".csv", ".parquet")
COLUMNS = ("source", "turn", "sentence", "speaker", "agent_id", "start", "end", "char_start",
           "char_end", "text", "label", "score", "scores", "spans")


class OutputError(Exception):
    """The output path cannot be used; the message says why."""


def prepare_output(path: Path) -> None:
    """Refuse an unknown output format; create the output folder."""
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise OutputError(f"{path}: output must end in {', '.join(OUTPUT_SUFFIXES)}")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


def row_key(row: dict[str, Any]) -> tuple[str, int, int]:
    return (row["source"], int(row["turn"]), int(row["sentence"]))


def read_journal(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.endswith("\n"):
                yield json.loads(line)


def repair_journal(path: Path) -> None:
    """Cut a half-written last line left by an interrupted run."""
    with path.open("rb+") as handle:
        data_end = handle.seek(0, os.SEEK_END)
        if data_end == 0:
            return
        position = data_end
        while position > 0:
            step = min(65536, position)
            handle.seek(position - step)
            block = handle.read(step)
            cut = block.rfind(b"\n")
            if cut >= 0:
                handle.truncate(position - step + cut + 1)
                return
            position -= step
        handle.truncate(0)


class Journal:
    """Append-only JSON-lines file of scored rows."""

    def __init__(self, path: Path, resume: bool):
        self.path = path
        if resume and path.exists():
            repair_journal(path)
            self.handle = path.open("a", encoding="utf-8")
        else:
            self.handle = path.open("w", encoding="utf-8")

    def write(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self.handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()


def csv_cell(value: Any) -> Any:
    """A CSV cell: nested values (scores, spans) as JSON, missing values empty."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def finalise(journal: Path, target: Path, labels: tuple[str, ...] | None = None,
             chunk: int = 4096) -> None:
    """Turn the journal into `target` atomically (temporary file, then rename)."""
    suffix = target.suffix.lower()
    if suffix == ".jsonl":
        os.replace(journal, target)
        return
    temporary = target.with_name(target.name + ".tmp")
    if suffix == ".csv":
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            for row in read_journal(journal):
                writer.writerow({k: csv_cell(row.get(k)) for k in COLUMNS})
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = parquet_schema(labels or ())
        with pq.ParquetWriter(temporary, schema) as writer:
            batch: list[dict[str, Any]] = []
            for row in read_journal(journal):
                batch.append(row)
                if len(batch) >= chunk:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    batch = []
            if batch:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    os.replace(temporary, target)
    journal.unlink()


def parquet_schema(labels: tuple[str, ...]):
    """A typed schema, so that every part of a (distributed) output agrees."""
    import pyarrow as pa

    span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()),
                      ("label", pa.string()), ("score", pa.float64())])
    return pa.schema([
        ("source", pa.string()), ("turn", pa.int64()), ("sentence", pa.int64()),
        ("speaker", pa.string()), ("agent_id", pa.string()), ("start", pa.float64()),
        ("end", pa.float64()), ("char_start", pa.int64()), ("char_end", pa.int64()),
        ("text", pa.string()), ("label", pa.string()), ("score", pa.float64()),
        ("scores", pa.struct([(label, pa.float64()) for label in labels])
         if labels else pa.map_(pa.string(), pa.float64())),
        ("spans", pa.list_(span)),
    ])
