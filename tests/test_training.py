"""Training: reproducible, labels from the data, clear errors before any training."""

import json

import pytest
import torch
from safetensors.torch import load_file
from typer.testing import CliRunner

from ownership_clf.cli import app
from ownership_clf.data import DataError
from ownership_clf.inference import Classifier
from ownership_clf.training import TrainConfig, train


def tiny_config(base, **overrides):
    values = dict(base_model=str(base), epochs=2, batch_size=16, learning_rate=1e-3,
                  min_per_label=2)
    values.update(overrides)
    return TrainConfig(**values)


def test_same_data_config_and_seed_give_the_same_model(tiny_base, tiny_data, tiny_model, tmp_path):
    again = tmp_path / "again"
    record = train(tiny_data[0], again, tiny_data[1], tiny_config(tiny_base), progress=False,
                   log=lambda _: None)
    first = json.loads((tiny_model / "ownership_clf.json").read_text())
    assert record["history"] == first["history"]
    assert record["validation"]["macro_f1"] == first["validation"]["macro_f1"]
    a, b = load_file(tiny_model / "model.safetensors"), load_file(again / "model.safetensors")
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)


def test_model_directory_records_the_recipe(tiny_model, tiny_data):
    record = json.loads((tiny_model / "ownership_clf.json").read_text())
    assert record["labels"] == ["ownership", "blame_shift", "deflection", "empathetic_apology",
                                "neutral"]
    assert record["data"][str(tiny_data[0])]["sha256"]
    assert {"torch", "transformers", "python"} <= set(record["versions"])
    assert record["config"]["epochs"] == 2 and record["span_head"] is True
    assert record["best_epoch"] in (1, 2) and len(record["history"]) == 2
    assert record["train_examples_per_second"] > 0
    config = json.loads((tiny_model / "config.json").read_text())
    assert config["label2id"]["deflection"] == 2


def test_saved_model_loads_as_a_plain_pipeline(tiny_model):
    from transformers import pipeline

    classify = pipeline("text-classification", model=str(tiny_model), top_k=None)
    assert classify.model.dtype == torch.float32  # weights stored in half, computed in full
    text = "that's not my department, call billing"
    theirs = {d["label"]: d["score"] for d in classify([text])[0]}
    ours = Classifier.load(tiny_model, precision="fp32").predict(text).scores
    assert theirs.keys() == ours.keys()
    assert all(abs(theirs[k] - ours[k]) < 1e-4 for k in ours)


def test_own_labels_without_spans_train_from_the_cli(tiny_base, tmp_path):
    rows = ["text,label"]
    phrases = {
        "upsell": ["would you like to add the premium plan", "we have a bundle that saves you 20%",
                   "upgrade today and get a free month", "can I interest you in our extended "
                   "warranty", "the family plan would cover all four phones"],
        "greeting": ["good morning, thanks for calling", "hi there, how can I help today",
                     "hello, you're through to support", "hey, welcome to the chat",
                     "good afternoon, Sam speaking"],
        "closing": ["thanks for calling, bye now", "have a lovely evening", "is there anything "
                    "else? take care", "glad I could help, goodbye", "cheers, have a good one"],
    }
    for label, texts in phrases.items():
        for i, text in enumerate(texts):
            rows.append(f'"{text} ({i})",{label}')
    data = tmp_path / "own.csv"
    data.write_text("\n".join(rows) + "\n")
    result = CliRunner().invoke(app, [
        "train", "--data", str(data), "--output", str(tmp_path / "m"), "--base-model",
        str(tiny_base), "--epochs", "2", "--learning-rate", "0.001", "--no-progress",
        "--config", str(write_config(tmp_path))])
    assert result.exit_code == 0, result.output
    classifier = Classifier.load(tmp_path / "m")
    assert set(classifier.labels) == {"upsell", "greeting", "closing"}
    assert not classifier.has_span_head
    prediction = classifier.predict("we have a bundle that saves you money on the premium plan")
    assert prediction.label in classifier.labels
    if prediction.label != "neutral":  # attribution highlights something inside the text
        assert prediction.spans
        assert all(prediction.text[s.start:s.end] == s.text for s in prediction.spans)


def write_config(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"min_per_label": 3, "batch_size": 4, "validation_fraction": 0.2}))
    return path


def test_bad_training_data_stops_before_training(tiny_base, tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "text": "that's on us", "label": "ownership", "spans": [[0, 12]]},
        {"id": "a", "text": "not my job", "label": "deflection", "spans": [[0, 40]]},
    ]) + "\n")
    with pytest.raises(DataError) as caught:
        train(data, tmp_path / "m", config=tiny_config(tiny_base))
    text = str(caught.value)
    assert "duplicate id 'a'" in text and "outside the text" in text
    assert "has 1 example(s); at least 2 are needed" in text
    assert not (tmp_path / "m").exists()


def test_misspelt_validation_label_gets_a_suggestion(tiny_base, tiny_data, tmp_path):
    val = tmp_path / "val.jsonl"
    val.write_text(json.dumps({"text": "the courier lost it", "label": "blame-shift",
                               "spans": [[0, 19]]}) + "\n")
    result = CliRunner().invoke(app, ["train", "--data", str(tiny_data[0]), "--validation",
                                      str(val), "--output", str(tmp_path / "m"), "--base-model",
                                      str(tiny_base)])
    assert result.exit_code == 1
    assert "did you mean 'blame_shift'?" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_two_process_training_with_torchrun(tiny_base, tiny_data, tmp_path):
    import shutil
    import subprocess
    import sys

    torchrun = shutil.which("torchrun") or str(__import__("pathlib").Path(sys.executable).parent
                                                / "torchrun")
    out = tmp_path / "ddp"
    done = subprocess.run(
        [torchrun, "--nproc_per_node", "2", "-m", "ownership_clf", "train", "--data",
         str(tiny_data[0]), "--validation", str(tiny_data[1]), "--output", str(out),
         "--base-model", str(tiny_base), "--epochs", "1", "--no-progress"],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    record = json.loads((out / "ownership_clf.json").read_text())
    assert record["validation"]["n"] == sum(1 for _ in tiny_data[1].open())
    assert Classifier.load(out).predict("the courier lost it").label in record["labels"]
