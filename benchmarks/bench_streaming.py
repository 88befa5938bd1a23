"""Streaming check: `ownership-clf score` over 200,000 agent sentences.

Writes a JSONL transcript archive (agent and customer turns drawn from data/), runs the
CLI on it in a child process, samples its resident memory and the rows already on disk
once a second, and prints sentences/s, peak RSS, RSS in the first and last quarter (flat
memory means these match), and how many rows were on disk after the first minute.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]


def make_archive(folder: Path, sentences: int, files: int) -> None:
    texts = [json.loads(x)["text"] for s in ("train", "validation", "test")
             for x in (ROOT / "data" / f"{s}.jsonl").read_text().splitlines()]
    rng = random.Random(0)
    per_file = sentences // files
    for n in range(files):
        with (folder / f"calls_{n:03d}.jsonl").open("w") as handle:
            for i in range(per_file):
                handle.write(json.dumps({"text": rng.choice(texts).replace("\n", " "),
                                         "speaker": "agent", "agent_id": f"a{i % 40}"}) + "\n")
                if i % 3 == 0:
                    handle.write(json.dumps({"text": "ok thanks", "speaker": "customer"}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_archive(folder, args.sentences, args.files)
        out = folder / "rows.jsonl"
        journal = folder / "rows.jsonl.partial"
        command = [str(Path(sys.executable).parent / "ownership-clf"), "score",
                   *sorted(str(p) for p in folder.glob("calls_*.jsonl")), "-o", str(out),
                   "--no-progress"]
        start = time.perf_counter()
        child = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        samples: list[tuple[float, float, int]] = []
        while child.poll() is None:
            try:
                rss = child.memory_info().rss / 2**20
            except psutil.NoSuchProcess:
                break
            on_disk = sum(1 for _ in journal.open()) if journal.exists() else 0
            samples.append((time.perf_counter() - start, rss, on_disk))
            time.sleep(1)
        seconds = time.perf_counter() - start
        stderr = child.stderr.read().decode()
        if child.returncode != 0:
            raise SystemExit(stderr)
        rows = sum(1 for _ in out.open())
    quarter = max(1, len(samples) // 4)
    first = statistics.median(s[1] for s in samples[quarter:2 * quarter] or samples)
    last = statistics.median(s[1] for s in samples[-quarter:])
    minute = max((s[2] for s in samples if s[0] <= 60), default=0)
    print(stderr.strip())
    print(f"\n{rows} rows in {seconds:.0f} s: {rows / seconds:.0f} sentences/s end to end")
    print(f"peak RSS {max(s[1] for s in samples):.0f} MB; median RSS second quarter "
          f"{first:.0f} MB, last quarter {last:.0f} MB")
    print(f"rows on disk after the first minute: {minute}")


if __name__ == "__main__":
    main()
