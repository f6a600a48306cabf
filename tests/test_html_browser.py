"""The HTML report opened in a real headless browser (Debian's chromium).

--dump-dom prints the DOM after the page's script ran, so the test sees what a person's
browser builds: the sorted table, the SVG chart and the highlighted evidence.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from tests.conftest import EXAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium; .ci/run installs it)"
)


def _chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


class _Page(HTMLParser):
    """The parts of the rendered DOM the test checks."""

    def __init__(self):
        super().__init__()
        self.table_state = None
        self.rows: list[str] = []  # sources, in displayed order
        self.bars: dict[str, int] = {}
        self.marks: list[str] = []
        self._in_row = self._in_link = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "answers-table":
            self.table_state = attrs.get("data-sortable")
        elif tag == "tr" and "data-order" in attrs:
            self._in_row = True
        elif tag == "a" and self._in_row:
            self._in_link = True
        elif tag == "rect" and attrs.get("class") == "bar":
            self.bars[attrs["data-band"]] = int(attrs["data-count"])
        elif tag == "mark":
            self.marks.append(attrs.get("class", ""))

    def handle_endtag(self, tag):
        if tag == "tr":
            self._in_row = False
        elif tag == "a":
            self._in_link = False

    def handle_data(self, data):
        if self._in_link and data.strip():
            self.rows.append(data.strip())


@pytest.fixture
def report(run_coach, tmp_path):
    # In this process (~50 ms) rather than a child (~400 ms): the browser is what is tested.
    out = tmp_path / "report.html"
    result = run_coach("critique", "--offline", "-o", str(out), "examples")
    assert result.returncode == 0, result.stderr
    scores = [int(m) for m in re.findall(r'class="num score" data-value="(\d+)"', out.read_text(encoding="utf-8"))]
    return out, scores


def test_rendered_page_shows_the_sorted_table_the_chart_and_highlighted_evidence(report, tmp_path):
    out, scores = report
    result = _chromium(tmp_path, "--dump-dom", f"{out.as_uri()}#sort=-score")
    assert result.returncode == 0, result.stderr[-2000:]
    page = _Page()
    page.feed(result.stdout)
    # The table's script ran and sorted the rows by score, highest first.
    assert page.table_state == "ready"
    count = len(list(EXAMPLES.iterdir()))
    assert len(page.rows) == count
    shown = re.findall(r'class="num score" data-value="(\d+)"', result.stdout)
    assert [int(s) for s in shown] == sorted(scores, reverse=True)
    # The chart: one bar per score band, counting every answer.
    assert len(page.bars) == 10 and sum(page.bars.values()) == count
    # Highlighted evidence: STAR parts, fillers (rambling.txt) and negative sentences (negative-boss.txt).
    kinds = {kind for classes in page.marks for kind in classes.split()}
    assert {"hl-situation", "hl-action", "hl-result", "hl-filler", "hl-negativity"} <= kinds


def test_rendered_page_paints_a_screenshot(report, tmp_path):
    out, _ = report
    shot = tmp_path / "report.png"
    result = _chromium(tmp_path, "--window-size=1200,2000", f"--screenshot={shot}", out.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 2000)
    assert len(data) > 50_000  # text, colours and the chart; a page saying only "hello" is about 12 KB


def test_the_progress_page_renders_its_chart_and_tables(run_coach, tmp_path):
    env = {"COACH_DATA_DIR": str(tmp_path / "data")}
    for text in ("I am a hard worker.", "Last spring I rebuilt the van rota. Overtime fell by a third within a month."):
        done = run_coach("practice", "--question", "Tell me about a process you improved.", "--offline", stdin=text, env=env)
        assert done.returncode == 0, done.stderr
    out = tmp_path / "progress.html"
    assert run_coach("progress", "--format", "html", "-o", str(out), env=env).returncode == 0
    result = _chromium(tmp_path, "--dump-dom", out.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert dom.count('class="point"') == 2 and 'id="criteria"' in dom and 'id="weakest"' in dom
    assert re.search(r"<polyline points=\"[\d.]+,[\d.]+ [\d.]+,[\d.]+ \"", dom)
