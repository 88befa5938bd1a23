"""Build data/{train,validation,test}.jsonl from the hand-written rows in data/raw/.

Cue phrases become character offsets (first occurrence). Exact duplicates are dropped;
near-duplicates (word-trigram Jaccard >= 0.5) are grouped and every group goes to one
split, so no split can be solved by memorising a sibling of its rows. Splits are about
80/10/10 per label. Deterministic: the same raw files give the same splits.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from ownership_clf.data import near_duplicate_pairs, normalise  # noqa: E402

SPLITS = {"train": 0.8, "validation": 0.1, "test": 0.1}
GROUP_THRESHOLD = 0.5
SEED = 13
# Writers named some industries differently; one name each.
INDUSTRY_NAMES = {"video_games": "gaming", "electronics": "consumer_electronics",
                  "retail_banking": "banking", "gym_membership": "fitness",
                  "property": "property_management", "broadband": "telecom",
                  "mobile_network": "telecom", "cable_tv": "telecom", "energy": "utilities",
                  "water": "utilities"}


def load_raw(raw_dir: Path) -> list[dict]:
    rows, seen, dropped = [], set(), 0
    for path in sorted(raw_dir.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            text = row["text"].strip()
            key = normalise(text)
            if key in seen or not key:
                dropped += 1
                continue
            seen.add(key)
            spans = []
            for cue in row.get("cues", []):
                start = text.find(cue)
                if start < 0:
                    raise SystemExit(f"{path}:{number}: cue {cue!r} not in text")
                spans.append([start, start + len(cue)])
            rows.append({
                "id": "u" + hashlib.sha1(text.encode()).hexdigest()[:10],
                "text": text, "label": row["label"], "spans": sorted(spans),
                "channel": row["channel"],
                "industry": INDUSTRY_NAMES.get(row["industry"], row["industry"]),
                "hard_cases": sorted(set(row.get("hard_cases", []))),
                "source": path.stem,
            })
    print(f"{len(rows)} rows read, {dropped} exact duplicates dropped")
    return rows


def groups_of(rows: list[dict]) -> list[list[int]]:
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _ in near_duplicate_pairs([r["text"] for r in rows], GROUP_THRESHOLD):
        parent[find(i)] = find(j)
    members: dict[int, list[int]] = {}
    for i in range(len(rows)):
        members.setdefault(find(i), []).append(i)
    return sorted(members.values())


def assign(rows: list[dict], groups: list[list[int]]) -> dict[str, list[dict]]:
    rng = random.Random(SEED)
    rng.shuffle(groups)
    totals = Counter(r["label"] for r in rows)
    have: dict[str, Counter] = {name: Counter() for name in SPLITS}
    out: dict[str, list[dict]] = {name: [] for name in SPLITS}
    for group in groups:
        label = Counter(rows[i]["label"] for i in group).most_common(1)[0][0]
        deficit = {name: SPLITS[name] * totals[label] - have[name][label] for name in SPLITS}
        name = max(deficit, key=lambda n: deficit[n])
        for i in group:
            have[name][rows[i]["label"]] += 1
            out[name].append(rows[i])
    return out


def main() -> None:
    rows = load_raw(ROOT / "data" / "raw")
    groups = groups_of(rows)
    print(f"{len(groups)} groups ({sum(len(g) > 1 for g in groups)} with near-duplicates)")
    for name, split in assign(rows, groups).items():
        path = ROOT / "data" / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for row in split:
                row = {k: v for k, v in row.items() if k != "source"}
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{path.relative_to(ROOT)}: {len(split)} rows", dict(Counter(r['label'] for r in split)))


if __name__ == "__main__":
    main()
