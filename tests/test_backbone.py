"""The default encoder is all-MiniLM-L6-v2 converted exactly into DistilBERT."""

import torch
from transformers import BertModel, DistilBertModel, DistilBertTokenizerFast

from ownership_clf.backbone import minilm_dir, resolve_base_model

SENTENCES = [
    "That's on us, I'll get a replacement out to you today.",
    "the courier marked it delivered but it never arrived",
    "It's company policy, there's nothing I can do about it.",
    "sry abt that!! not my dept tho, u need 2 call billing",
]


def test_converted_encoder_matches_the_original_bert():
    path = resolve_base_model()
    tokenizer = DistilBertTokenizerFast.from_pretrained(path)
    batch = tokenizer(SENTENCES, padding=True, return_tensors="pt")
    assert tokenizer.unk_token_id not in batch["input_ids"][0].tolist()
    bert = BertModel.from_pretrained(minilm_dir()).eval()
    distil = DistilBertModel.from_pretrained(path).eval()
    with torch.no_grad():
        expected = bert(**batch).last_hidden_state
        got = distil(input_ids=batch["input_ids"],
                     attention_mask=batch["attention_mask"]).last_hidden_state
    mask = batch["attention_mask"].bool()
    assert (expected - got)[mask].abs().max().item() < 1e-4
    assert distil.config.dim == 384 and distil.config.n_layers == 6


def test_directories_and_hub_ids_pass_through(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    assert resolve_base_model(str(tmp_path)) == str(tmp_path)
    assert resolve_base_model("distilbert-base-uncased") == "distilbert-base-uncased"
