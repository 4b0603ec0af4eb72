"""The questionnaire end to end: the real Streamlit server on localhost, driven in Debian's
headless Chromium through Playwright. A screenshot of every step is saved under
``test-artifacts/browser/`` to be looked at, not only asserted on.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from advisor.scaffold.answers import read_answers

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 60  # seconds for the server to answer its health check
BUDGET = 25  # seconds for the check: small, yet enough for both families on 2 busy cores
STEP_TIMEOUT = 60_000  # milliseconds for a step's content to appear (the check: more)
RECONNECT_SECONDS = 1  # server.disconnectedSessionTTL: how long an ended session's files stay

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    tmp: Path  # the server's temporary folder, where the session folders are made

    def session_folders(self) -> set[Path]:
        return set(self.tmp.glob("advisor-session-*"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``streamlit run app.py`` on a free localhost port, its temporary files in a folder
    of its own and a 1 s reconnect window (so ended sessions are freed quickly)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path_factory.mktemp("server-tmp")
    port = _free_port()
    log = (ARTIFACTS / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.disconnectedSessionTTL",
            str(RECONNECT_SECONDS),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp)},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start; see {ARTIFACTS / 'server.log'}")
            time.sleep(0.3)
        yield Server(url=url, tmp=tmp)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def page(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh user-data-dir for every test
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 1600},
            accept_downloads=True,
        )
        try:
            tab = context.new_page()
            tab.set_default_timeout(STEP_TIMEOUT)
            tab.goto(server.url)
            yield tab
        finally:
            context.close()


def _settle(page) -> None:
    """Wait until the script run an action started has finished and the page redrawn."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    page.wait_for_timeout(300)


def _shot(page, name: str) -> None:
    _settle(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _next(page) -> None:
    page.get_by_role("button", name="Next →").click()
    _settle(page)


def _set_slider(page, value: int) -> None:
    """Move the only slider to ``value`` with the keyboard, one checked step at a time
    (a key pressed while the app reruns can be lost)."""
    thumb = page.get_by_test_id("stSliderThumbValue")
    page.get_by_role("slider").focus()
    page.keyboard.press("Home")
    _settle(page)
    for _ in range(3 * value):
        now = int(thumb.inner_text())
        if now == value:
            return
        page.get_by_role("slider").focus()
        if value - now >= 10:
            page.keyboard.press("PageUp")  # ten steps at once, where the slider supports it
        else:
            page.keyboard.press("ArrowRight" if now < value else "ArrowLeft")
        _settle(page)
    assert int(thumb.inner_text()) == value


def test_questions_to_check_to_downloaded_project(page, tmp_path):
    # 1. The problem: answers are radio buttons and checkboxes built from the vocabulary.
    page.get_by_text("What the model predicts").wait_for()
    page.get_by_text("complex", exact=True).click()
    page.get_by_text("People must be able to read how the model decides.").click()
    _shot(page, "1-problem")
    _next(page)

    # 2. The data: a file that is not a table is refused in one line; then an example.
    page.get_by_text("Upload a file").click()
    _settle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "garbage.csv", "mimeType": "text/csv", "buffer": bytes(range(256)) * 8}]
    )
    page.get_by_text("garbage.csv").first.wait_for()
    _settle(page)
    page.get_by_role("button", name="Read this file").click()
    page.get_by_text("Could not read garbage.csv as CSV (it holds binary data)").wait_for()
    _shot(page, "2a-bad-upload")
    page.get_by_text("A bundled example").click()
    _settle(page)
    page.get_by_role("button", name="Use this example").click()
    page.get_by_text("What advisor read from the breast_cancer example").wait_for()
    page.get_by_text("Minority share").wait_for()
    _shot(page, "2-data")
    _next(page)

    # 3. The recommendation: a verdict, ranked candidates, the rules that fired.
    page.get_by_text("Candidates, best first").wait_for()
    page.get_by_text("rule(s) fired").wait_for()
    assert page.get_by_text("Source:").count() >= 1
    _shot(page, "3-recommendation")
    _next(page)

    # 4. The check: the smallest budget, then the leaderboard and the downloads.
    _set_slider(page, BUDGET)
    page.get_by_role("button", name="Run the check").click()
    page.get_by_role("button", name="Download the HTML report").wait_for(timeout=120_000)
    assert page.get_by_text("Leaderboard").count() == 1
    _shot(page, "4-check")
    with page.expect_download() as report_download:
        page.get_by_role("button", name="Download the HTML report").click()
    html = Path(report_download.value.path()).read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    _next(page)

    # 5. The project: generate it, see its files, download the zip.
    page.get_by_role("button", name="Generate the project").click()
    download_button = page.get_by_role("button", name="Download my-project.zip")
    download_button.wait_for(timeout=120_000)
    _shot(page, "5-project")
    with page.expect_download() as download:
        download_button.click()
    saved = tmp_path / "my-project.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert "my-project/params.yaml" in archive.namelist()
        archive.extractall(tmp_path / "unzipped")
    answers = read_answers(tmp_path / "unzipped" / "my-project")
    # An interpretable model was asked for in step 1: the suggested recipe is scikit-learn's.
    assert (answers.recipe, answers.task, answers.modality) == (
        "tabular-sklearn",
        "binary",
        "tabular",
    )
    assert answers.baseline["measured"] is True  # the check's result is baked in


def test_each_session_has_its_own_folder_and_it_goes_when_the_session_ends(server, page):
    page.get_by_text("What the model predicts").wait_for()
    before = server.session_folders()
    assert before  # this page's session has its folder
    other = page.context.new_page()
    other.goto(server.url)
    other.get_by_text("What the model predicts").wait_for()
    _settle(other)
    (theirs,) = server.session_folders() - before  # a second session, a second folder
    other.close()
    # Any session's next runs notice the ended one, and free its folder after the window.
    deadline = time.monotonic() + 30
    while theirs.exists() and time.monotonic() < deadline:
        page.wait_for_timeout(1000 * RECONNECT_SECONDS)
        page.get_by_role("button", name="Next →").click()
        _settle(page)
        page.get_by_role("button", name="← Back").click()
        _settle(page)
    assert not theirs.exists()
    assert server.session_folders() & before  # this page's folder is still there
