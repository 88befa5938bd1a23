"""Transcript files in, a stream of speaker turns out.

One reader per format (plain, speaker_text, tabular, subtitles, amazon, ccai) behind the
common pieces in base. read_turns() picks the reader, streams its turns and routes every problem
with the user's file through InputError, so the CLI can report it or skip it (--skip-bad).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from . import amazon, ccai, plain, speaker_text, subtitles, tabular
from .base import Columns, InputError, Turn, normalise_role
from .detect import FORMATS, SUPPORTED_EXTENSIONS, classify_json, detect_format
from .inputs import expand_inputs

__all__ = [
    "FORMATS",
    "SUPPORTED_EXTENSIONS",
    "Columns",
    "InputError",
    "Turn",
    "detect_format",
    "expand_inputs",
    "normalise_role",
    "read_turns",
]

_Reader = Callable[..., Iterator[Turn]]
READERS: dict[str, _Reader] = {
    "text": plain.read,
    "speaker-text": speaker_text.read,
    "csv": tabular.read_csv,
    "jsonl": tabular.read_jsonl,
    "vtt": subtitles.read_vtt,
    "srt": subtitles.read_srt,
    "amazon": amazon.read,
    "ccai": ccai.read,
}


class _HandlerFailed(Exception):
    """Wraps an exception raised by the caller's on_error so it is not handled twice."""


def _guarded(on_error: Callable[[InputError], None]) -> Callable[[InputError], None]:
    def handler(error: InputError) -> None:
        try:
            on_error(error)
        except Exception as exc:
            raise _HandlerFailed() from exc

    return handler


def read_turns(
    path: str | Path,
    fmt: str = "auto",
    *,
    columns: Columns = Columns(),  # noqa: B008 - frozen, so a shared default is safe
    on_error: Callable[[InputError], None] | None = None,
) -> Iterator[Turn]:
    """Stream the turns of one transcript file.

    A generator: nothing is opened until the first turn is asked for, and errors surface while
    iterating. A bad row or record raises InputError, or with ``on_error`` is passed to it and
    reading goes on with the next one. A problem that ends the file (cannot open, not UTF-8 in a
    whole-document format, malformed JSON document) is raised or passed to ``on_error`` too,
    after which the file yields nothing more.
    """
    path = Path(path)
    source = str(path)
    handler = _guarded(on_error) if on_error is not None else None
    try:
        doc = None
        if fmt == "auto":
            if path.suffix.lower() == ".json" and path.is_file():
                kind, doc = classify_json(path, source)
                if kind is None:
                    return
                fmt = kind
            else:
                fmt = detect_format(path)
        reader = READERS.get(fmt)
        if reader is None:
            choices = ", ".join(("auto", *FORMATS))
            raise InputError(source, f"unknown format {fmt!r}; choose one of: {choices}")
        if doc is not None:
            yield from reader(path, source, columns, handler, doc=doc)
        else:
            yield from reader(path, source, columns, handler)
    except _HandlerFailed as wrapped:
        raise wrapped.__cause__ from None  # type: ignore[misc]
    except InputError as error:
        if on_error is None:
            raise
        on_error(error)
