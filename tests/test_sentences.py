from hypothesis import given, settings
from hypothesis import strategies as st

from ownership_clf.sentences import split_sentences


def test_splits_agent_turns_into_sentences():
    text = "Hi Mr. Jones. That's on us! I'll refund the £4.99 fee today, ok?  thanks"
    parts = [text[a:b] for a, b in split_sentences(text)]
    assert parts == ["Hi Mr. Jones.", "That's on us!", "I'll refund the £4.99 fee today, ok?",
                     "thanks"]


def test_long_turn_keeps_every_character():
    text = " ".join(f"sentence number {i} is here and we fixed it 😊 日本語." for i in range(800))
    spans = split_sentences(text)
    joined = "".join(text[a:b] for a, b in spans)
    assert joined.replace(" ", "") == text.replace(" ", "")
    assert len(spans) > 100


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_sentences_cover_all_non_space_characters_once(text):
    spans = split_sentences(text)
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))
