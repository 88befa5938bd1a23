"""Shared pieces of the transcript readers.

The Turn record, the one error type users see, configurable column names, speaker-role
normalisation and strict UTF-8 decoding that reports the line of any bad bytes. Every reader
builds on these so that all formats fail, and name roles, the same way.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AGENT = "agent"
CUSTOMER = "customer"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Turn:
    """One speaker turn of a transcript, in file order."""

    source: str
    index: int
    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    line: int | None = None
    agent_id: str | None = None
    speaker_label: str | None = None


class InputError(Exception):
    """A problem with a user's input file, worded for the user.

    ``str(error)`` is a single line, ``FILE:LINE: message`` or ``FILE: message``, so a CLI can
    print it as is and editors can jump to the place.
    """

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        # Keep args in constructor order so the error pickles (e.g. across worker processes).
        super().__init__(source, message, line)
        self.source = str(source)
        self.message = " ".join(str(message).split())
        self.line = line

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.source}: {self.message}"
        return f"{self.source}:{self.line}: {self.message}"


ErrorHandler = Callable[[InputError], None]


def report(error: InputError, on_error: ErrorHandler | None) -> None:
    """Raise a row-level error, or hand it to ``on_error`` so reading can go on."""
    if on_error is None:
        raise error
    on_error(error)


@dataclass(frozen=True)
class Columns:
    """Column (CSV) or field (JSONL) names of the tabular formats."""

    text: str = "text"
    speaker: str = "speaker"
    agent_id: str = "agent_id"
    start: str = "start"
    end: str = "end"


# --- speaker roles ---------------------------------------------------------------------------

AGENT_WORDS = frozenset(
    {
        "agent", "rep", "representative", "advisor", "adviser", "associate", "support", "csr",
        "operator",
        # also clearly the company side of the conversation:
        "supervisor", "specialist", "technician", "consultant", "bot", "chatbot", "assistant",
    }
)
CUSTOMER_WORDS = frozenset(
    {
        "customer", "caller", "client", "user", "member", "guest", "patient",
        "visitor", "passenger", "subscriber",
    }
)
# "Customer Service", "Member Services", "Client Care": a customer word naming the agent's team.
SERVICE_WORDS = frozenset(
    {"service", "services", "support", "care", "success", "experience", "relations", "team",
     "desk", "rep", "representative", "advisor", "adviser", "agent", "associate", "specialist"}
)
_WORD_SPLIT = re.compile(r"[\W_]+")


def normalise_role(label: str | None) -> str:
    """Map a raw speaker name or role ("Rep", "END_USER", "Customer Service") to a role.

    Returns "agent", "customer" or "unknown". Case-insensitive; the first word decides, then the
    last ("Human Agent", "End User"); a customer word followed by a team word is the agent.
    """
    if not label:
        return UNKNOWN
    words = [w for w in _WORD_SPLIT.split(label.casefold()) if w]
    if not words:
        return UNKNOWN
    first, last = words[0], words[-1]
    if first in CUSTOMER_WORDS:
        if len(words) > 1 and words[1] in SERVICE_WORDS:
            return AGENT
        return CUSTOMER
    if first in AGENT_WORDS:
        return AGENT
    if last in AGENT_WORDS:
        return AGENT
    if last in CUSTOMER_WORDS:
        return CUSTOMER
    return UNKNOWN


_NAMED_LABEL = re.compile(
    r"^(?P<role>[^()]*?)\s*(?:\((?P<paren>[^()]*)\)|\s[-\u2013\u2014]\s*(?P<dash>.+))\s*$"
)


def parse_speaker(label: str) -> tuple[str, str | None]:
    """Role and person of a raw speaker label.

    "Agent (Sam)", "Agent - Sam" and "Agent Sam" give ("agent", "Sam"); "Sam (Agent)" too;
    "Customer Service" gives ("agent", None). The name is what becomes a turn's agent_id.
    """
    label = label.strip()
    match = _NAMED_LABEL.match(label)
    if match and match["role"].strip():
        head = match["role"].strip()
        name = (match["paren"] if match["paren"] is not None else match["dash"] or "").strip()
        role = normalise_role(head)
        if role != UNKNOWN:
            return role, name or None
        role = normalise_role(name)
        if role != UNKNOWN:
            return role, head
        return UNKNOWN, None
    role = normalise_role(label)
    if role == UNKNOWN:
        return role, None
    parts = label.split(None, 1)
    if len(parts) == 2:
        first = parts[0].casefold().strip(".:")
        rest_words = [w for w in _WORD_SPLIT.split(parts[1].casefold()) if w]
        if (
            (first in AGENT_WORDS or first in CUSTOMER_WORDS)
            and rest_words
            and rest_words[0] not in SERVICE_WORDS
            and rest_words[0] not in AGENT_WORDS
            and rest_words[0] not in CUSTOMER_WORDS
        ):
            return role, parts[1].strip()
    return role, None


# --- values ----------------------------------------------------------------------------------

_CLOCK = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)\s*$")


def parse_seconds(value: Any) -> float | None:
    """Seconds from a number, a numeric string or a clock time ("01:02:03.5", "02:03").

    None or an empty string is None; anything else that is not a finite, non-negative time
    raises ValueError (the caller words it for the user).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        try:
            seconds = float(value)
        except OverflowError:
            raise ValueError(f"not a time: {value!r}") from None
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        clock = _CLOCK.match(text)
        if clock:
            hours = int(clock[1] or 0)
            seconds = hours * 3600 + int(clock[2]) * 60 + float(clock[3].replace(",", "."))
        else:
            try:
                seconds = float(text.removesuffix("s"))
            except ValueError:
                raise ValueError(f"not a time: {value!r}") from None
    else:
        raise ValueError(f"not a time: {value!r}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"not a time: {value!r}")
    return seconds


def describe(value: Any) -> str:
    """A short name for a JSON value's type, for error messages."""
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number"
    )


# --- files -----------------------------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = ((b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def open_file(path: Path, source: str) -> Any:
    """Open a file for binary reading; missing files, folders and the like raise InputError."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except IsADirectoryError:
        raise InputError(source, "is a folder, not a transcript file") from None
    except OSError as exc:
        raise InputError(source, f"cannot open: {exc.strerror or exc}") from None


def _check_bom(head: bytes, source: str) -> None:
    for bom, name in _OTHER_BOMS:
        if head.startswith(bom):
            raise InputError(source, f"file is {name}-encoded; save it as UTF-8", 1)


def _bad_bytes(source: str, exc: UnicodeDecodeError, line: int, line_start: int) -> InputError:
    byte = exc.object[exc.start]
    return InputError(
        source,
        f"not valid UTF-8 (byte 0x{byte:02x} at byte {exc.start - line_start + 1} of the line);"
        " save the file as UTF-8",
        line,
    )


def iter_lines(
    path: Path, source: str, *, keepends: bool = False
) -> Iterator[tuple[int, str, InputError | None]]:
    """Stream a file's lines as (1-based number, text, error).

    Lines end at LF (CRLF ends are removed with it). A line that is not UTF-8 comes with an
    InputError naming it and its text decoded with replacement characters, so each reader can
    choose to skip it. A UTF-8 BOM is dropped. Opening problems raise InputError.
    """
    with open_file(path, source) as handle:
        for lineno, raw in enumerate(handle, 1):
            if lineno == 1:
                _check_bom(raw, source)
                if raw.startswith(_BOM):
                    raw = raw[len(_BOM):]
            error = None
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                error = _bad_bytes(source, exc, lineno, 0)
                text = raw.decode("utf-8", errors="replace")
            if not keepends:
                text = text.rstrip("\r\n")
            yield lineno, text, error


def read_text(path: Path, source: str) -> str:
    """A whole file as text (for formats parsed as one document); bad bytes raise InputError."""
    with open_file(path, source) as handle:
        try:
            data = handle.read()
        except OSError as exc:
            raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
    _check_bom(data, source)
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        raise _bad_bytes(source, exc, line, line_start) from None


def load_json(path: Path, source: str) -> Any:
    """Parse a whole-file JSON document; None for an empty file; errors carry json's line."""
    text = read_text(path, source)
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (column {exc.colno})"
        raise InputError(source, message, exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(source, f"not valid JSON: {exc}") from None
