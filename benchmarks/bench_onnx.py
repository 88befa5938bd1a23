"""Would an ONNX Runtime backend beat the torch path on this CPU? (`make bench-onnx`)

Exports the shipped classifier (without the cue head) to ONNX, optionally quantises it to
int8 (dynamic), and times ONNX Runtime against `Classifier` (fp32 and bf16) on the same
sentences with the same length-sorted batches. Prints sentences/s and label agreement
with torch fp32. The README reports the outcome.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]


class LogitsOnly(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids=input_ids, attention_mask=attention_mask)["logits"]


def main() -> None:
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from ownership_clf import Classifier

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--model", default=str(ROOT / "models" / "ownership-clf-minilm"))
    args = parser.parse_args()
    texts = [json.loads(x)["text"] for x in (ROOT / "data" / "test.jsonl").open()]
    texts = (texts * (args.n // len(texts) + 1))[: args.n]

    results = {}
    reference = None
    for precision in ("fp32", "bf16"):
        clf = Classifier.load(args.model, precision=precision)
        clf.predict(texts[:64], spans=False)
        start = time.perf_counter()
        labels = [p.label for p in clf.predict(texts, spans=False)]
        results[f"torch {precision}"] = (len(texts) / (time.perf_counter() - start), labels)
        reference = reference or labels

    clf = Classifier.load(args.model, precision="fp32")
    with tempfile.TemporaryDirectory() as folder:
        fp32_path = Path(folder) / "model.onnx"
        example = clf.tokenizer(["a short example sentence"], return_tensors="pt")
        torch.onnx.export(LogitsOnly(clf.model), (example["input_ids"], example["attention_mask"]),
                          str(fp32_path), input_names=["input_ids", "attention_mask"],
                          output_names=["logits"], opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                        "attention_mask": {0: "batch", 1: "tokens"}})
        int8_path = Path(folder) / "model.int8.onnx"
        quantize_dynamic(str(fp32_path), str(int8_path), weight_type=QuantType.QInt8)
        encoding = clf._encode(texts)
        for name, path in (("onnxruntime fp32", fp32_path), ("onnxruntime int8", int8_path)):
            options = ort.SessionOptions()
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            predicted = np.zeros(len(texts), dtype=np.int64)
            start = time.perf_counter()
            for rows, batch in clf._batches(encoding, 64):
                logits = session.run(None, {k: v.numpy() for k, v in batch.items()})[0]
                predicted[rows] = logits.argmax(-1)
            seconds = time.perf_counter() - start
            results[name] = (len(texts) / seconds, [clf.labels[i] for i in predicted])

    base = results["torch bf16"][0]
    print(f"{len(texts)} sentences, batch 64, length-sorted")
    print(f"{'backend':<20}{'sent/s':>8}{'vs torch bf16':>15}{'agree fp32':>12}")
    for name, (speed, labels) in results.items():
        agree = sum(a == b for a, b in zip(labels, reference, strict=True)) / len(labels)
        print(f"{name:<20}{speed:>8.0f}{speed / base:>14.2f}x{agree:>11.2%}")


if __name__ == "__main__":
    main()
