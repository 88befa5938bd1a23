"""Shared fixtures: real data samples and a tiny randomly initialised DistilBERT."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def sample_rows(split: str, per_label: int, seed: int = 0) -> list[dict]:
    rows = [json.loads(line) for line in (DATA / f"{split}.jsonl").read_text().splitlines()]
    rng = random.Random(seed)
    rng.shuffle(rows)
    picked: dict[str, list[dict]] = {}
    for row in rows:
        bucket = picked.setdefault(row["label"], [])
        if len(bucket) < per_label:
            bucket.append(row)
    return [r for bucket in picked.values() for r in bucket]


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    """A 2-layer DistilBERT (dim 32) with the real MiniLM vocabulary: trains in seconds."""
    import torch
    from transformers import DistilBertConfig, DistilBertModel, DistilBertTokenizerFast

    from ownership_clf.backbone import minilm_dir

    target = tmp_path_factory.mktemp("tiny-distilbert")
    torch.manual_seed(0)
    config = DistilBertConfig(vocab_size=30522, dim=32, n_layers=2, n_heads=2, hidden_dim=64,
                              max_position_embeddings=128)
    DistilBertModel(config).save_pretrained(target)
    DistilBertTokenizerFast.from_pretrained(minilm_dir()).save_pretrained(target)
    return target


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tiny-data")
    return (write_jsonl(folder / "train.jsonl", sample_rows("train", 16)),
            write_jsonl(folder / "validation.jsonl", sample_rows("validation", 6)))


@pytest.fixture(scope="session")
def tiny_model(tiny_base, tiny_data, tmp_path_factory) -> Path:
    """A tiny model trained with cue spans (2 epochs): exercises every code path fast."""
    from ownership_clf.training import TrainConfig, train

    output = tmp_path_factory.mktemp("tiny-model")
    train(tiny_data[0], output, tiny_data[1],
          TrainConfig(base_model=str(tiny_base), epochs=2, batch_size=16, learning_rate=1e-3,
                      min_per_label=2),
          progress=False, log=lambda _: None)
    return output
