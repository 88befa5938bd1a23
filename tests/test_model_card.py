import json

from ownership_clf.model_card import write_model_card


def test_model_card_has_front_matter_metrics_and_baseline(tiny_model, tmp_path):
    record = json.loads((tiny_model / "ownership_clf.json").read_text())
    test = dict(record["validation"])
    test["spans"] = {"token_f1": 0.8123, "iou50_f1": 0.7, "rows": 10}
    test["baselines"] = {"textbook": {"macro_f1": 0.5}, "tuned": {"macro_f1": 0.6}}
    card = write_model_card(tmp_path, record, test).read_text()
    assert card.startswith("---\nlanguage: en")
    assert "pipeline_tag: text-classification" in card
    assert f"value: {test['macro_f1']:.4f}" in card and "span token-F1" in card
    assert "scikit-learn defaults" in card and f"{test['macro_f1'] - 0.5:+.4f}" in card
    assert f"{test['macro_f1'] - 0.6:+.4f}" in card
    for label in record["labels"]:
        assert f"| {label} |" in card
