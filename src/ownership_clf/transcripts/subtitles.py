"""WebVTT (through webvtt-py) and SubRip (through srt) captions: one turn per cue and speaker.

The speaker comes from a WebVTT voice tag (``<v Agent Sam>``) or from a prefix in the cue text
("Agent: ...", "[Agent]"); a cue naming none is "unknown". Both libraries are lenient in ways
that could lose a cue; every timing line of the file is matched to a parsed cue, so a cue that
could not be parsed is reported with its line instead of disappearing.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from pathlib import Path

import srt
import webvtt
from webvtt.errors import MalformedFileError

from .base import (
    AGENT,
    UNKNOWN,
    Columns,
    ErrorHandler,
    InputError,
    Turn,
    parse_speaker,
    read_text,
    report,
)
from .speaker_text import segment_turn, segments

_LINE_END = re.compile(r"\r\n|\r|\n")
_ARROW_START = re.compile(r"^\s*([\d:.,]{1,40})\s*-[- ]\s*>")
_TIMESTAMP = re.compile(r"(\d{1,10}(?::\d{1,4}){1,3})(?:[.,](\d{0,9}))?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
_TAG = re.compile(r"</?[^>]*>")
_SRT_TAG = re.compile(r"</?(?:i|b|u|font)(?:\s[^>]*)?>|\{\\[^{}]*\}", re.IGNORECASE)


def _millis(token: str) -> int | None:
    """Milliseconds of a cue timestamp as written ("01:02.5", "00:01:02,500"), None if odd."""
    match = _TIMESTAMP.fullmatch(token)
    if match is None:
        return None
    fields = [int(field) for field in match[1].split(":")]
    fraction = match[2]
    if fraction is None and len(fields) == 4:  # "00:00:01:500", accepted by srt
        fraction = str(fields.pop())
    if len(fields) == 2:
        fields.insert(0, 0)
    if len(fields) != 3:
        return None
    hours, minutes, seconds = fields
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + int((fraction or "")[:3].ljust(3, "0"))


def _arrow_lines(text: str) -> list[tuple[int, int | None, str]]:
    """(line number, start in ms or None if unreadable, line) of every cue timing line."""
    found = []
    for number, line in enumerate(_LINE_END.split(text), 1):
        if "-->" not in line:
            continue
        match = _ARROW_START.match(line)
        found.append((number, _millis(match[1]) if match else None, line.strip()))
    return found


def _orphan_blocks(text: str) -> list[tuple[int, str]]:
    """(line, first line) of WebVTT blocks that are neither cues nor NOTE/STYLE/REGION.

    webvtt-py ignores them, but they are usually cue text cut off by a blank line.
    """
    orphans = []
    block: list[str] = []
    block_start = 0
    first = True
    for number, line in enumerate([*_LINE_END.split(text), ""], 1):
        if line:
            if not block:
                block_start = number
            block.append(line)
            continue
        if block and not first:
            head = block[0]
            known = not head.strip() or head.startswith(("NOTE", "STYLE", "REGION"))
            if not known and not any("-->" in part for part in block):
                orphans.append((block_start, head.strip()))
        if block:
            first = False
        block = []
    return orphans


class _LineMatcher:
    """Pairs parsed cues, in order, with the file's timing lines; yields those left behind."""

    def __init__(self, text: str) -> None:
        self._arrows = _arrow_lines(text)
        self._next = 0

    def match(self, start_ms: int) -> tuple[int | None, list[tuple[int, str]]]:
        """The line of the cue starting at start_ms, and the timing lines skipped to reach it."""
        for position in range(self._next, len(self._arrows)):
            number, millis, _ = self._arrows[position]
            if millis == start_ms:
                skipped = [(n, line) for n, _, line in self._arrows[self._next:position]]
                self._next = position + 1
                return number, skipped
        return None, []

    def rest(self) -> list[tuple[int, str]]:
        rest = [(n, line) for n, _, line in self._arrows[self._next:]]
        self._next = len(self._arrows)
        return rest


def _cue_turns(
    lines: list[str],
    source: str,
    index: int,
    start: float,
    end: float,
    line: int | None,
) -> list[Turn]:
    """Turns of one cue's text lines (already stripped of markup), split at speaker prefixes."""
    turns: list[Turn] = []
    for segment in segments((line, text) for text in lines):
        if segment.text:
            turns.append(segment_turn(segment, source, index + len(turns), start=start, end=end))
    return turns


def _voice_turn(
    voice: str, text: str, source: str, index: int, start: float, end: float, line: int | None
) -> Turn:
    role, name = parse_speaker(voice) if voice else (UNKNOWN, None)
    return Turn(
        source,
        index,
        role,
        text,
        start,
        end,
        line,
        agent_id=name if role == AGENT else None,
        speaker_label=voice or None,
    )


def _clean_vtt(fragment: str) -> list[str]:
    return [html.unescape(_TAG.sub("", part)).strip() for part in fragment.split("\n")]


def read_vtt(
    path: Path, source: str, columns: Columns, on_error: ErrorHandler | None
) -> Iterator[Turn]:
    """Turns of a WebVTT file; start/end in seconds, line = the cue's timing line."""
    del columns
    text = read_text(path, source)
    if not text.strip():
        return
    try:
        captions = webvtt.from_buffer(io.StringIO(text)).captions
    except MalformedFileError:
        message = "not a WebVTT file: the first line must be 'WEBVTT'"
        raise InputError(source, message, 1) from None
    except Exception as exc:  # odd input breaking the library is the file's fault
        raise InputError(source, f"malformed WebVTT: {exc}") from None
    matcher = _LineMatcher(text)
    orphans = _orphan_blocks(text)

    def report_orphans(before: float) -> None:
        while orphans and orphans[0][0] < before:
            number, head = orphans.pop(0)
            message = f"text outside any cue (a blank line inside a cue?): {head[:80]!r}"
            report(InputError(source, message, number), on_error)

    index = 0
    for caption in captions:
        start_ms = caption.start_time.in_milliseconds()
        line, skipped = matcher.match(start_ms)
        report_orphans(line if line is not None else 0)
        for number, bad in skipped:
            report(InputError(source, f"cue could not be parsed: {bad!r}", number), on_error)
        start = start_ms / 1000
        end = caption.end_time.in_milliseconds() / 1000
        pieces = _VOICE.split(caption.raw_text)
        # pieces: text before any voice tag, then (voice, its text) pairs
        turns = _cue_turns(_clean_vtt(pieces[0]), source, index, start, end, line)
        for position in range(1, len(pieces), 2):
            voice = (pieces[position] or "").strip()
            body = " ".join(part for part in _clean_vtt(pieces[position + 1]) if part)
            if body:
                turns.append(
                    _voice_turn(voice, body, source, index + len(turns), start, end, line)
                )
        yield from turns
        index += len(turns)
    for number, bad in matcher.rest():
        report(InputError(source, f"cue could not be parsed: {bad!r}", number), on_error)
    report_orphans(float("inf"))


def read_srt(
    path: Path, source: str, columns: Columns, on_error: ErrorHandler | None
) -> Iterator[Turn]:
    """Turns of a SubRip file; start/end in seconds, line = the cue's timing line.

    Text that srt cannot read as a block is reported with its line and reading resumes at the
    next block it can read.
    """
    del columns
    text = read_text(path, source)
    matcher = _LineMatcher(text)
    index = 0
    position = 0
    while position < len(text):
        subtitles = srt.parse(text[position:])
        while True:
            try:
                subtitle = next(subtitles)
            except StopIteration:
                position = len(text)
                break
            except srt.SRTParseError as exc:
                unmatched = exc.unmatched_content
                offset = position + exc.expected_start + len(unmatched) - len(unmatched.lstrip())
                shown = unmatched.strip()[:80]
                bad_line = text.count("\n", 0, offset) + 1
                report(InputError(source, f"malformed SRT block: {shown!r}", bad_line), on_error)
                position += exc.actual_start
                break
            except Exception as exc:  # the library's own failures on odd input: the file's fault
                raise InputError(source, f"malformed SRT: {exc}") from None
            start_ms = round(subtitle.start.total_seconds() * 1000)
            line, _ = matcher.match(start_ms)
            content = _SRT_TAG.sub("", subtitle.content)
            lines = [part.strip() for part in content.split("\n")]
            turns = _cue_turns(
                lines, source, index, start_ms / 1000, subtitle.end.total_seconds(), line
            )
            yield from turns
            index += len(turns)
