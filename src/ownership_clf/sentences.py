"""Sentence splitting with character offsets, on pysbd.

pysbd is accurate on messy English but slows down sharply on very long inputs, so long
turns are fed to it in windows cut at white space. Offsets are recomputed here: each
sentence runs from its start to the next sentence's start, stripped of white space, so
every non-space character of a turn lands in exactly one sentence.
"""

from __future__ import annotations

from functools import lru_cache

import pysbd

WINDOW = 2000  # characters per pysbd call


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _starts(chunk: str) -> list[int]:
    """Start offsets of pysbd's sentences within `chunk`."""
    starts: list[int] = []
    cursor = 0
    for piece in _segmenter().segment(chunk):
        piece = piece.strip()
        if not piece:
            continue
        found = chunk.find(piece, cursor)
        if found < 0:  # pysbd changed the text; keep what we have, never lose characters
            break
        starts.append(found)
        cursor = found + len(piece)
    return starts or [0]


def _window_end(text: str, begin: int) -> int:
    end = begin + WINDOW
    if end >= len(text):
        return len(text)
    for stop in (". ", "? ", "! ", "\n", " "):
        cut = text.rfind(stop, begin + WINDOW // 2, end)
        if cut > 0:
            return cut + len(stop)
    return end


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences of `text`, in order."""
    starts: list[int] = []
    begin = 0
    while begin < len(text):
        end = _window_end(text, begin)
        starts.extend(begin + s for s in _starts(text[begin:end]))
        begin = end
    spans = []
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else len(text)
        piece = text[start:stop]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left:
            spans.append((start + left, start + right))
    return spans
