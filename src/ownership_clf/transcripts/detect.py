"""Format detection: by extension, then by a look at the content where one extension is shared.

.txt can be plain agent lines or speaker-prefixed lines, .json can be Amazon or CCAI output (or
JSON Lines saved under the wrong name). Guessing wrong would misattribute speech, so an
unrecognised JSON document is an error rather than a guess.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import amazon, ccai
from .base import InputError, load_json, open_file
from .speaker_text import has_known_prefix, split_cr

FORMATS: tuple[str, ...] = ("text", "speaker-text", "csv", "jsonl", "vtt", "srt", "amazon", "ccai")
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    {".txt", ".csv", ".tsv", ".jsonl", ".ndjson", ".vtt", ".srt", ".json"}
)
_BY_EXTENSION = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".vtt": "vtt",
    ".srt": "srt",
}
_SNIFF_BYTES = 64 * 1024
_SNIFF_LINES = 200


def sniff_text(path: Path, source: str) -> str:
    """"speaker-text" when most of the first non-empty lines start with a known role prefix."""
    with open_file(path, source) as handle:
        try:
            head = handle.read(_SNIFF_BYTES)
        except OSError as exc:
            raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
    text = head.decode("utf-8", errors="replace")
    if len(head) == _SNIFF_BYTES and "\n" in text:
        text = text[: text.rindex("\n")]  # drop a line cut in the middle
    lines = [piece for line in text.split("\n") for piece in split_cr(line) if piece.strip()]
    lines = lines[:_SNIFF_LINES]
    prefixed = sum(1 for line in lines if has_known_prefix(line))
    return "speaker-text" if lines and prefixed * 2 > len(lines) else "text"


def json_kind(doc: Any) -> str | None:
    """"amazon" or "ccai" from a parsed document's keys, None if neither."""
    if amazon.looks_like(doc):
        return "amazon"
    if ccai.looks_like(doc):
        return "ccai"
    return None


def unknown_json(source: str, doc: Any) -> InputError:
    hint = ""
    if isinstance(doc, dict) and isinstance(doc.get("results"), dict):
        hint = " (plain Amazon Transcribe output has no speaker roles; use Call Analytics)"
    elif isinstance(doc, dict):
        keys = ", ".join(repr(key) for key in list(doc)[:8])
        hint = f" (top-level keys: {keys})"
    return InputError(source, f"unknown JSON transcript format{hint}")


def classify_json(path: Path, source: str) -> tuple[str | None, Any]:
    """Format and parsed document of a .json file; (None, None) for an empty file.

    The document is returned so that reading does not parse it a second time; it is None for
    JSON Lines saved as .json (recognised by json's "Extra data" after a first-line object).
    """
    try:
        doc = load_json(path, source)
    except InputError as error:
        if error.message.startswith("not valid JSON: Extra data") and _first_line_object(path):
            return "jsonl", None
        raise
    if doc is None:
        return None, None
    kind = json_kind(doc)
    if kind is None:
        raise unknown_json(source, doc)
    return kind, doc


def _first_line_object(path: Path) -> bool:
    with path.open("rb") as handle:
        for raw in handle:
            if raw.strip():
                try:
                    return isinstance(json.loads(raw.decode("utf-8-sig")), dict)
                except ValueError:
                    return False
    return False


def detect_format(path: str | Path) -> str:
    """The format of a transcript file, one of FORMATS; InputError when it is not one."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix in _BY_EXTENSION:
        return _BY_EXTENSION[suffix]
    if suffix == ".txt":
        return sniff_text(path, source)
    if suffix == ".json":
        kind, _ = classify_json(path, source)
        if kind is None:
            raise InputError(source, "empty file: nothing to tell its JSON format by")
        return kind
    shown = f"'{path.suffix}'" if path.suffix else "no extension"
    supported = " ".join(sorted(SUPPORTED_EXTENSIONS))
    raise InputError(
        source, f"unsupported file type ({shown}); supported: {supported}"
    )
