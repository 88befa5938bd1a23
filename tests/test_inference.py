"""The library API of Classifier, on a tiny trained model and on the shipped one."""

import numpy as np
import pytest

from ownership_clf import Classifier, Prediction, Span
from ownership_clf.inference import default_model_dir
from ownership_clf.modeling import ModelDirectoryError


@pytest.fixture(scope="module")
def tiny(tiny_model):
    return Classifier.load(tiny_model)


def test_predict_one_and_many(tiny):
    one = tiny.predict("That's not my department, call billing.")
    assert isinstance(one, Prediction)
    assert one.label in tiny.labels and one.scores[one.label] == one.score
    assert abs(sum(one.scores.values()) - 1) < 1e-4
    many = tiny.predict(["hi there", "the courier lost it", "we dropped the ball, I'll fix it"],
                        batch_size=2)
    assert [p.text for p in many] == ["hi there", "the courier lost it",
                                      "we dropped the ball, I'll fix it"]
    assert tiny.predict([]) == []


def test_batching_and_order_do_not_change_scores(tiny):
    texts = ["short", "a much longer sentence about a refund that never arrived at all",
             "medium length one here", "ok"]
    a = tiny.predict_proba(texts, batch_size=1)
    b = tiny.predict_proba(texts[::-1], batch_size=4)[::-1]
    assert a.shape == (4, len(tiny.labels))
    assert np.allclose(a.sum(axis=1), 1, atol=1e-4)
    assert np.allclose(a, b, atol=2e-2)


def test_spans_are_offsets_into_the_text(tiny):
    for p in tiny.predict(["Sorry, the warehouse sent the wrong one again!",
                           "we messed up your booking and I'll sort it tonight 😊"]):
        for span in p.spans:
            assert isinstance(span, Span)
            assert p.text[span.start:span.end] == span.text and span.label == p.label


def test_turns_are_split_and_mapped_back(tiny):
    turn = "Hi Sam. The courier lost it, not us. I'll send a new one today."
    result = tiny.predict_turn(turn)
    assert [s.text for s in result.sentences] == ["Hi Sam.", "The courier lost it, not us.",
                                                  "I'll send a new one today."]
    for s in result.sentences:
        assert turn[s.start:s.end] == s.text
        for span in s.spans:
            assert turn[span.start:span.end] == span.text
    assert result.label in tiny.labels


def test_missing_and_corrupt_model_directories(tmp_path):
    with pytest.raises(ModelDirectoryError, match="does not exist"):
        Classifier.load(tmp_path / "nope")
    (tmp_path / "config.json").write_text("{not json")
    (tmp_path / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelDirectoryError, match="could not be loaded"):
        Classifier.load(tmp_path)


@pytest.mark.slow
def test_shipped_model_loads_offline_with_no_argument(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    clf = Classifier.load()
    assert clf.labels == ("ownership", "blame_shift", "deflection", "empathetic_apology",
                          "neutral")
    assert clf.has_span_head


# The label contract's own examples (LABELS.md). A model that misses many of these is
# broken whatever its test-set score; two misses are tolerated.
CONTRACT = [
    ("That's on us, we got this wrong.", "ownership"),
    ("I'll take care of it and call you back by 3pm.", "ownership"),
    ("We stand by this policy, and here's why.", "ownership"),
    ("Those guys in production messed up your order.", "blame_shift"),
    ("Corporate makes those rules, not me.", "blame_shift"),
    ("They never tell us anything.", "blame_shift"),
    ("The courier lost it.", "blame_shift"),
    ("You must have entered it wrong.", "blame_shift"),
    ("That's not my job.", "deflection"),
    ("You'll have to call billing.", "deflection"),
    ("There's nothing I can do.", "deflection"),
    ("It's company policy.", "deflection"),
    ("I just work here.", "deflection"),
    ("I'm so sorry for the trouble.", "empathetic_apology"),
    ("I completely understand how frustrating this is.", "empathetic_apology"),
    ("We can't do anything, corporate decides.", "blame_shift"),
    ("They'll arrive Tuesday.", "neutral"),
    ("I'll transfer you to billing myself and stay on the line until they've fixed it.",
     "ownership"),
    ("It's not your fault at all, it's ours.", "ownership"),
    ("We've let you down.", "ownership"),
    ("Sorry if you feel that way.", "deflection"),
    ("I'm sorry you think so.", "deflection"),
    ("We'll refund the fee.", "ownership"),
    ("DM us your order number.", "neutral"),
    ("No refunds, that's the rule.", "deflection"),
    ("I can't refund it, but I can give you store credit today.", "ownership"),
    ("I'm sorry, but there's nothing I can do.", "deflection"),
    ("Sorry, we messed up and I'll fix it now.", "ownership"),
    ("sry abt that, not my dept", "deflection"),
    ("Can I take your account number please?", "neutral"),
]


@pytest.mark.slow
def test_shipped_model_gets_the_label_contract_examples_right():
    clf = Classifier.load(default_model_dir())
    predictions = clf.predict([text for text, _ in CONTRACT])
    misses = [(text, gold, p.label) for (text, gold), p in zip(CONTRACT, predictions, strict=True)
              if p.label != gold]
    assert len(misses) <= 3, misses
