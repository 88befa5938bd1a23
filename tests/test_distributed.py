"""Ray Data scoring gives the same rows as the local engine (order aside)."""

import json

import pytest

pytest.importorskip("ray")

from ownership_clf.distributed import score_with_ray  # noqa: E402
from ownership_clf.inference import Classifier  # noqa: E402
from ownership_clf.scoring import score_files  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

INPUTS = [str(ROOT / "examples" / name) for name in
          ("chat_telecom.txt", "email_replies.csv", "call_airline.vtt", "ccai_delivery.json")]


def key(row):
    return (row["source"], row["turn"], row["sentence"])


def comparable(row):
    out = dict(row)
    out["agent_id"] = out["agent_id"] or None  # Ray turns an all-empty column into nulls
    return out


@pytest.fixture(scope="module")
def local_ray():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.slow
def test_ray_rows_equal_local_rows(tiny_model, tmp_path, local_ray):
    local_out = tmp_path / "local.jsonl"
    local_stats, _ = score_files(Classifier.load(tiny_model), INPUTS, local_out, progress=False)
    local = sorted((json.loads(x) for x in local_out.read_text().splitlines()), key=key)

    ray_out = tmp_path / "ray.jsonl"
    stats = score_with_ray(INPUTS, ray_out, model=tiny_model, workers=2)  # every CPU: no hang
    rows = sorted((json.loads(x) for part in sorted(ray_out.iterdir())
                   for x in part.read_text().splitlines()), key=key)
    assert [key(r) for r in rows] == [key(r) for r in local]
    for ours, theirs in zip(rows, local, strict=True):
        ours, theirs = comparable(ours), comparable(theirs)
        assert ours.keys() == theirs.keys()
        assert ours["label"] == theirs["label"] and ours["text"] == theirs["text"]
        assert ours["spans"] == theirs["spans"]
        assert all(abs(ours["scores"][k] - theirs["scores"][k]) < 1e-3 for k in ours["scores"])
    assert (stats.sentences, stats.turns, stats.other_speakers) == \
        (local_stats.sentences, local_stats.turns, local_stats.other_speakers)


@pytest.mark.slow
def test_ray_writes_parquet_and_csv(tiny_model, tmp_path, local_ray):
    import pyarrow.parquet as pq

    score_with_ray(INPUTS[:2], tmp_path / "r.parquet", model=tiny_model, workers=1)
    table = pq.read_table(tmp_path / "r.parquet")
    assert {"label", "scores", "spans", "text"} <= set(table.column_names)
    score_with_ray(INPUTS[:2], tmp_path / "r.csv", model=tiny_model, workers=1)
    assert any(p.suffix == ".csv" for p in (tmp_path / "r.csv").iterdir())
