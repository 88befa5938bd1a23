from ownership_clf.labels import DEFAULT_LABELS, suggest, turn_label


def test_precedence_follows_the_label_contract():
    assert turn_label(["empathetic_apology", "blame_shift", "ownership"]) == "blame_shift"
    assert turn_label(["ownership", "deflection"]) == "deflection"
    assert turn_label(["empathetic_apology", "ownership"]) == "ownership"
    assert turn_label(["neutral", "empathetic_apology"]) == "empathetic_apology"
    assert turn_label(["neutral", "neutral"]) == "neutral"
    assert turn_label([]) == "neutral"


def test_other_label_sets_take_the_first_non_neutral_label():
    assert turn_label(["neutral", "upsell", "greeting"]) == "upsell"
    assert turn_label(["neutral", "upsell", "blame_shift"]) == "blame_shift"


def test_suggest_finds_the_closest_label():
    assert suggest("blame-shift", DEFAULT_LABELS) == "blame_shift"
    assert suggest("Ownersip", DEFAULT_LABELS) == "ownership"
    assert suggest("xyzzy", DEFAULT_LABELS) is None


def test_every_label_gets_a_distinct_colour():
    from ownership_clf.labels import COLOURS, colour_map

    ours = colour_map(DEFAULT_LABELS)
    assert ours == {label: COLOURS[label] for label in DEFAULT_LABELS}
    theirs = colour_map([f"label{i}" for i in range(9)])
    assert len(theirs) == 9 and all(c.startswith("#") for c in theirs.values())
