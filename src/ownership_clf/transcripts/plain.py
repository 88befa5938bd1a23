"""Plain text: every non-empty line is one agent utterance.

The simplest way to score a list of agent replies; nothing in a line is interpreted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .base import AGENT, Columns, ErrorHandler, Turn, iter_lines, report
from .speaker_text import split_cr


def read(
    path: Path, source: str, columns: Columns, on_error: ErrorHandler | None
) -> Iterator[Turn]:
    """Agent turns of a plain text file, streamed; undecodable lines are reported and skipped."""
    del columns  # no columns in this format
    index = 0
    for lineno, text, error in iter_lines(path, source):
        if error is not None:
            report(error, on_error)
            continue
        for piece in split_cr(text):
            stripped = piece.strip()
            if stripped:
                yield Turn(source, index, AGENT, stripped, line=lineno)
                index += 1
