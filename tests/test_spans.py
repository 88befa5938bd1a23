from hypothesis import given, settings
from hypothesis import strategies as st
from transformers import AutoTokenizer

from ownership_clf.backbone import minilm_dir
from ownership_clf.spans import decode_spans

TOKENIZER = AutoTokenizer.from_pretrained(minilm_dir())


def scores_for(text, words_on):
    enc = TOKENIZER(text, return_offsets_mapping=True)
    words = enc.word_ids()
    return enc, [0.9 if w in words_on else 0.05 for w in words]


def test_high_scoring_words_become_one_span_with_neighbours_grown():
    text = "Honestly, that's on us and I'll sort it."
    enc = TOKENIZER(text, return_offsets_mapping=True)
    words = enc.word_ids()
    # words: honestly , that ' s on us and i ' ll sort it .
    scores = [0.0 if w is None else {2: 0.9, 3: 0.4, 4: 0.4, 5: 0.8, 6: 0.9}.get(w, 0.1)
              for w in words]
    spans = decode_spans(text, enc["offset_mapping"], words, scores, "ownership", 0.5, 0.3)
    assert [s.text for s in spans] == ["that's on us"]
    assert spans[0].label == "ownership" and abs(spans[0].score - 0.9) < 1e-6


def test_word_pieces_are_joined_into_whole_words():
    text = "the subcontractor messed it up"
    enc, scores = scores_for(text, {1})
    spans = decode_spans(text, enc["offset_mapping"], enc.word_ids(), scores, "blame_shift")
    assert [s.text for s in spans] == ["subcontractor"]


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=200), st.lists(st.floats(0, 1), min_size=1, max_size=80))
def test_spans_always_lie_inside_the_text(text, values):
    enc = TOKENIZER(text, return_offsets_mapping=True)
    scores = [values[i % len(values)] for i in range(len(enc["input_ids"]))]
    for span in decode_spans(text, enc["offset_mapping"], enc.word_ids(), scores, "x", 0.5, 0.3):
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end] == span.text
