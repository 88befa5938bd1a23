from ownership_clf.evaluation import classification_metrics, format_report, span_metrics


def test_classification_metrics_by_hand():
    gold = ["a", "a", "b", "b", "c"]
    pred = ["a", "b", "b", "b", "a"]
    report = classification_metrics(gold, pred, ["a", "b", "c"])
    # a: P 1/2 R 1/2 F 0.5; b: P 2/3 R 1 F 0.8; c: P 0 R 0 F 0
    assert abs(report["per_label"]["a"]["f1"] - 0.5) < 1e-9
    assert abs(report["per_label"]["b"]["f1"] - 0.8) < 1e-9
    assert report["per_label"]["c"]["f1"] == 0
    assert abs(report["macro_f1"] - 1.3 / 3) < 1e-9
    assert report["confusion"] == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    assert "macro-F1 0.4333" in format_report(report)


def test_span_metrics_by_hand():
    text = "sorry, the courier lost it yesterday"
    gold = [[(7, 26)]]  # "the courier lost it"
    exact = span_metrics([text], gold, [[(7, 26)]])
    assert exact["token_f1"] == 1.0 and exact["iou50_f1"] == 1.0
    partial = span_metrics([text], gold, [[(11, 36)]])  # courier lost it yesterday
    # words: gold {the, courier, lost, it}; pred {courier, lost, it, yesterday}
    assert abs(partial["token_precision"] - 0.75) < 1e-9
    assert abs(partial["token_recall"] - 0.75) < 1e-9
    assert partial["iou50_f1"] == 1.0  # IoU 15/29 >= 0.5
    missed = span_metrics([text], gold, [[]])
    assert missed["token_f1"] == 0.0 and missed["iou50_recall"] == 0.0
    assert span_metrics([text], [[]], [[(0, 5)]]) is None
