"""The label set of the default model and the precedence rule of LABELS.md.

Organisations may train on their own labels; everything here that is specific to our
five labels degrades gracefully for other label sets (unknown labels rank lowest).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

DEFAULT_LABELS: tuple[str, ...] = (
    "ownership",
    "blame_shift",
    "deflection",
    "empathetic_apology",
    "neutral",
)

# Highest first: when a turn holds several behaviours, the turn takes the highest.
PRECEDENCE: tuple[str, ...] = (
    "blame_shift",
    "deflection",
    "ownership",
    "empathetic_apology",
    "neutral",
)

NEUTRAL = "neutral"

# One colour per label, shared by the terminal output and the HTML report.
COLOURS = {"ownership": "#2e7d32", "blame_shift": "#c62828", "deflection": "#ef6c00",
           "empathetic_apology": "#1565c0", "neutral": "#757575"}
_SPARE_COLOURS = ("#6a1b9a", "#00838f", "#5d4037", "#ad1457", "#827717", "#37474f")


def colour_map(labels: Sequence[str]) -> dict[str, str]:
    """A colour for every label; an organisation's own labels get spare colours in turn."""
    spare = iter(_SPARE_COLOURS * (len(labels) // len(_SPARE_COLOURS) + 1))
    return {label: COLOURS.get(label) or next(spare) for label in labels}


def rank(label: str) -> int:
    """Position in PRECEDENCE; labels outside it rank after every known label."""
    try:
        return PRECEDENCE.index(label)
    except ValueError:
        return len(PRECEDENCE)


def turn_label(labels: Iterable[str], default: str = NEUTRAL) -> str:
    """The label of a turn made of sentences labelled `labels`.

    Our labels follow PRECEDENCE. For other label sets the first non-neutral label in
    the turn wins, so an organisation's own labels still give a sensible turn label.
    """
    labels = [label for label in labels if label != NEUTRAL]
    if not labels:
        return default
    return min(labels, key=lambda label: (rank(label), labels.index(label)))


def suggest(name: str, valid: Sequence[str]) -> str | None:
    """The closest valid label to a misspelt one, or None when nothing is close."""
    matches = difflib.get_close_matches(name.strip().lower(), [v.lower() for v in valid], n=1,
                                        cutoff=0.5)
    if not matches:
        return None
    lowered = [v.lower() for v in valid]
    return valid[lowered.index(matches[0])]
