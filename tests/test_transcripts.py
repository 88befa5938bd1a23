"""Tests of the transcript readers: examples, detection, robustness, error routing, inputs."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import pickle
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures" / "transcripts"

if importlib.util.find_spec("ownership_clf") is None:  # package not installed: test the checkout
    sys.path.insert(0, str(ROOT / "src"))

from ownership_clf.transcripts import (  # noqa: E402
    FORMATS,
    SUPPORTED_EXTENSIONS,
    Columns,
    InputError,
    Turn,
    detect_format,
    expand_inputs,
    normalise_role,
    read_turns,
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def read(path: Path, fmt: str = "auto", **kwargs) -> list[Turn]:
    return list(read_turns(path, fmt, **kwargs))


def speakers(turns: list[Turn]) -> list[str]:
    return [turn.speaker for turn in turns]


def collect(path: Path, fmt: str = "auto", **kwargs) -> tuple[list[Turn], list[InputError]]:
    errors: list[InputError] = []
    turns = list(read_turns(path, fmt, on_error=errors.append, **kwargs))
    return turns, errors


# --- examples --------------------------------------------------------------------------------

EXAMPLE_FORMATS = {
    "chat_telecom.txt": "speaker-text",
    "agent_lines.txt": "text",
    "email_replies.csv": "csv",
    "social_replies.jsonl": "jsonl",
    "call_airline.vtt": "vtt",
    "call_bank.srt": "srt",
    "contact_lens_retail.json": "amazon",
    "call_analytics_insurance.json": "amazon",
    "ccai_delivery.json": "ccai",
    "ccai_chat_pharmacy.json": "ccai",
}
# file -> (turns, agent turns, customer turns)
EXAMPLE_COUNTS = {
    "chat_telecom.txt": (12, 7, 5),
    "agent_lines.txt": (11, 11, 0),
    "email_replies.csv": (10, 5, 5),
    "social_replies.jsonl": (11, 6, 5),
    "call_airline.vtt": (11, 6, 5),
    "call_bank.srt": (10, 6, 4),
    "contact_lens_retail.json": (11, 6, 5),
    "call_analytics_insurance.json": (12, 7, 5),
    "ccai_delivery.json": (11, 7, 4),
    "ccai_chat_pharmacy.json": (9, 5, 4),
}


@pytest.mark.parametrize("name", sorted(EXAMPLE_FORMATS))
def test_example_detected_and_read(name):
    path = EXAMPLES / name
    assert detect_format(path) == EXAMPLE_FORMATS[name]
    turns = read(path)
    total, agents, customers = EXAMPLE_COUNTS[name]
    assert len(turns) == total
    assert speakers(turns).count("agent") == agents
    assert speakers(turns).count("customer") == customers
    assert [turn.index for turn in turns] == list(range(total))
    assert all(turn.source == str(path) for turn in turns)
    assert all(turn.text == turn.text.strip() and turn.text for turn in turns)
    assert read(path, EXAMPLE_FORMATS[name]) == turns


def test_examples_cover_every_format():
    assert set(EXAMPLE_FORMATS.values()) == set(FORMATS)
    assert sorted(p.name for p in expand_inputs([EXAMPLES])) == sorted(EXAMPLE_FORMATS)


def test_example_speaker_text():
    turns = read(EXAMPLES / "chat_telecom.txt")
    first = turns[0]
    assert (first.speaker, first.agent_id, first.speaker_label) == ("agent", "Priya", "Agent (Priya)")
    assert first.start == 4.0 and first.line == 1
    assert first.text.startswith("Hi, you're through to Lumen Mobile support")
    # a line without a prefix continues the agent's turn
    bundle = turns[3]
    assert bundle.line == 4 and bundle.start == 62.0
    assert bundle.text.endswith("got back from Spain. I'll remove it now and refund the £38 to your"
                                " card myself, you don't need to do anything.")
    assert turns[4].line == 6 and turns[4].speaker == "customer" and turns[4].agent_id is None
    assert turns[10].text == "Fine. Thanks for sorting the bill anyway 👍"


def test_example_plain_lines():
    turns = read(EXAMPLES / "agent_lines.txt")
    assert {turn.speaker_label for turn in turns} == {None}
    assert [turn.line for turn in turns] == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]
    assert turns[1].text.startswith("That's on us")


def test_example_csv():
    turns = read(EXAMPLES / "email_replies.csv")
    assert [turn.line for turn in turns] == [2, 3, 9, 10, 11, 12, 13, 14, 15, 16]
    reply = turns[1]
    assert (reply.speaker, reply.agent_id, reply.speaker_label) == ("agent", "A-1107", "agent")
    assert reply.text.startswith("Hi Dana,\n\nThanks for sending the reading.")
    assert reply.text.endswith("Kind regards,\nTom")
    assert turns[0].agent_id is None
    assert {t.agent_id for t in turns if t.speaker == "agent"} == {"A-1107", "A-0932", "A-1204"}


def test_example_jsonl():
    turns = read(EXAMPLES / "social_replies.jsonl")
    assert [turn.line for turn in turns] == list(range(1, 12))
    assert turns[2].text == "Why is there no heating on the 18:10 to Leeds? Freezing 🥶🥶"
    assert turns[8].text.endswith("二重請求です")
    assert [t.agent_id for t in turns if t.speaker == "agent"] == [
        "SM-14", "SM-09", "SM-14", "SM-03", "SM-09", "SM-14"
    ]


def test_example_vtt():
    turns = read(EXAMPLES / "call_airline.vtt")
    first = turns[0]
    assert (first.speaker, first.agent_id, first.speaker_label) == ("agent", "Maria", "Agent Maria")
    assert (first.start, first.end, first.line) == (1.2, 6.8, 8)
    assert turns[1].speaker_label == "Customer" and turns[1].agent_id is None
    assert turns[2].text == ("I'm so sorry, I can see the cancellation. That must have been"
                             " really stressful, especially so late at night.")
    assert "tomorrow & I'm adding" in turns[5].text
    assert (turns[-1].start, turns[-1].end) == (65.3, 67.0)


def test_example_srt():
    turns = read(EXAMPLES / "call_bank.srt")
    assert (turns[0].start, turns[0].end, turns[0].line) == (0.5, 5.0, 2)
    assert turns[1].speaker_label == "Customer"
    assert turns[1].text == "My card was declined twice today and I'm in Berlin with no cash."
    assert turns[3].text == ("Our fraud system blocked it because of the foreign transaction. That's"
                             " our system being over-cautious, not anything you did, and I'm lifting"
                             " the block now.")
    assert turns[5].speaker_label == "Agent"


def test_example_amazon_contact_lens_and_call_analytics():
    lens = read(EXAMPLES / "contact_lens_retail.json")
    assert (lens[0].start, lens[0].speaker_label, lens[0].line) == (0.8, "AGENT", None)
    assert lens[0].agent_id is None  # ParticipantId "AGENT" names nobody
    analytics = read(EXAMPLES / "call_analytics_insurance.json")
    assert analytics[0].start == 1.5 and analytics[0].end == pytest.approx(4.47)
    assert speakers(analytics)[:4] == ["agent", "customer", "agent", "customer"]


def test_example_ccai():
    turns = read(EXAMPLES / "ccai_delivery.json")
    assert (turns[0].speaker, turns[0].speaker_label) == ("agent", "AUTOMATED_AGENT")
    assert turns[0].agent_id is None
    assert (turns[0].start, turns[0].end) == (0.4, pytest.approx(4.2))
    human = turns[3]
    assert (human.speaker, human.agent_id, human.speaker_label) == (
        "agent", "agent-ines-204", "HUMAN_AGENT"
    )
    assert turns[1].speaker_label == "END_USER" and turns[1].agent_id is None
    chat = read(EXAMPLES / "ccai_chat_pharmacy.json")
    assert [t.start for t in chat[:3]] == [0.0, 41.5, 83.0]
    assert chat[1].agent_id == "2" and chat[0].agent_id is None


# --- detection -------------------------------------------------------------------------------


def test_detect_txt_by_prefixes(tmp_path):
    assert detect_format(write(tmp_path, "a.txt", "Hello there\nHow can I help?\n")) == "text"
    assert detect_format(write(tmp_path, "b.txt", "Rep: hi\nCaller: hello\n")) == "speaker-text"
    # a minority of prefixed lines is not enough
    assert detect_format(write(tmp_path, "c.txt", "Agent: hi\nline\nline\n")) == "text"
    # unknown labels ("Sam:") do not count towards speaker-text
    assert detect_format(write(tmp_path, "d.txt", "Sam: hi\nJo: hey\n")) == "text"
    assert detect_format(write(tmp_path, "e.TXT", "")) == "text"


def test_detect_by_extension(tmp_path):
    for name, fmt in [("a.CSV", "csv"), ("a.tsv", "csv"), ("a.ndjson", "jsonl"),
                      ("a.jsonl", "jsonl"), ("a.vtt", "vtt"), ("a.srt", "srt")]:
        assert detect_format(write(tmp_path, name, "")) == fmt


def test_detect_json_kinds(tmp_path):
    amazon = write(tmp_path, "a.json", json.dumps({"Transcript": []}))
    ccai = write(tmp_path, "c.json", json.dumps({"entries": []}))
    lines = write(tmp_path, "l.json", '{"text": "hi"}\n{"text": "there"}\n')
    assert detect_format(amazon) == "amazon"
    assert detect_format(ccai) == "ccai"
    assert detect_format(lines) == "jsonl"
    assert [t.text for t in read(lines)] == ["hi", "there"]


def test_detect_unknown_json_and_extension(tmp_path):
    with pytest.raises(InputError, match="unknown JSON transcript format"):
        detect_format(write(tmp_path, "x.json", '{"foo": 1}'))
    with pytest.raises(InputError, match="plain Amazon Transcribe output"):
        read(write(tmp_path, "y.json", '{"results": {"transcripts": []}}'))
    path = write(tmp_path, "notes.docx", "Agent: hi")
    with pytest.raises(InputError, match="unsupported file type") as info:
        read(path)
    assert info.value.source == str(path)
    # an explicit format reads any extension
    assert read(path, "speaker-text")[0].text == "hi"


# --- speaker-text rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Agent", "agent"), ("REP", "agent"), ("representative", "agent"), ("Advisor", "agent"),
        ("adviser", "agent"), ("Associate", "agent"), ("support", "agent"), ("CSR", "agent"),
        ("Operator", "agent"), ("Customer Service", "agent"), ("HUMAN_AGENT", "agent"),
        ("Customer", "customer"), ("caller", "customer"), ("Client", "customer"),
        ("USER", "customer"), ("member", "customer"), ("Guest", "customer"),
        ("patient", "customer"), ("END_USER", "customer"),
        ("Sam", "unknown"), ("", "unknown"), (None, "unknown"), ("System", "unknown"),
    ],
)
def test_normalise_role(label, role):
    assert normalise_role(label) == role


@pytest.mark.parametrize(
    ("line", "speaker", "agent_id", "label", "start", "text"),
    [
        ("Agent: Hello", "agent", None, "Agent", None, "Hello"),
        ("agent:Hello", "agent", None, "agent", None, "Hello"),
        ("Sam:Hello", None, None, None, None, None),  # unknown label and no space: not a prefix
        ("Agent://x", None, None, None, None, None),
        ("Agent (Sam): Hello", "agent", "Sam", "Agent (Sam)", None, "Hello"),
        ("Agent - Sam: Hello", "agent", "Sam", "Agent - Sam", None, "Hello"),
        ("[Agent] Hello", "agent", None, "Agent", None, "Hello"),
        ("[Customer]: Hi", "customer", None, "Customer", None, "Hi"),
        ("[00:01:02] Agent: Hello", "agent", None, "Agent", 62.0, "Hello"),
        ("00:01:02 Caller: Hi", "customer", None, "Caller", 62.0, "Hi"),
        ("(01:02.5) REP: Hi", "agent", None, "REP", 62.5, "Hi"),
        ("Supervisor Jane: Hi", "agent", "Jane", "Supervisor Jane", None, "Hi"),
        ("Sam Smith: Hi", "unknown", None, "Sam Smith", None, "Hi"),
    ],
)
def test_speaker_prefix_forms(tmp_path, line, speaker, agent_id, label, start, text):
    path = write(tmp_path, "t.txt", f"Customer: first\n{line}\n")
    turns = read(path, "speaker-text")
    if speaker is None:  # continues the customer's turn
        assert len(turns) == 1 and turns[0].text == f"first {line}"
        return
    turn = turns[1]
    assert (turn.speaker, turn.agent_id, turn.speaker_label, turn.start, turn.text, turn.line) == (
        speaker, agent_id, label, start, text, 2
    )


def test_speaker_text_continuations_and_unknown_start(tmp_path):
    content = (
        "Thanks for holding.\n"
        "\n"
        "Agent: Let me check.\n"
        "Note: the refund takes 5 days.\n"
        "See https://example.com/refunds for details.\n"
        "[inaudible] and 10:30 works.\n"
        "Customer: ok\n"
    )
    turns = read(write(tmp_path, "t.txt", content), "speaker-text")
    assert speakers(turns) == ["unknown", "agent", "customer"]
    assert turns[0].text == "Thanks for holding." and turns[0].line == 1
    assert turns[1].text == (
        "Let me check. Note: the refund takes 5 days. See https://example.com/refunds for"
        " details. [inaudible] and 10:30 works."
    )
    assert (turns[1].line, turns[2].line) == (3, 7)


def test_speaker_text_empty_prefix_takes_next_lines(tmp_path):
    turns = read(write(tmp_path, "t.txt", "Agent:\n  Hello   there  \nCustomer:\n"), "speaker-text")
    assert [(t.speaker, t.text) for t in turns] == [("agent", "Hello   there")]


# --- csv / jsonl rules -----------------------------------------------------------------------


def test_csv_without_speaker_column_is_all_agent(tmp_path):
    path = write(tmp_path, "a.csv", "id,text\n1,Hello\n2,\"Sure, I can help\"\n")
    turns = read(path)
    assert [(t.speaker, t.text, t.speaker_label) for t in turns] == [
        ("agent", "Hello", None), ("agent", "Sure, I can help", None)
    ]


def test_csv_tsv_and_semicolon_sniffing(tmp_path):
    tsv = write(tmp_path, "a.tsv", "speaker\ttext\nagent\tHi, there\ncustomer\tHello\n")
    semi = write(tmp_path, "b.csv", "speaker;text\nagent;Hi, there\n")
    tab_in_csv = write(tmp_path, "c.csv", "speaker\ttext\nrep\tHi\n")
    assert [(t.speaker, t.text) for t in read(tsv)] == [("agent", "Hi, there"),
                                                       ("customer", "Hello")]
    assert read(semi)[0].text == "Hi, there"
    assert read(tab_in_csv)[0].speaker == "agent"


def test_csv_custom_columns_aliases_and_times(tmp_path):
    path = write(
        tmp_path,
        "a.csv",
        "Role,Message,Agent,Begin,Finish\nAgent (Kim),Hi,,1.5,00:00:03.25\ncaller,Yo,,,\n",
    )
    columns = Columns(text="message", speaker="role", agent_id="agent", start="begin", end="finish")
    turns = read(path, columns=columns)
    assert (turns[0].speaker, turns[0].agent_id, turns[0].start, turns[0].end) == (
        "agent", "Kim", 1.5, 3.25
    )
    assert (turns[1].speaker, turns[1].start) == ("customer", None)
    # the configured speaker column is absent but "role" is there: use it, not "all agent"
    aliased = read(path, columns=Columns(text="Message", speaker="who"))
    assert speakers(aliased) == ["agent", "customer"]


def test_csv_bad_rows(tmp_path):
    path = write(
        tmp_path,
        "a.csv",
        "speaker,text\n"
        "agent,fine\n"
        "agent,\n"  # line 3: missing text value
        "agent,one,two\n"  # line 4: extra field
        ",\n"  # blank row: skipped silently
        "agent,\"multi\nline\"\n"  # line 6-7
        "agent,   \n"  # line 8: whitespace-only text
        "agent,last\n",
    )
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.line == 3 and "missing text value" in str(info.value)
    turns, errors = collect(path)
    assert [(t.text, t.line, t.index) for t in turns] == [
        ("fine", 2, 0), ("multi\nline", 6, 1), ("last", 9, 2)
    ]
    assert [e.line for e in errors] == [3, 4, 8]
    assert "header has 2" in errors[1].message


def test_csv_blank_lines_before_header(tmp_path):
    turns = read(write(tmp_path, "a.csv", "\n  \r\nspeaker,text\n\nagent,hi\n"))
    assert [(t.text, t.line) for t in turns] == [("hi", 5)]


def test_csv_stray_quotes_are_errors_not_merged_rows(tmp_path):
    path = write(tmp_path, "a.csv", 'speaker,text\nagent,"a"b\nagent,ok\ncustomer,"open\nagent,x\n')
    turns, errors = collect(path)
    assert [t.text for t in turns] == ["ok"]
    assert [e.line for e in errors] == [2, 4]
    assert "unexpected end of data" in errors[1].message


def test_csv_without_text_column(tmp_path):
    with pytest.raises(InputError, match="no 'text' column") as info:
        read(write(tmp_path, "a.csv", "speaker,message\nagent,hi\n"))
    assert info.value.line == 1


def test_jsonl_rules(tmp_path):
    lines = [
        {"text": "no speaker field is an agent"},
        {"speaker": "Customer", "text": "hello", "start": "2.5", "end": 3},
        {"speaker": None, "text": "null speaker"},
        {"speaker": "agent", "agent_id": 42, "text": "id as number"},
    ]
    path = write(tmp_path, "a.jsonl", "\n".join(json.dumps(x) for x in lines))
    turns = read(path)
    assert speakers(turns) == ["agent", "customer", "unknown", "agent"]
    assert (turns[1].start, turns[1].end) == (2.5, 3.0)
    assert turns[3].agent_id == "42"


def test_jsonl_bad_lines_with_on_error(tmp_path):
    path = write(
        tmp_path,
        "a.jsonl",
        '{"speaker": "agent", "text": "one"}\n'
        '{"speaker": "agent", "text": "two"\n'  # line 2: malformed
        "\n"
        '["not", "an", "object"]\n'  # line 4
        '{"speaker": "agent"}\n'  # line 5: no text
        '{"speaker": "agent", "text": 7}\n'  # line 6
        '{"speaker": "agent", "text": "ok", "start": "soon"}\n'  # line 7: bad time
        '{"speaker": "customer", "text": "three"}\n',
    )
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.line == 2 and "not valid JSON" in info.value.message
    turns, errors = collect(path)
    assert [(t.text, t.index, t.line) for t in turns] == [("one", 0, 1), ("three", 1, 8)]
    assert [e.line for e in errors] == [2, 4, 5, 6, 7]
    assert all(e.source == str(path) for e in errors)


def test_on_error_that_raises_is_called_once(tmp_path):
    path = write(tmp_path, "a.jsonl", '{"text": "a"}\n{bad\n{"text": "b"}\n')
    calls = []

    def stop(error):
        calls.append(error)
        raise InputError(error.source, "too many errors", error.line)

    with pytest.raises(InputError, match="too many errors"):
        read(path, on_error=stop)
    assert len(calls) == 1


# --- robustness, every format ----------------------------------------------------------------

LINE_EXTS = [".txt", ".csv", ".tsv", ".jsonl", ".ndjson"]
ALL_EXTS = sorted(SUPPORTED_EXTENSIONS)


@pytest.mark.parametrize("ext", ALL_EXTS)
@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \r\n"])
def test_empty_files_give_no_turns(tmp_path, ext, content):
    assert read(write(tmp_path, f"empty{ext}", content)) == []


def _sample(ext: str, texts: list[str], crlf: bool = False, bom: bool = False) -> bytes:
    """A file of the given type holding agent turns with these texts."""
    if ext in (".txt",):
        body = "".join(f"Agent: {t}\n" for t in texts)
    elif ext in (".csv", ".tsv"):
        sep = "\t" if ext == ".tsv" else ","
        buffer = io.StringIO()
        # every field quoted, so texts holding CR or LF survive whatever the line ends
        end = "\r\n" if crlf else "\n"
        writer = csv.writer(buffer, delimiter=sep, lineterminator=end, quoting=csv.QUOTE_ALL)
        writer.writerow(["speaker", "text"])
        writer.writerows(["agent", t] for t in texts)
        return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")
    elif ext in (".jsonl", ".ndjson"):
        body = "".join(json.dumps({"speaker": "agent", "text": t}, ensure_ascii=False) + "\n"
                       for t in texts)
    elif ext == ".vtt":
        body = "WEBVTT\n\n" + "".join(
            f"00:00:{i:02d}.000 --> 00:00:{i:02d}.500\n<v Agent>{t}\n\n" for i, t in enumerate(texts)
        )
    elif ext == ".srt":
        body = "".join(
            f"{i + 1}\n00:00:{i:02d},000 --> 00:00:{i:02d},500\nAgent: {t}\n\n"
            for i, t in enumerate(texts)
        )
    else:
        body = json.dumps(
            {"Transcript": [{"ParticipantRole": "AGENT", "Content": t} for t in texts]},
            ensure_ascii=False,
        )
    if crlf:
        body = body.replace("\n", "\r\n")
    data = body.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.mark.parametrize("ext", ALL_EXTS)
def test_bom_crlf_blank_lines_long_and_unicode_texts(tmp_path, ext):
    long_turn = " ".join(f"word{i}" for i in range(5000))
    texts = [
        "Sorry  about that —  I'll fix it",
        "真的很抱歉，我马上处理 🙏🏽 — مرحبا بك — Привет — नमस्ते",
        long_turn,
        "👨‍👩‍👧 family plan ✅",
    ]
    for crlf in (False, True):
        path = write(tmp_path, f"f{ext}", _sample(ext, texts, crlf=crlf, bom=True))
        turns = read(path)
        assert [t.text for t in turns] == texts
        assert speakers(turns) == ["agent"] * 4


@pytest.mark.parametrize(
    ("ext", "content", "line"),
    [
        (".txt", b"Agent: fine\nAgent: caf\xe9\nAgent: ok\n", 2),
        (".csv", b"speaker,text\nagent,fine\nagent,caf\xe9\n", 3),
        (".jsonl", b'{"text": "fine"}\n{"text": "caf\xe9"}\n', 2),
        (".json", b'{"Transcript": [\n{"ParticipantRole": "AGENT",\n "Content": "caf\xe9"}]}', 3),
        (".vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\ncaf\xe9\n", 4),
        (".srt", b"1\n00:00:00,000 --> 00:00:01,000\n\xff\xfe\n", 3),
    ],
)
def test_non_utf8_bytes_name_file_and_line(tmp_path, ext, content, line):
    path = write(tmp_path, f"bad{ext}", content)
    with pytest.raises(InputError, match="not valid UTF-8") as info:
        read(path)
    assert (info.value.source, info.value.line) == (str(path), line)
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_non_utf8_line_skipped_with_on_error(tmp_path):
    path = write(tmp_path, "bad.txt", b"one\ntw\xf0o\nthree\n")
    turns, errors = collect(path)
    assert [(t.text, t.line) for t in turns] == [("one", 1), ("three", 3)]
    assert [e.line for e in errors] == [2]


def test_utf16_file_is_refused_clearly(tmp_path):
    path = write(tmp_path, "a.txt", "Agent: hi\n".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        read(path)


def test_malformed_json_document_has_json_line(tmp_path):
    path = write(tmp_path, "a.json", '{\n  "Transcript": [\n    {"Content": "hi",}\n  ]\n}\n')
    with pytest.raises(InputError, match="not valid JSON") as info:
        read(path)
    assert info.value.line == 3
    turns, errors = collect(path)
    assert turns == [] and [e.line for e in errors] == [3]


def test_amazon_record_errors_name_index(tmp_path):
    doc = {
        "Participants": [{"ParticipantId": "a-77", "ParticipantRole": "AGENT"},
                         {"ParticipantId": "c-1", "ParticipantRole": "CUSTOMER"}],
        "Transcript": [
            {"ParticipantId": "a-77", "Content": "Hi", "BeginOffsetMillis": 1200},
            {"ParticipantId": "c-1", "BeginOffsetMillis": 2000},
            {"ParticipantId": "c-1", "Content": "Hello", "BeginOffsetMillis": -5},
            {"ParticipantId": "c-1", "Content": "Bye"},
        ],
    }
    path = write(tmp_path, "a.json", json.dumps(doc))
    with pytest.raises(InputError, match=r"Transcript\[1\] has no 'Content'") as info:
        read(path)
    assert info.value.line is None and str(info.value).startswith(f"{path}: ")
    turns, errors = collect(path)
    assert [(t.speaker, t.text, t.agent_id, t.start) for t in turns] == [
        ("agent", "Hi", "a-77", 1.2), ("customer", "Bye", None, None)
    ]
    assert len(errors) == 2 and "Transcript[2]" in errors[1].message


def test_ccai_variants_and_errors(tmp_path):
    doc = {
        "agentId": "ag-9",
        "callMetadata": {"agentChannel": 1, "customerChannel": 2},
        "transcript": {"transcriptSegments": [
            {"text": "Hi", "channelTag": 1, "words": [{"startOffset": {"seconds": 1, "nanos": 5e8},
                                                         "endOffset": "2s"}]},
            {"text": "Yo", "channelTag": 2},
            {"channelTag": 1},
            {"text": "Bot here", "segmentParticipant": {"role": "AUTOMATED_AGENT"}},
        ]},
    }
    path = write(tmp_path, "c.json", json.dumps(doc))
    turns, errors = collect(path)
    assert [(t.speaker, t.agent_id, t.start, t.end, t.speaker_label) for t in turns] == [
        ("agent", "ag-9", 1.5, 2.0, "AGENT"),
        ("customer", None, None, None, "CUSTOMER"),
        ("agent", None, None, None, "AUTOMATED_AGENT"),
    ]
    assert [e.message for e in errors] == ["transcript.transcriptSegments[2] has no 'text'"]
    with pytest.raises(InputError, match="not a CCAI"):
        read(write(tmp_path, "d.json", json.dumps({"Transcript": []})), "ccai")


def test_vtt_malformed_cue_is_reported_not_dropped(tmp_path):
    content = (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:02.000\n<v Agent>First\n\n"
        "00:75:01.000 --> 00:75:02.000\n<v Agent>Bad minutes\n\n"  # line 6
        "00:00:05.000 --> 00:00:06.000\nCustomer: Third\n"
    )
    path = write(tmp_path, "a.vtt", content)
    with pytest.raises(InputError, match="cue could not be parsed") as info:
        read(path)
    assert info.value.line == 6
    turns, errors = collect(path)
    assert [(t.speaker, t.text, t.line) for t in turns] == [
        ("agent", "First", 3), ("customer", "Third", 9)
    ]
    assert [e.line for e in errors] == [6]


def test_vtt_text_cut_off_by_blank_line_is_reported(tmp_path):
    content = (
        "WEBVTT\n\nNOTE a comment\n\n"
        "00:01.000 --> 00:02.000\n<v Agent>I'll refund it\n\n"
        "myself today.\n\n"  # line 8: dropped by webvtt-py
        "00:03.000 --> 00:04.000\n<v Customer>Thanks\n"
    )
    path = write(tmp_path, "a.vtt", content)
    turns, errors = collect(path)
    assert [t.text for t in turns] == ["I'll refund it", "Thanks"]
    assert [(e.line, "outside any cue" in e.message) for e in errors] == [(8, True)]


def test_vtt_without_header_and_multi_voice_cue(tmp_path):
    with pytest.raises(InputError, match="WEBVTT") as info:
        read(write(tmp_path, "a.vtt", "00:00.000 --> 00:01.000\nhi\n"))
    assert info.value.line == 1
    cue = "WEBVTT\n\n00:01.000 --> 00:03.000\n<v Rep>Can I help?</v>\n<v.loud Caller>Yes!\n"
    turns = read(write(tmp_path, "b.vtt", cue))
    assert [(t.speaker, t.text, t.start) for t in turns] == [
        ("agent", "Can I help?", 1.0), ("customer", "Yes!", 1.0)
    ]


def test_srt_unreadable_blocks_are_reported_and_skipped(tmp_path):
    content = (
        "\n\nhello world\n\n"  # line 3: text before the first block
        "1\n00:00:00,000 --> 00:00:01,000\nAgent: hi\n\n"
        "2\n00:00:0x,000 --> 00:00:03,000\nAgent: bad time\n\n"  # line 9
        "3\n00:00:04,000 --> 00:00:05,000\nCustomer: ok\n"
    )
    path = write(tmp_path, "a.srt", content)
    with pytest.raises(InputError, match="malformed SRT block: 'hello world'") as info:
        read(path)
    assert info.value.line == 3
    turns, errors = collect(path)
    assert [(t.text, t.line, t.index) for t in turns] == [("hi", 6, 0), ("ok", 14, 1)]
    assert [e.line for e in errors] == [3, 9]
    # text after a block, even past a blank line, belongs to the block (nothing dropped)
    turns = read(write(tmp_path, "b.srt", "1\n00:00:01,000 --> 00:00:02,000\nNo speaker\n\nmore\n"))
    assert [(t.speaker, t.text, t.speaker_label) for t in turns] == [
        ("unknown", "No speaker more", None)
    ]


def test_missing_file_folder_and_unknown_format(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "nope.txt")
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    with pytest.raises(InputError, match="folder"):
        read(folder)
    with pytest.raises(InputError, match="unknown format 'docx'"):
        read(write(tmp_path, "a.txt", "hi"), "docx")
    errors: list[InputError] = []
    assert list(read_turns(tmp_path / "nope.csv", on_error=errors.append)) == []
    assert len(errors) == 1


def test_input_error_is_one_line_and_pickles():
    error = InputError("calls/a.csv", "bad\nthing\r\n here", 7)
    assert str(error) == "calls/a.csv:7: bad thing here"
    assert str(InputError("a.json", "oops")) == "a.json: oops"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.source, copy.line, copy.message, str(copy)) == (
        error.source, 7, error.message, str(error)
    )


def test_fixture_files(tmp_path):
    """Hand-made awkward files kept in tests/fixtures/transcripts."""
    turns = read(FIXTURES / "mixed_labels.txt")
    assert speakers(turns) == ["agent", "customer", "agent", "unknown", "agent", "customer"]
    assert turns[2].agent_id == "Ana" and turns[3].speaker_label == "QA Observer"
    with pytest.raises(InputError, match="UTF-8") as info:
        read(FIXTURES / "latin1.csv")
    assert info.value.line == 3


# --- expand_inputs ---------------------------------------------------------------------------


def test_expand_inputs_folders_globs_and_errors(tmp_path):
    for name in ["b/2.csv", "b/1.txt", "a.vtt", "notes.md", ".hidden/x.txt", "b/.x.txt",
                 "c/deep/er/z.JSON"]:
        write(tmp_path, name, "x")
    (tmp_path / "empty").mkdir()
    assert expand_inputs([tmp_path]) == [
        tmp_path / "a.vtt", tmp_path / "b" / "1.txt", tmp_path / "b" / "2.csv",
        tmp_path / "c" / "deep" / "er" / "z.JSON",
    ]
    assert expand_inputs([str(tmp_path / "b" / "*.csv"), tmp_path / "a.vtt",
                          tmp_path / "b"]) == [
        tmp_path / "b" / "2.csv", tmp_path / "a.vtt", tmp_path / "b" / "1.txt"
    ]
    assert expand_inputs([str(tmp_path / "**" / "*.txt")]) == [tmp_path / "b" / "1.txt"]
    assert expand_inputs([tmp_path / "notes.md"]) == [tmp_path / "notes.md"]  # named explicitly
    with pytest.raises(InputError, match="no such file or folder"):
        expand_inputs([tmp_path / "missing.csv"])
    with pytest.raises(InputError, match="no files match"):
        expand_inputs([str(tmp_path / "*.srt")])
    with pytest.raises(InputError, match="no transcript files"):
        expand_inputs([str(tmp_path / "*.md")])
    with pytest.raises(InputError, match="folder holds no transcript files") as info:
        expand_inputs([tmp_path / "empty"])
    assert info.value.source == str(tmp_path / "empty")


# --- properties ------------------------------------------------------------------------------

ROLES = ("agent", "customer", "unknown")
PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# One line of text: anything but the line terminators (and a BOM, which only marks a file start).
line_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\ufeff"), max_size=40
)
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@pytest.mark.parametrize("fmt", ["text", "speaker-text"])
@PROPERTY_SETTINGS
@given(texts=st.lists(line_text, max_size=8), roles=st.lists(st.booleans(), max_size=8))
def test_property_line_formats_keep_every_text(tmp_path, fmt, texts, roles):
    roles = roles or [True]
    labels = ["Agent" if roles[i % len(roles)] else "Customer" for i in range(len(texts))]
    if fmt == "text":
        body = "".join(f"{t}\n" for t in texts)
    else:
        body = "".join(f"{label}: {t}\n" for label, t in zip(labels, texts, strict=True))
    path = write(tmp_path, "p.txt", body)
    turns = read(path, fmt)
    kept = [(label, t.strip()) for label, t in zip(labels, texts, strict=True) if t.strip()]
    assert [t.text for t in turns] == [text for _, text in kept]
    expected_roles = ["agent"] * len(kept) if fmt == "text" else [lbl.lower() for lbl, _ in kept]
    assert speakers(turns) == expected_roles
    assert [t.index for t in turns] == list(range(len(turns)))


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@PROPERTY_SETTINGS
@given(texts=st.lists(any_text.filter(str.strip), max_size=8))
def test_property_tabular_formats_keep_every_text(tmp_path, fmt, texts):
    ext = ".csv" if fmt == "csv" else ".jsonl"
    path = write(tmp_path, f"p{ext}", _sample(ext, texts))
    turns = read(path)
    assert [t.text for t in turns] == [t.strip() for t in texts]
    assert speakers(turns) == ["agent"] * len(texts)


SEEDS = {ext: _sample(ext, ["Hi there", "Sure, I'll help: 5 days"]) for ext in ALL_EXTS}
SEEDS[".json"] = (EXAMPLES / "ccai_chat_pharmacy.json").read_bytes()[:700] + b"]}"
SEEDS[".txt"] = b"[00:00:01] Agent (Sam): Hi\nCustomer: Hello\nmore\n"
SPICE = [b"\n", b"\r\n", b"\r", b"-->", b":", b'"', b"{", b"}", b"[", b",", b"\t", b"\xff",
         b"\xef\xbb\xbf", b"<v ", b">", b"null", b"-1", b"1e999", b"00:99:99.999", b"\x00"]


@st.composite
def damaged(draw, ext: str) -> bytes:
    """Random bytes, or a valid file of the type with a few bytes inserted, removed or changed."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    data = bytearray(SEEDS[ext])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        chunk = draw(st.one_of(st.sampled_from(SPICE), st.binary(min_size=1, max_size=3)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert":
            data[at:at] = chunk
        elif action == "delete":
            del data[at:at + len(chunk)]
        else:
            data[at:at + len(chunk)] = chunk
    return bytes(data)


@pytest.mark.parametrize("ext", ALL_EXTS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_property_damaged_files_only_raise_input_error(tmp_path, ext, data):
    path = write(tmp_path, f"junk{ext}", data.draw(damaged(ext)))
    for fmt in ("auto", *FORMATS):
        try:
            turns = read(path, fmt)
        except InputError as error:
            assert "\n" not in str(error) and error.source == str(path)
        else:
            assert all(isinstance(t, Turn) and t.text and t.speaker in ROLES for t in turns)
            assert [t.index for t in turns] == list(range(len(turns)))
