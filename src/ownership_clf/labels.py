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
