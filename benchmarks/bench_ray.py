"""Ray Data scoring against the local engine on this machine (`make bench-ray`).

Scores the same JSONL archive (data/ sentences as agent turns) with `--engine local` and
with Ray Data on 1 and 2 workers, and prints sentences/s for each. On a 2-core machine
Ray's own processes compete with its workers, so the point here is that it runs the same
rows; the speed-up comes from adding machines.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    import ray

    from ownership_clf.distributed import score_with_ray
    from ownership_clf.inference import Classifier
    from ownership_clf.scoring import score_files

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=20_000)
    args = parser.parse_args()
    texts = [json.loads(x)["text"] for x in (ROOT / "data" / "train.jsonl").open()]
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for part in range(4):
            with (folder / f"archive_{part}.jsonl").open("w") as handle:
                for _ in range(args.sentences // 4):
                    handle.write(json.dumps({"text": rng.choice(texts)}) + "\n")
        inputs = [str(folder)]
        start = time.perf_counter()
        stats, _ = score_files(Classifier.load(), inputs, folder / "local.jsonl",
                               progress=False)
        results = {"local engine": stats.sentences / (time.perf_counter() - start)}
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        for workers in (1, 2):
            start = time.perf_counter()
            stats = score_with_ray(inputs, folder / f"ray{workers}.jsonl", workers=workers)
            results[f"ray, {workers} worker(s)"] = stats.sentences / (time.perf_counter() - start)
        ray.shutdown()
    for name, speed in results.items():
        print(f"{name:<20}{speed:8.0f} sentences/s")


if __name__ == "__main__":
    main()
