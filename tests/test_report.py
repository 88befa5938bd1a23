"""The HTML report: self-contained, every agent sentence coloured, and it renders in a
real headless browser (Debian's chromium)."""

import re
import shutil
import subprocess

import pytest

from ownership_clf.inference import Classifier
from ownership_clf.report import build_report
from ownership_clf.transcripts import read_turns
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def page(tiny_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    build_report(Classifier.load(tiny_model), [str(ROOT / "examples")], out)
    return out


def test_report_is_self_contained_and_marks_every_agent_sentence(page):
    text = page.read_text()
    assert "<svg" in text
    # nothing is fetched: no external scripts, styles, images or fonts
    assert not re.search(r'(src|href)="https?:|url\(https?:|<link|<script src', text)
    agent_turns = sum(1 for path in (ROOT / "examples").iterdir()
                      for t in read_turns(path) if t.speaker == "agent" and t.text.strip())
    assert text.count('class="turn agent"') == agent_turns
    assert len(re.findall(r'<span class="s"', text)) >= agent_turns


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(chromium() is None, reason="Debian's chromium is not installed here")
def test_report_renders_in_headless_chromium(page, tmp_path):
    shot = tmp_path / "shot.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run([chromium(), *flags, "--window-size=1200,1600", f"--screenshot={shot}",
                    page.as_uri()], check=True, capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000  # a blank page is a few KB
    dom = subprocess.run([chromium(), *flags, "--dump-dom", page.as_uri()], check=True,
                         capture_output=True, timeout=120, text=True).stdout
    assert 'class="turn agent"' in dom and "<svg" in dom
