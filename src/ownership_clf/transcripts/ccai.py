"""Google Contact Center AI Insights conversations.

Two shapes: a Conversation resource ({"transcript": {"transcriptSegments": [...]}}, times in the
words' "1.2s" offsets) and the upload form for chats ({"entries": [...]}, times in
microseconds). A virtual agent (AUTOMATED_AGENT) speaks to the customer on the company's
behalf, so it counts as the agent; speaker_label keeps the raw role.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .base import (
    AGENT,
    CUSTOMER,
    UNKNOWN,
    Columns,
    ErrorHandler,
    InputError,
    Turn,
    describe,
    load_json,
    normalise_role,
    report,
)

ROLES = {
    "HUMAN_AGENT": AGENT,
    "AGENT": AGENT,
    "AUTOMATED_AGENT": AGENT,
    "END_USER": CUSTOMER,
    "CUSTOMER": CUSTOMER,
    "ROLE_UNSPECIFIED": UNKNOWN,
}
# Entries' microsecond timestamps past this are wall-clock times; turns start from the first.
_EPOCH_USEC = 10**12
_MAX_USEC = 2**63


def looks_like(doc: Any) -> bool:
    """True for either CCAI shape (used by detection)."""
    if not isinstance(doc, dict):
        return False
    transcript = doc.get("transcript")
    if isinstance(transcript, dict) and isinstance(transcript.get("transcriptSegments"), list):
        return True
    return isinstance(doc.get("entries"), list)


def _role(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        return UNKNOWN
    return ROLES.get(raw.strip().upper()) or normalise_role(raw)


def _offset(value: Any) -> float | None:
    """Seconds of a protobuf Duration: "1.200s", a number, or {"seconds": .., "nanos": ..}."""
    if value is None:
        return None
    if isinstance(value, dict):
        seconds = value.get("seconds", 0)
        nanos = value.get("nanos", 0)
        if isinstance(seconds, str):
            seconds = float(seconds)
        if not isinstance(seconds, (int, float)) or not isinstance(nanos, (int, float)):
            raise ValueError(f"not a duration: {value!r}")
        result = float(seconds) + float(nanos) / 1e9
    elif isinstance(value, str):
        result = float(value.strip().removesuffix("s"))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        result = float(value)
    else:
        raise ValueError(f"not a duration: {value!r}")
    if not (math.isfinite(result) and result >= 0):
        raise ValueError(f"not a duration: {value!r}")
    return result


# (JSON position, text, raw role, agent id, start, end) of one segment or entry
_Item = tuple[str, Any, Any, str | None, float | None, float | None]


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int)):
        return str(value).strip() or None
    return None


def _segments(
    doc: dict[str, Any], source: str, on_error: ErrorHandler | None
) -> Iterator[_Item]:
    """(position, text, raw role, agent id, start, end) per transcript segment."""
    segments = doc["transcript"]["transcriptSegments"]
    metadata = doc.get("callMetadata")
    if not isinstance(metadata, dict):
        metadata = {}
    channels = {metadata.get("agentChannel"): "AGENT", metadata.get("customerChannel"): "CUSTOMER"}
    channels.pop(None, None)
    for number, segment in enumerate(segments):
        where = f"transcript.transcriptSegments[{number}]"
        if not isinstance(segment, dict):
            report(InputError(source, f"{where} is {describe(segment)}, expected an object"),
                   on_error)
            continue
        participant = segment.get("segmentParticipant")
        if not isinstance(participant, dict):
            participant = {}
        raw_role = participant.get("role")
        if not isinstance(raw_role, str) or not raw_role.strip():
            raw_role = channels.get(segment.get("channelTag"))
        agent_id = _id(participant.get("userId"))
        if agent_id is None and raw_role in ("HUMAN_AGENT", "AGENT"):
            agent_id = _id(doc.get("agentId"))
        words = segment.get("words")
        start = end = None
        if isinstance(words, list) and words:
            first, last = words[0], words[-1]
            try:
                start = _offset(first.get("startOffset")) if isinstance(first, dict) else None
                end = _offset(last.get("endOffset")) if isinstance(last, dict) else None
            except (ValueError, OverflowError) as exc:
                report(InputError(source, f"{where}: {exc}"), on_error)
                continue
        yield where, segment.get("text"), raw_role, agent_id, start, end


def _entries(
    doc: dict[str, Any], source: str, on_error: ErrorHandler | None
) -> Iterator[_Item]:
    """(position, text, raw role, agent id, start, end) per upload-form entry."""
    base: int | None = None
    for number, entry in enumerate(doc["entries"]):
        where = f"entries[{number}]"
        if not isinstance(entry, dict):
            report(InputError(source, f"{where} is {describe(entry)}, expected an object"),
                   on_error)
            continue
        stamp = entry.get("start_timestamp_usec")
        start = None
        if stamp is not None:
            if isinstance(stamp, str) and stamp.strip().isdigit():
                stamp = int(stamp)
            if (
                isinstance(stamp, bool)
                or not isinstance(stamp, (int, float))
                or not 0 <= stamp < _MAX_USEC
            ):
                report(InputError(source, f"{where}: bad 'start_timestamp_usec' {stamp!r}"),
                       on_error)
                continue
            if base is None:
                base = int(stamp) if stamp >= _EPOCH_USEC else 0
            start = max(stamp - base, 0) / 1e6
        role = entry.get("role")
        yield where, entry.get("text"), role, _id(entry.get("user_id")), start, None


def read(
    path: Path,
    source: str,
    columns: Columns,
    on_error: ErrorHandler | None,
    doc: Any = None,
) -> Iterator[Turn]:
    """Turns of a CCAI document; a bad segment is reported by its JSON position."""
    del columns
    if doc is None:
        doc = load_json(path, source)
        if doc is None:
            return
    if not looks_like(doc):
        raise InputError(
            source, "not a CCAI Insights conversation: no 'transcript.transcriptSegments' or"
            " 'entries' list"
        )
    transcript = doc.get("transcript")
    if isinstance(transcript, dict) and isinstance(transcript.get("transcriptSegments"), list):
        items = _segments(doc, source, on_error)
    else:
        items = _entries(doc, source, on_error)
    index = 0
    for where, text, raw_role, agent_id, start, end in items:
        if text is None:
            report(InputError(source, f"{where} has no 'text'"), on_error)
            continue
        if not isinstance(text, str):
            report(InputError(source, f"{where}: 'text' is {describe(text)}"), on_error)
            continue
        if not text.strip():
            continue  # a segment with no speech
        speaker = _role(raw_role)
        label = raw_role.strip() if isinstance(raw_role, str) and raw_role.strip() else None
        yield Turn(
            source,
            index,
            speaker,
            text.strip(),
            start,
            end,
            None,
            agent_id if speaker == AGENT else None,
            label,
        )
        index += 1
