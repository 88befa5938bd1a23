"""Scoring on Ray Data, for archives that outgrow one machine.

Files are read with Ray's binary reader, parsed by our own readers and split into
sentences in `flat_map`, scored by `RayScorer` (a callable class, so each worker loads
the model once) in `map_batches`, and written with Ray's writers. The rows are the same
as the local engine's; OUT is a folder of part files, as Ray writes it.
"""

from __future__ import annotations

import functools
import json
import tempfile
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from .outputs import OUTPUT_SUFFIXES, OutputError, csv_cell
from .scoring import ScoreStats, prediction_fields, sentence_fields
from .transcripts import Columns, InputError, expand_inputs, read_turns

SENTENCE_COLUMNS = ("source", "turn", "sentence", "speaker", "agent_id", "start", "end",
                    "char_start", "char_end", "text")
TALLIES = ("turns", "scored_turns", "other_speakers", "unknown_speakers", "empty_turns")


def parse_file(row: dict[str, Any], sources: dict[str, str], fmt: str, speaker: str,
               columns: Columns, skip_bad: bool) -> list[dict[str, Any]]:
    """One file's bytes -> its sentence rows, plus one row with the file's tallies."""
    path = row["path"]
    source = sources.get(path, path)
    stats = ScoreStats(files=1)
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / f"input{Path(source).suffix}"
        local.write_bytes(row["bytes"])
        try:
            for turn in read_turns(local, fmt, columns=columns, on_error=(
                    (lambda e: stats.skipped.append(str(InputError(source, e.message, e.line))))
                    if skip_bad else None)):
                turn = replace(turn, source=source)
                if stats.count(turn, speaker):
                    out.extend({"kind": "sentence", "tally": "", **fields}
                               for fields in sentence_fields(turn))
        except InputError as error:  # name the user's file, not our temporary copy
            raise InputError(source, error.message, error.line) from None
    blank = dict.fromkeys(SENTENCE_COLUMNS)
    out.append({"kind": "stats", "tally": json.dumps(asdict(stats)), **blank})
    return out


class RayScorer:
    """Loaded once per Ray worker; scores a batch of sentence rows."""

    def __init__(self, model: str | None, batch_size: int):
        from .inference import Classifier

        self.classifier = Classifier.load(model)
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        texts = [str(t) for t in batch["text"]]
        predictions = self.classifier.predict(texts, batch_size=self.batch_size)
        scored = [prediction_fields(p) for p in predictions]
        out = {key: list(batch[key]) for key in batch}
        for key in ("label", "score", "scores", "spans"):
            out[key] = [row[key] for row in scored]
        return out


def _for_csv(batch: dict[str, Any]) -> dict[str, Any]:
    batch["scores"] = [csv_cell(v) for v in batch["scores"]]
    batch["spans"] = [csv_cell(list(v)) for v in batch["spans"]]  # Ray hands over arrays
    return batch


def score_with_ray(inputs, output: str | Path, model: str | Path | None = None,
                   fmt: str = "auto", speaker: str = "agent", columns: Columns | None = None,
                   skip_bad: bool = False, batch_size: int = 64, address: str | None = None,
                   workers: int | None = None) -> ScoreStats:
    """Score inputs on a Ray cluster (or a local Ray) into the folder OUT."""
    try:
        import ray
    except ImportError as error:
        raise ValueError("--engine ray needs Ray: pip install 'ownership-clf[ray]'") from error
    output = Path(output)
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise OutputError(f"{output}: output must end in {', '.join(OUTPUT_SUFFIXES)} "
                          "(with --engine ray it becomes a folder of parts)")
    sources = {str(p.resolve()): str(p) for p in expand_inputs(inputs)}
    ray.init(address=address, ignore_reinit_error=True, log_to_driver=False,
             include_dashboard=False)
    files = ray.data.read_binary_files(list(sources), include_paths=True)
    parse = functools.partial(parse_file, sources=sources, fmt=fmt, speaker=speaker,
                              columns=columns or Columns(), skip_bad=skip_bad)
    rows = files.flat_map(parse).materialize()  # parse fully before actors take the CPUs
    stats = ScoreStats()
    for row in rows.filter(lambda r: r["kind"] == "stats").take_all():
        tally = json.loads(row["tally"])
        stats.files += 1
        for key in TALLIES:
            setattr(stats, key, getattr(stats, key) + tally[key])
        stats.skipped += tally["skipped"]
    sentences = rows.filter(lambda r: r["kind"] == "sentence").drop_columns(["kind", "tally"])
    stats.sentences = sentences.count()
    if stats.sentences == 0:
        raise InputError(", ".join(map(str, inputs)), "no agent speech to score")
    cpus = float(ray.cluster_resources().get("CPU", 1))
    size = workers or max(1, int(cpus) - 1)
    # Each scorer is a long-lived actor. If the actors reserved every CPU, the tasks that
    # feed and write them could never be scheduled and the job would hang; so the
    # scorers together reserve at most all CPUs but one (torch still uses every core).
    actor_cpus = min(1.0, max(0.1, (cpus - 1) / size)) if cpus > 1 else 0.5
    scored = sentences.map_batches(RayScorer, fn_constructor_args=(str(model) if model else None,
                                                                   batch_size),
                                   batch_size=1024, concurrency=size, num_cpus=actor_cpus)
    suffix = output.suffix.lower()
    if suffix == ".jsonl":
        scored.write_json(str(output))
    elif suffix == ".csv":
        scored.map_batches(_for_csv).write_csv(str(output))
    else:
        scored.write_parquet(str(output))
    return stats
