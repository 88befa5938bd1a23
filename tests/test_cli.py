"""The CLI: user mistakes end in one clear line and a non-zero exit, never a traceback."""

import json

import pytest
from typer.testing import CliRunner

from ownership_clf.cli import app
from tests.conftest import ROOT

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_predict_prints_labels_and_json(tiny_model):
    result = run("predict", "the courier lost it", "hello", "--model", tiny_model, "--json")
    assert result.exit_code == 0, result.output
    assert '"label"' in result.output and '"spans"' in result.output
    plain = run("predict", "that's not my job", "--model", tiny_model)
    assert plain.exit_code == 0 and "that's not my job" in plain.output


def test_score_prints_a_summary_and_writes_rows(tiny_model, tmp_path):
    out = tmp_path / "rows.jsonl"
    result = run("score", ROOT / "examples", "-o", out, "--model", tiny_model, "--summary",
                 tmp_path / "s.csv", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "sentences scored" in result.output and "rows skipped (bad input): 0" in result.output
    assert out.exists() and (tmp_path / "s.csv").exists()


def made(path, content=None):
    """Create a file (bytes or text) or, with no content, a folder; return its path."""
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


@pytest.mark.parametrize("make_input, expected", [
    (lambda d: d / "missing.txt", "missing.txt: no such file or folder"),
    (lambda d: made(d / "empty_dir"), "empty_dir: folder holds no transcript files"),
    (lambda d: made(d / "x.xyz", "hi"), "x.xyz"),
    (lambda d: made(d / "bad.jsonl", '{"text": "ok"}\n{oops\n'), "bad.jsonl:2"),
    (lambda d: made(d / "latin1.txt", "Agent: ça va\n".encode("latin-1")), "latin1.txt:1"),
    (lambda d: made(d / "t.json", '{"foo": 1}'), "t.json"),
])
def test_user_mistakes_are_one_line_errors(tiny_model, tmp_path, make_input, expected):
    result = run("score", make_input(tmp_path), "-o", tmp_path / "o.jsonl", "--model",
                 tiny_model, "--no-progress")
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_bad_output_suffix_and_missing_model(tiny_model, tmp_path):
    result = run("score", ROOT / "examples", "-o", tmp_path / "o.txt", "--model", tiny_model)
    assert result.exit_code == 2 and "output must end in" in result.output
    result = run("predict", "hi", "--model", tmp_path / "no-model")
    assert result.exit_code == 2 and "does not exist" in result.output


def test_validate_data_reports_and_exits_non_zero(tmp_path):
    bad = tmp_path / "d.jsonl"
    bad.write_text(json.dumps({"text": "not my dept", "label": "deflektion"}) + "\n")
    result = run("validate-data", bad, "--labels",
                 "ownership,blame_shift,deflection,empathetic_apology,neutral")
    assert result.exit_code == 1
    assert f"{bad}:1: unknown label 'deflektion' (did you mean 'deflection'?)" in result.output
    good = run("validate-data", ROOT / "data" / "validation.jsonl", ROOT / "data" / "test.jsonl")
    assert good.exit_code == 0, good.output


def test_evaluate_prints_metrics_and_writes_json_and_plot(tiny_model, tmp_path):
    data = tmp_path / "eval.jsonl"
    rows = [json.loads(x) for x in (ROOT / "data" / "test.jsonl").read_text().splitlines()[:40]]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = run("evaluate", "--data", data, "--model", tiny_model, "--json",
                 tmp_path / "m.json")
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "token-F1" in result.output
    metrics = json.loads((tmp_path / "m.json").read_text())
    assert metrics["n"] == 40 and "spans" in metrics
    assert (tmp_path / "m.png").stat().st_size > 1000


def test_evaluate_with_labels_the_model_lacks(tiny_model, tmp_path):
    data = tmp_path / "eval.jsonl"
    data.write_text(json.dumps({"text": "buy the premium plan", "label": "upsell"}) + "\n")
    result = run("evaluate", "--data", data, "--model", tiny_model)
    assert result.exit_code == 2 and "labels the model does not know: upsell" in result.output


def test_ray_engine_refuses_options_it_cannot_honour(tiny_model, tmp_path):
    result = run("score", ROOT / "examples", "-o", tmp_path / "o.jsonl", "--engine", "ray",
                 "--summary", tmp_path / "s.csv", "--model", tiny_model)
    assert result.exit_code == 2 and "--engine local only" in result.output
