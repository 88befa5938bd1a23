"""Amazon Transcribe Call Analytics and Amazon Connect Contact Lens output JSON.

Both put the turns in a top-level "Transcript" list. Call Analytics names the role on each
record (ParticipantRole); Contact Lens names a ParticipantId that its "Participants" list maps to
a role. Offsets are milliseconds from the start of the contact.
"""

from __future__ import annotations

from collections.abc import Iterator
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
    load_json,
    normalise_role,
    report,
)


def looks_like(doc: Any) -> bool:
    """True for a document shaped like either Amazon output (used by detection)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("Transcript"), list):
        return False
    records = doc["Transcript"]
    if "Participants" in doc or not records:
        return True
    return any(
        isinstance(record, dict) and ("ParticipantRole" in record or "ParticipantId" in record)
        for record in records[:20]
    )


def _millis(record: dict[str, Any], key: str, where: str) -> float | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value / 1000
    raise ValueError(f"{where}: '{key}' is not a number of milliseconds: {value!r}")


def read(
    path: Path,
    source: str,
    columns: Columns,
    on_error: ErrorHandler | None,
    doc: Any = None,
) -> Iterator[Turn]:
    """Turns of an Amazon document; a bad record is reported by its index in "Transcript"."""
    del columns
    if doc is None:
        doc = load_json(path, source)
        if doc is None:
            return
    if not isinstance(doc, dict) or not isinstance(doc.get("Transcript"), list):
        raise InputError(
            source, "not Amazon Transcribe Call Analytics / Contact Lens output: no 'Transcript'"
            " list at the top level"
        )
    roles: dict[str, str] = {}
    participants = doc.get("Participants")
    if isinstance(participants, list):
        for participant in participants:
            if isinstance(participant, dict):
                pid, role = participant.get("ParticipantId"), participant.get("ParticipantRole")
                if isinstance(pid, str) and isinstance(role, str):
                    roles[pid] = role
    index = 0
    for number, record in enumerate(doc["Transcript"]):
        where = f"Transcript[{number}]"
        if not isinstance(record, dict):
            report(InputError(source, f"{where} is {describe(record)}, expected an object"),
                   on_error)
            continue
        content = record.get("Content")
        if content is None:
            report(InputError(source, f"{where} has no 'Content'"), on_error)
            continue
        if not isinstance(content, str):
            report(InputError(source, f"{where}: 'Content' is {describe(content)}"), on_error)
            continue
        if not content.strip():
            continue  # a record with no speech
        pid = record.get("ParticipantId")
        label = record.get("ParticipantRole")
        if not isinstance(label, str):
            label = roles.get(pid) if isinstance(pid, str) else None
        if label is None and isinstance(pid, str):
            label = pid
        speaker = normalise_role(label) if label else UNKNOWN
        agent_id = None
        # A ParticipantId that merely repeats the role ("AGENT") identifies nobody.
        if (
            speaker == AGENT
            and isinstance(pid, str)
            and pid.strip()
            and pid.casefold() not in {"agent", (label or "").casefold()}
        ):
            agent_id = pid
        try:
            start = _millis(record, "BeginOffsetMillis", where)
            end = _millis(record, "EndOffsetMillis", where)
        except ValueError as exc:
            report(InputError(source, str(exc)), on_error)
            continue
        yield Turn(
            source, index, speaker, content.strip(), start, end, None, agent_id, label
        )
        index += 1
