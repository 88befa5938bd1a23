"""A self-contained HTML report: every transcript with agent sentences coloured by label,
cue words marked, and a chart of label rates per transcript (matplotlib, inline SVG).
"""

from __future__ import annotations

import html
import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .inference import Classifier, TurnPrediction
from .labels import colour_map
from .transcripts import Columns, InputError, Turn, expand_inputs, read_turns


def rate_chart(rates: dict[str, Counter[str]], labels: Sequence[str],
               colours: dict[str, str]) -> str:
    """Horizontal stacked bars of label shares per transcript, as an SVG string."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(rates)
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(names) + 1.4))
    left = [0.0] * len(names)
    for label in labels:
        shares = [rates[n][label] / max(1, sum(rates[n].values())) for n in names]
        ax.barh(names, shares, left=left, color=colours[label], label=label)
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of agent sentences")
    ax.invert_yaxis()
    ax.legend(ncol=min(5, len(labels)), loc="upper center", bbox_to_anchor=(0.5, -0.35 / max(
        1, len(names) ** 0.5)), frameon=False, fontsize=8)
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.find("<svg"):]


def render_sentence(text: str, start: int, end: int, prediction, colours) -> str:
    """A sentence as a coloured span, its cues (turn offsets) wrapped in <mark>."""
    pieces, cursor = [], start
    for span in sorted(prediction.spans, key=lambda s: s.start):
        if span.start < cursor:
            continue
        pieces.append(html.escape(text[cursor:span.start]))
        pieces.append(f'<mark title="cue: {html.escape(span.label)} {span.score:.2f}">'
                      f"{html.escape(text[span.start:span.end])}</mark>")
        cursor = span.end
    pieces.append(html.escape(text[cursor:end]))
    label = prediction.label
    return (f'<span class="s" style="--c:{colours[label]}" data-label="{html.escape(label)}" '
            f'title="{html.escape(label)} {prediction.score:.2f}">{"".join(pieces)}</span>')


def render_turn(turn: Turn, prediction: TurnPrediction | None, colours) -> str:
    who = html.escape(turn.speaker_label or turn.speaker)
    if prediction is None:
        body = html.escape(turn.text)
    else:
        parts, cursor = [], 0
        for s in prediction.sentences:
            parts.append(html.escape(turn.text[cursor:s.start]))
            parts.append(render_sentence(turn.text, s.start, s.end, s, colours))
            cursor = s.end
        parts.append(html.escape(turn.text[cursor:]))
        body = "".join(parts)
    return (f'<div class="turn {html.escape(turn.speaker)}"><span class="who">{who}</span>'
            f'<span class="said">{body}</span></div>')


STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222}
h1{font-size:1.5rem} h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}
.turn{display:flex;gap:.75rem;padding:.2rem 0}.who{min-width:7rem;color:#666;font-size:.85rem}
.turn.customer .said{color:#555;font-style:italic}
.s{border-bottom:3px solid var(--c);background:color-mix(in srgb,var(--c) 12%,white);
padding:0 2px;margin-right:2px}
mark{background:color-mix(in srgb,var(--c) 35%,white);font-weight:600;padding:0 1px}
.legend span{display:inline-block;margin-right:1rem}
.legend i{display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;vertical-align:-2px}
.counts{color:#666;font-size:.85rem}
"""


def build_report(classifier: Classifier, inputs: Sequence[str], output: str | Path,
                 fmt: str = "auto", skip_bad: bool = False, columns: Columns | None = None,
                 title: str = "ownership-clf report") -> Path:
    """Score the agent turns of each transcript and write one HTML page."""
    colours = colour_map(classifier.labels)
    skipped: list[InputError] = []
    sections, rates = [], {}
    for path in expand_inputs(inputs):
        turns = list(read_turns(path, fmt, columns=columns or Columns(),
                                on_error=skipped.append if skip_bad else None))
        agent = [t for t in turns if t.speaker == "agent" and t.text.strip()]
        predictions = dict(zip((t.index for t in agent),
                               classifier.predict_turns([t.text for t in agent]), strict=True))
        counts: Counter[str] = Counter(s.label for p in predictions.values() for s in p.sentences)
        rates[path.name] = counts
        total = sum(counts.values())
        summary = ", ".join(f"{label} {counts[label]}" for label in classifier.labels)
        body = "\n".join(render_turn(t, predictions.get(t.index), colours) for t in turns)
        sections.append(f'<section><h2>{html.escape(str(path))}</h2>'
                        f'<p class="counts">{total} agent sentences: {summary}</p>{body}</section>')
    legend = "".join(f'<span><i style="background:{c}"></i>{html.escape(label)}</span>'
                     for label, c in colours.items())
    problems = "".join(f"<li>{html.escape(str(e))}</li>" for e in skipped)
    page = (f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style><h1>{html.escape(title)}</h1>"
            f'<p class="legend">{legend}</p>'
            f'<div class="chart">{rate_chart(rates, classifier.labels, colours) if rates else ""}'
            f"</div>"
            + (f"<h2>Skipped rows</h2><ul>{problems}</ul>" if skipped else "")
            + "".join(sections) + "</html>")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(output.name + ".tmp")
    temporary.write_text(page, encoding="utf-8")
    temporary.replace(output)
    return output


__all__ = ["build_report", "InputError"]
