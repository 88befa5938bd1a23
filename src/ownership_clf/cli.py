"""The `ownership-clf` command line. Thin: it parses, calls the library, prints.

A user's mistake (a missing file, a bad row, an unknown label) ends with a one-line
message and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .labels import colour_map

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Score how contact-centre agents talk to customers.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def user_errors(command):
    """Turn the library's user-facing errors into one line on stderr and exit code 2."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from .data import DataError
        from .modeling import ModelDirectoryError
        from .outputs import OutputError
        from .transcripts import InputError

        try:
            return command(*args, **kwargs)
        except DataError as error:
            for problem in error.problems:
                err.print(str(problem), markup=False, highlight=False)
            err.print(f"[red]error:[/red] {len(error.problems)} problem(s) in the data")
            raise typer.Exit(1) from None
        except (InputError, ModelDirectoryError, OutputError, FileNotFoundError,
                ValueError) as error:
            err.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
            raise typer.Exit(2) from None
    return wrapper


def load_classifier(model: Path | None, precision: str = "auto"):
    from .inference import Classifier

    return Classifier.load(model, precision=precision)


ModelOption = Annotated[Path | None, typer.Option("--model", "-m",
                        help="Model directory (default: the shipped model).")]


def highlighted(text: str, spans, colour: str) -> Text:
    rendered = Text(text)
    for span in spans:
        rendered.stylize(f"bold underline {colour}", span.start, span.end)
    return rendered


@app.command()
@user_errors
def predict(texts: Annotated[list[str], typer.Argument(help="Sentences to score.")],
            model: ModelOption = None,
            as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False):
    """Score sentences: label, score, and the cue words highlighted."""
    classifier = load_classifier(model)
    predictions = classifier.predict(list(texts))
    if as_json:
        for p in predictions:
            out.print_json(json.dumps({
                "text": p.text, "label": p.label, "score": p.score, "scores": p.scores,
                "spans": [{"start": s.start, "end": s.end, "text": s.text, "label": s.label,
                           "score": s.score} for s in p.spans]}))
        return
    colours = colour_map(classifier.labels)
    for p in predictions:
        out.print(Text.assemble((f"{p.label:<19}", f"bold {colours[p.label]}"),
                                f"{p.score:5.2f}  ", highlighted(p.text, p.spans, colours[p.label])))


class Speaker(str, Enum):
    agent = "agent"
    all = "all"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


FORMAT_HELP = "auto, text, speaker-text, csv, jsonl, vtt, srt, amazon, ccai"


@app.command()
@user_errors
def score(inputs: Annotated[list[str], typer.Argument(help="Files, folders or glob patterns.")],
          output: Annotated[Path, typer.Option("--output", "-o",
                            help="Rows out: .jsonl, .csv or .parquet.")],
          fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "auto",
          speaker: Annotated[Speaker, typer.Option(help="Score agent speech only, or all.")]
          = Speaker.agent,
          model: ModelOption = None,
          summary: Annotated[Path | None, typer.Option(help="Per-transcript/agent summary CSV.")]
          = None,
          text_column: Annotated[str, typer.Option(help="CSV/JSONL text column.")] = "text",
          speaker_column: Annotated[str, typer.Option(help="CSV/JSONL speaker column.")]
          = "speaker",
          agent_column: Annotated[str, typer.Option(help="CSV/JSONL agent id column.")]
          = "agent_id",
          skip_bad: Annotated[bool, typer.Option("--skip-bad",
                              help="Go on past bad rows; report them.")] = False,
          resume: Annotated[bool, typer.Option("--resume",
                            help="Continue an interrupted run into the same output.")] = False,
          batch_size: Annotated[int, typer.Option(help="Sentences per batch.")] = 64,
          engine: Annotated[Engine, typer.Option(help="local, or ray (Ray Data).")]
          = Engine.local,
          address: Annotated[str | None, typer.Option(help="Ray cluster address.")] = None,
          progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True):
    """Score transcript files: one row per agent sentence, with label, scores and cues."""
    from .scoring import score_files
    from .transcripts import FORMATS, Columns, expand_inputs

    if fmt != "auto" and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {FORMAT_HELP}")
    columns = Columns(text=text_column, speaker=speaker_column, agent_id=agent_column)
    if engine is Engine.ray:
        from .distributed import score_with_ray

        if summary or resume:  # refuse rather than silently ignore
            raise ValueError("--summary and --resume work with --engine local only")

        stats = score_with_ray(inputs, output, model=model, fmt=fmt, speaker=speaker.value,
                               columns=columns, skip_bad=skip_bad, batch_size=batch_size,
                               address=address)
        for line in stats.lines():
            err.print(line, highlight=False)
        return
    expand_inputs(inputs)  # fail on a bad path before spending time loading the model
    classifier = load_classifier(model)
    stats, totals = score_files(classifier, inputs, output, fmt=fmt, speaker=speaker.value,
                                columns=columns, skip_bad=skip_bad, resume=resume,
                                batch_size=batch_size, progress=progress, summary_path=summary)
    for line in stats.lines():
        err.print(line, highlight=False)
    table = Table(title=f"Label rates per transcript ({output})")
    table.add_column("transcript")
    table.add_column("sentences", justify="right")
    colours = colour_map(classifier.labels)
    for label in classifier.labels:
        table.add_column(label.replace("_", " "), justify="right", style=colours[label])
    for row in totals.table():
        if row["scope"] == "transcript":
            table.add_row(Path(row["name"]).name, str(row["sentences"]),
                          *(f"{row[f'{x}_rate']:.0%}" for x in classifier.labels))
    Console(width=max(out.width, 120)).print(table)  # never squeeze the rates to "…"


@app.command()
@user_errors
def report(inputs: Annotated[list[str], typer.Argument(help="Files, folders or glob patterns.")],
           output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")],
           fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "auto",
           model: ModelOption = None,
           skip_bad: Annotated[bool, typer.Option("--skip-bad")] = False):
    """One self-contained HTML page: transcripts coloured by label, cues marked, a chart."""
    from .report import build_report

    classifier = load_classifier(model)
    path = build_report(classifier, inputs, output, fmt=fmt, skip_bad=skip_bad)
    out.print(f"report written to {path}")


@app.command("validate-data")
@user_errors
def validate_data(files: Annotated[list[Path], typer.Argument(help="JSONL/CSV data files.")],
                  labels: Annotated[str | None, typer.Option(
                      help="Comma-separated valid labels (default: the model's, with --model; "
                           "else any).")] = None,
                  model: Annotated[Path | None, typer.Option(
                      help="Check labels against this model's.")] = None,
                  min_per_label: Annotated[int | None, typer.Option(
                      help="Require at least this many rows per label in each file.")] = None):
    """Check labelled data: schema, labels, spans, duplicates, leakage between files."""
    from .data import validate_files

    valid: list[str] | None = None
    if labels:
        valid = [x.strip() for x in labels.split(",") if x.strip()]
    elif model:
        valid = list(load_classifier(model).labels)
    examples, problems = validate_files(files, labels=valid, min_per_label=min_per_label)
    for problem in problems:
        err.print(str(problem), markup=False, highlight=False)
    rows = sum(len(v) for v in examples.values())
    if problems:
        err.print(f"[red]{len(problems)} problem(s)[/red] in {len(files)} file(s), {rows} rows")
        raise typer.Exit(1)
    out.print(f"ok: {len(files)} file(s), {rows} rows, no problems")


@app.command()
@user_errors
def train(data: Annotated[Path, typer.Option("--data", help="Training data, JSONL or CSV.")],
          output: Annotated[Path, typer.Option("--output", "-o", help="Model directory.")],
          validation: Annotated[Path | None, typer.Option(
              help="Validation data (default: 10% held out from --data).")] = None,
          base_model: Annotated[str | None, typer.Option(
              help="'minilm' (bundled), a DistilBERT directory, or a hub id.")] = None,
          config: Annotated[Path | None, typer.Option(help="JSON training config.")] = None,
          epochs: Annotated[int | None, typer.Option()] = None,
          seed: Annotated[int | None, typer.Option()] = None,
          learning_rate: Annotated[float | None, typer.Option()] = None,
          batch_size: Annotated[int | None, typer.Option()] = None,
          progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True):
    """Fine-tune a classifier on your own labelled data (labels come from the data)."""
    from .training import TrainConfig
    from .training import train as run_training

    settings = TrainConfig.from_file(config, base_model=base_model, epochs=epochs, seed=seed,
                                     learning_rate=learning_rate, batch_size=batch_size)
    record = run_training(data, output, validation, settings, progress=progress,
                          log=lambda line: err.print(line, highlight=False))
    if "validation" in record:  # only the main process of a multi-process run writes
        out.print(f"model written to {output}: labels {', '.join(record['labels'])}; "
                  f"validation macro-F1 {record['validation']['macro_f1']:.4f}")


@app.command()
@user_errors
def evaluate(data: Annotated[Path, typer.Option("--data", help="Labelled JSONL or CSV.")],
             model: ModelOption = None,
             as_json: Annotated[Path | None, typer.Option("--json", help="Write metrics here.")]
             = None,
             plot: Annotated[Path | None, typer.Option(
                 help="Confusion-matrix PNG (default: next to --json, or confusion.png).")]
             = None):
    """Per-label precision/recall/F1, macro-F1, confusion matrix, span F1."""
    from .data import read_examples
    from .evaluation import evaluate_classifier, format_report, plot_confusion, write_json

    classifier = load_classifier(model)
    report_data = evaluate_classifier(classifier, read_examples(data), progress=True)
    out.print(format_report(report_data), highlight=False)
    png = plot or (as_json.with_suffix(".png") if as_json else Path("confusion.png"))
    plot_confusion(report_data, png)
    out.print(f"confusion matrix plot: {png}")
    if as_json:
        write_json(report_data, as_json)
        out.print(f"metrics: {as_json}")


def main() -> None:  # pragma: no cover - console entry point alias
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
