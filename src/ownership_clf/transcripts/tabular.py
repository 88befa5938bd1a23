"""CSV/TSV and JSON Lines: one turn per row or object, fields named by Columns.

Both are streamed line by line (exports can be gigabytes) and share the rules for turning a
record into a Turn. Line numbers are file lines: a CSV header is line 1.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .base import (
    AGENT,
    UNKNOWN,
    Columns,
    ErrorHandler,
    InputError,
    Turn,
    describe,
    iter_lines,
    parse_seconds,
    parse_speaker,
    report,
)

# Used when the configured speaker column is absent, so that customer rows are not silently
# scored as agent speech just because the column has another common name.
SPEAKER_ALIASES = (
    "speaker", "role", "speaker_role", "participant_role", "participant", "sender", "author",
    "party",
)
_DELIMITERS = (",", "\t", ";", "|")


class _Record:
    """Field lookup for one row/object: exact name first, then case-insensitive."""

    def __init__(self, values: Mapping[Any, Any]) -> None:
        self.values = values
        self._folded: dict[str, Any] | None = None

    def key(self, name: str) -> Any:
        if name in self.values:
            return name
        if self._folded is None:
            self._folded = {}
            for key in self.values:
                if isinstance(key, str):
                    self._folded.setdefault(key.strip().casefold(), key)
        return self._folded.get(name.strip().casefold())

    def speaker_key(self, name: str) -> Any:
        found = self.key(name)
        if found is None:
            for alias in SPEAKER_ALIASES:
                found = self.key(alias)
                if found is not None:
                    break
        return found


def _as_text(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"'{what}' is {describe(value)}, expected a string")


def _to_turn(
    record: _Record,
    columns: Columns,
    source: str,
    index: int,
    line: int | None,
    speaker_key: Any,
) -> Turn:
    """A Turn from one record; raises ValueError with a user-facing message."""
    text_key = record.key(columns.text)
    text = record.values.get(text_key) if text_key is not None else None
    if text_key is None:
        raise ValueError(f"no '{columns.text}' field")
    if text is None or (isinstance(text, str) and not text.strip()):
        raise ValueError(f"missing text value in '{text_key}'")
    if not isinstance(text, str):
        raise ValueError(f"'{text_key}' is {describe(text)}, expected a string")
    if speaker_key is None:
        role, name, label = AGENT, None, None
    else:
        label = _as_text(record.values.get(speaker_key), str(speaker_key))
        role, name = parse_speaker(label) if label else (UNKNOWN, None)
    agent_key = record.key(columns.agent_id)
    agent_id = _as_text(record.values.get(agent_key), columns.agent_id) if agent_key else None
    if agent_id is None and role == AGENT:
        agent_id = name
    times = []
    for name_ in (columns.start, columns.end):
        key = record.key(name_)
        try:
            times.append(parse_seconds(record.values.get(key)) if key is not None else None)
        except ValueError as exc:
            raise ValueError(f"'{key}': {exc}") from None
    return Turn(source, index, role, text.strip(), times[0], times[1], line, agent_id, label)


# --- CSV -------------------------------------------------------------------------------------


class _CsvLines:
    """Feeds csv decoded lines (with their ends) and remembers where each row starts."""

    def __init__(self, path: Path, source: str) -> None:
        self._lines = iter_lines(path, source, keepends=True)
        self._pushed: list[tuple[int, str, InputError | None]] = []
        self.lineno = 0
        self.row_start: int | None = None
        self.bad: list[InputError] = []

    def header(self) -> str | None:
        """The first non-blank line, left to be read again (blank lines before it dropped)."""
        while not self._pushed:
            item = next(self._lines, None)
            if item is None:
                return None
            if item[1].strip() or item[2] is not None:
                self._pushed.append(item)
        return self._pushed[0][1]

    def new_row(self) -> None:
        self.row_start = None
        self.bad = []

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        lineno, text, error = self._pushed.pop(0) if self._pushed else next(self._lines)
        self.lineno = lineno
        if error is not None:
            self.bad.append(error)
        if self.row_start is None and text.strip():
            self.row_start = lineno
        return text


def _sniff_delimiter(header: str, text_column: str, default: str) -> str:
    """The delimiter that makes the text column appear in the header, else csv.Sniffer's."""
    wanted = text_column.strip().casefold()
    for delimiter in (default, *_DELIMITERS):
        try:
            names = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            continue
        if wanted in {name.strip().casefold() for name in names}:
            return delimiter
    try:
        return csv.Sniffer().sniff(header, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        return default


def read_csv(
    path: Path, source: str, columns: Columns, on_error: ErrorHandler | None
) -> Iterator[Turn]:
    """Turns of a CSV/TSV file with a header row; bad rows are reported with their line."""
    lines = _CsvLines(path, source)
    header = lines.header()
    if header is None:
        return
    default = "\t" if path.suffix.lower() == ".tsv" else ","
    delimiter = _sniff_delimiter(header, columns.text, default)
    # strict: a stray quote is an error for its row, not silently changed text or merged rows
    reader = csv.DictReader(lines, delimiter=delimiter, strict=True)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise InputError(source, f"malformed CSV header: {exc}", lines.lineno) from None
    if lines.bad:
        raise lines.bad[0]
    if not fieldnames:
        return
    header_record = _Record({name: None for name in fieldnames})
    header_line = lines.row_start or 1
    if header_record.key(columns.text) is None:
        shown = ", ".join(repr(name) for name in fieldnames[:12])
        raise InputError(
            source, f"no '{columns.text}' column in the header (columns: {shown})", header_line
        )
    speaker_key = header_record.speaker_key(columns.speaker)
    index = 0
    while True:
        lines.new_row()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report(InputError(source, f"malformed CSV: {exc}", lines.row_start or lines.lineno),
                   on_error)
            continue
        line = lines.row_start or lines.lineno
        if lines.bad:
            report(lines.bad[0], on_error)
            continue
        extra = row.get(None)  # type: ignore[call-overload]
        if extra is not None:
            report(
                InputError(
                    source,
                    f"row has {len(fieldnames) + len(extra)} fields but the header has"
                    f" {len(fieldnames)} (a delimiter inside unquoted text?)",
                    line,
                ),
                on_error,
            )
            continue
        if all(value is None or not value.strip() for value in row.values()):
            continue  # a blank row such as ",,,"
        try:
            turn = _to_turn(_Record(row), columns, source, index, line, speaker_key)
        except ValueError as exc:
            report(InputError(source, str(exc), line), on_error)
            continue
        yield turn
        index += 1


# --- JSON Lines ------------------------------------------------------------------------------


def read_jsonl(
    path: Path, source: str, columns: Columns, on_error: ErrorHandler | None
) -> Iterator[Turn]:
    """Turns of a JSON Lines file, one object per line; bad lines are reported with their line.

    An object without the speaker field is an agent utterance (as for a CSV without the column).
    """
    index = 0
    for lineno, text, error in iter_lines(path, source):
        if error is not None:
            report(error, on_error)
            continue
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            report(InputError(source, f"not valid JSON: {exc.msg} (column {exc.colno})", lineno),
                   on_error)
            continue
        except (ValueError, RecursionError) as exc:
            report(InputError(source, f"not valid JSON: {exc}", lineno), on_error)
            continue
        if not isinstance(value, dict):
            report(InputError(source, f"expected a JSON object, got {describe(value)}", lineno),
                   on_error)
            continue
        record = _Record(value)
        try:
            turn = _to_turn(
                record, columns, source, index, lineno, record.speaker_key(columns.speaker)
            )
        except ValueError as exc:
            report(InputError(source, str(exc), lineno), on_error)
            continue
        yield turn
        index += 1
