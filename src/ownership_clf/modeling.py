"""The classifier: DistilBERT for sequence classification plus a token-level cue head.

The directory a model is saved to stays a plain Hugging Face sequence-classification
model (so `pipeline("text-classification", model=DIR)` loads it); the cue head and our
own record sit beside it in `span_head.safetensors` and `ownership_clf.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoTokenizer, DistilBertForSequenceClassification
from transformers.utils import logging as hf_logging

SPAN_HEAD_FILE = "span_head.safetensors"
RECORD_FILE = "ownership_clf.json"


class ModelDirectoryError(Exception):
    """A model directory is missing, incomplete or unreadable; the message says what."""


@dataclass
class JointOutput:
    loss: torch.Tensor | None
    logits: torch.Tensor
    span_logits: torch.Tensor | None


class OwnershipModel(nn.Module):
    """Sequence classifier and cue-token head on one shared encoder."""

    def __init__(self, classifier: DistilBertForSequenceClassification, with_span_head: bool,
                 class_weights: torch.Tensor | None = None, span_loss_weight: float = 1.0):
        super().__init__()
        self.classifier = classifier
        dim = classifier.config.dim
        self.span_head = nn.Linear(dim, 1) if with_span_head else None
        self.span_dropout = nn.Dropout(classifier.config.dropout)
        self.span_loss_weight = span_loss_weight
        self.register_buffer("class_weights", class_weights, persistent=False)

    @property
    def config(self):
        return self.classifier.config

    def forward(self, input_ids, attention_mask, labels=None, span_labels=None, span_mask=None,
                **_: Any) -> dict[str, torch.Tensor]:
        encoder = self.classifier.distilbert
        hidden = encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pooled = hidden[:, 0]
        pooled = self.classifier.dropout(torch.relu(self.classifier.pre_classifier(pooled)))
        logits = self.classifier.classifier(pooled)
        out: dict[str, torch.Tensor] = {"logits": logits}
        span_logits = None
        if self.span_head is not None:
            span_logits = self.span_head(self.span_dropout(hidden)).squeeze(-1)
            out["span_logits"] = span_logits
        if labels is not None:
            weights = cast(torch.Tensor | None, self.class_weights)
            weight = None if weights is None else weights.float()
            loss = nn.functional.cross_entropy(logits.float(), labels, weight=weight)
            if span_logits is not None and span_labels is not None and span_mask is not None:
                mask = span_mask.float()
                if mask.sum() > 0:
                    token_loss = nn.functional.binary_cross_entropy_with_logits(
                        span_logits.float(), span_labels.float(), reduction="none"
                    )
                    loss = loss + self.span_loss_weight * (token_loss * mask).sum() / mask.sum()
            out["loss"] = loss
        return out

    def save(self, directory: str | Path, tokenizer, record: dict[str, Any],
             dtype: torch.dtype = torch.float16) -> None:
        """Write the HF files, the cue head and the record.

        Weights are stored in half precision: half the size in git, and scores change
        far less than the run-to-run noise of training (measured in the model card).
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        classifier = cast(Any, self.classifier)  # PreTrainedModel.to's stubs reject dtypes
        classifier.to(dtype).save_pretrained(directory)
        classifier.to(torch.float32)
        # Loaders that honour the config's dtype (pipeline, from_pretrained with "auto")
        # should compute in float32, whatever precision the weights are stored in.
        config_file = directory / "config.json"
        config = json.loads(config_file.read_text())
        config["dtype"] = "float32"
        config_file.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
        tokenizer.save_pretrained(directory)
        if self.span_head is not None:
            head = {k: v.detach().to(torch.float32).contiguous()
                    for k, v in self.span_head.state_dict().items()}
            save_file(head, str(directory / SPAN_HEAD_FILE))
        (directory / RECORD_FILE).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


def load_model(directory: str | Path) -> tuple[OwnershipModel, Any, dict[str, Any]]:
    """Load a saved model directory in float32; raise ModelDirectoryError naming what is wrong."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ModelDirectoryError(f"model directory {directory} does not exist")
    for required in ("config.json", "model.safetensors"):
        if not (directory / required).exists():
            raise ModelDirectoryError(f"model directory {directory} has no {required}")
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    try:
        classifier = DistilBertForSequenceClassification.from_pretrained(
            directory, dtype=torch.float32
        )
        tokenizer = AutoTokenizer.from_pretrained(directory)
    except Exception as error:  # transformers raises many kinds; the user needs one message
        raise ModelDirectoryError(f"model directory {directory} could not be loaded: {error}") from error
    record: dict[str, Any] = {}
    if (directory / RECORD_FILE).exists():
        try:
            record = json.loads((directory / RECORD_FILE).read_text())
        except json.JSONDecodeError as error:
            raise ModelDirectoryError(f"{directory / RECORD_FILE} is not valid JSON: {error}") from error
    has_head = (directory / SPAN_HEAD_FILE).exists()
    if record.get("span_head") and not has_head:
        raise ModelDirectoryError(f"model directory {directory} has no {SPAN_HEAD_FILE}")
    model = OwnershipModel(classifier, with_span_head=has_head)
    if model.span_head is not None:
        try:
            model.span_head.load_state_dict(load_file(str(directory / SPAN_HEAD_FILE)))
        except Exception as error:
            raise ModelDirectoryError(f"{directory / SPAN_HEAD_FILE} is corrupt: {error}") from error
    model.eval()
    return model, tokenizer, record
