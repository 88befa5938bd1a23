"""ownership-clf: how contact-centre agents talk to customers, sentence by sentence.

    from ownership_clf import Classifier
    clf = Classifier.load()
    clf.predict("That's not my department, call billing.").label   # 'deflection'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from .inference import Classifier, Prediction, SentencePrediction, TurnPrediction
    from .spans import Span

__all__ = ["Classifier", "Prediction", "SentencePrediction", "Span", "TurnPrediction",
           "__version__"]


def __getattr__(name: str):
    """Import torch-heavy classes on first use, so `--help` and readers stay quick."""
    if name in {"Classifier", "Prediction", "SentencePrediction", "TurnPrediction"}:
        from . import inference

        return getattr(inference, name)
    if name == "Span":
        from .spans import Span

        return Span
    raise AttributeError(name)
