"""Speaker-prefixed text ("Agent: ...", "Customer: ...") and the prefix parser.

The prefix parser is shared: subtitle cues and format detection use it too, so a line means the
same speaker whichever format it sits in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .base import (
    UNKNOWN,
    Columns,
    ErrorHandler,
    Turn,
    iter_lines,
    parse_seconds,
    parse_speaker,
    report,
)

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_PREFIX = re.compile(
    rf"""
    ^\s*
    (?:(?:[\[(]\s*(?P<bts>{_TIME})\s*[\])]|(?P<ts>{_TIME}))\s*(?:[-\u2013|]\s*)?)?
    (?:
        \[(?P<bracket>[^\W\d_][^\[\]\n]{{0,60}})\][ \t]*(?P<colon>:)?
      | (?P<label>
            [^\W\d_][\w'\u2019.&]*(?:[ \t]+[\w'\u2019.&]+){{0,3}}
            (?:[ \t]*\([^()\n]{{1,60}}\)|[ \t]+[-\u2013\u2014][ \t]*[^:\n]{{1,60}}?)?
        )[ \t]*:
    )
    (?=\s|$|(?P<tight>[^\s/]))
    """,
    re.VERBOSE,
)

# Capitalised words that often start a line of speech or of an email but name no speaker.
_NOT_SPEAKERS = frozenset(
    {
        "note", "notes", "nb", "ps", "p.s", "pps", "re", "fw", "fwd", "subject", "to", "from", "cc",
        "bcc", "sent", "date", "time", "http", "https", "ftp", "mailto", "www", "tip", "tips",
        "warning", "important", "example", "eg", "e.g", "ie", "i.e", "step", "update", "edit",
        "reminder", "question", "answer", "q", "a", "summary", "reason", "ref", "reference",
        "order", "case", "ticket", "phone", "tel", "mobile", "email", "e-mail", "address", "total",
        "price", "amount", "status", "result", "error", "hint", "fyi", "attention", "disclaimer",
        "confirmation", "tracking", "account", "name", "password", "username", "link", "url",
        "inaudible", "crosstalk", "laughs", "laughter", "silence", "pause", "music", "noise",
        "hold", "redacted", "pii", "unintelligible", "overtalk",
    }
)
_HEAD_END = re.compile(r"\s*[(\u2013\u2014]|\s+-")


@dataclass(frozen=True)
class Prefix:
    """A recognised speaker prefix and the text after it."""

    label: str
    role: str
    name: str | None
    start: float | None
    text: str


def parse_prefix(line: str) -> Prefix | None:
    """The speaker prefix of a line ("[00:01:02] Agent (Sam): hi"), or None if it has none.

    A known role is always a speaker, even with no space before the text ("Agent:Hi"). Another
    label counts only where it looks like a name (each word capitalised, not a word like "Note"
    or "Subject") and is followed by a space; "[Label]" then needs a colon.
    """
    match = _PREFIX.match(line)
    if match is None:
        return None
    label = (match["bracket"] or match["label"] or "").strip()
    if not label:
        return None
    role, name = parse_speaker(label)
    if role == UNKNOWN:
        if match["tight"] is not None:  # "Label:text" counts only for a known role
            return None
        if match["bracket"] is not None and match["colon"] is None:
            return None
        head = _HEAD_END.split(label, 1)[0].strip()
        words = head.split()
        if (
            not words
            or any(not word[0].isalpha() or word[0].islower() for word in words)
            or head.casefold() in _NOT_SPEAKERS
            or words[0].casefold().strip(".") in _NOT_SPEAKERS
        ):
            return None
    stamp = match["bts"] or match["ts"]
    return Prefix(
        label=label,
        role=role,
        name=name,
        start=parse_seconds(stamp) if stamp else None,
        text=line[match.end():].strip(),
    )


def has_known_prefix(line: str) -> bool:
    """True when a line starts with a prefix naming an agent or a customer (for detection)."""
    prefix = parse_prefix(line)
    return prefix is not None and prefix.role != UNKNOWN


def split_cr(line: str) -> list[str]:
    """Lone CRs (old Mac files) end lines too."""
    return line.split("\r") if "\r" in line else [line]


@dataclass
class Segment:
    """Lines gathered under one speaker (prefix None: before any speaker was named)."""

    prefix: Prefix | None
    line: int | None
    parts: list[str]

    @property
    def text(self) -> str:
        return " ".join(part for part in self.parts if part)


def segments(lines: Iterable[tuple[int | None, str]]) -> Iterator[Segment]:
    """Group (line number, text) pairs into speaker segments.

    A prefixed line starts a segment, a line without one continues the current segment (joined
    with a space), and text before the first prefix forms a segment of its own.
    """
    current: Segment | None = None
    for lineno, text in lines:
        stripped = text.strip()
        if not stripped:
            continue
        prefix = parse_prefix(text)
        if prefix is not None:
            if current is not None:
                yield current
            current = Segment(prefix, lineno, [prefix.text])
        elif current is None:
            current = Segment(None, lineno, [stripped])
        else:
            current.parts.append(stripped)
    if current is not None:
        yield current


def segment_turn(
    segment: Segment,
    source: str,
    index: int,
    *,
    start: float | None = None,
    end: float | None = None,
) -> Turn:
    """The Turn of a segment; the prefix's timestamp wins over the given start."""
    prefix = segment.prefix
    if prefix is None:
        return Turn(source, index, UNKNOWN, segment.text, start, end, segment.line)
    return Turn(
        source=source,
        index=index,
        speaker=prefix.role,
        text=segment.text,
        start=prefix.start if prefix.start is not None else start,
        end=end,
        line=segment.line,
        agent_id=prefix.name if prefix.role == "agent" else None,
        speaker_label=prefix.label,
    )


def read(
    path: Path, source: str, columns: Columns, on_error: ErrorHandler | None
) -> Iterator[Turn]:
    """Turns of a speaker-text file, streamed; undecodable lines are reported and skipped."""
    del columns  # no columns in this format

    def good_lines() -> Iterator[tuple[int | None, str]]:
        for lineno, text, error in iter_lines(path, source):
            if error is not None:
                report(error, on_error)
                continue
            for piece in split_cr(text):
                yield lineno, piece

    index = 0
    for segment in segments(good_lines()):
        if segment.text:
            yield segment_turn(segment, source, index)
            index += 1
