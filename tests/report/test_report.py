# SPDX-License-Identifier: MIT
"""The HTML report in a real browser: Debian's headless Chromium through its WebDriver.

Checks with the DOM that the page renders every alert, logs no error, filters and sorts without a
server, loads nothing from anywhere, shows hostile names as text (never HTML, never reversed),
and that its screenshot is not blank.
"""
import json
import pathlib
import shutil
import subprocess
import time
import zlib

import pytest

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="chromium and chromium-driver are needed")


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1600", "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"):
        options.add_argument(arg)  # the last two: any network request would fail, as offline
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def render(browser, path):
    browser.get_log("browser")  # drop what earlier pages logged
    started = time.perf_counter()
    browser.get(path.resolve().as_uri())
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return document.body.dataset.rendered") == "true")
    elapsed = time.perf_counter() - started
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
    return elapsed


def detect(masq_bin, inputs, tmp_path, *args):
    report = tmp_path / "report.html"
    r = subprocess.run([masq_bin, "detect", *map(str, inputs), "-f", "jsonl", "-q", "--report", str(report), *args],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return report, [json.loads(line) for line in r.stdout.splitlines()]


def visible_rows(browser):
    return [tr for tr in browser.find_elements(By.CSS_SELECTOR, "#alert-table tbody tr") if tr.is_displayed()]


def png_is_not_blank(png):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # The image data (IDAT chunks, zlib): a blank page is one colour, so its rows repeat.
    at, idat = 8, b""
    while at < len(png):
        length = int.from_bytes(png[at:at + 4], "big")
        kind = png[at + 4:at + 8]
        if kind == b"IDAT":
            idat += png[at + 8:at + 8 + length]
        at += 12 + length
    pixels = zlib.decompress(idat)
    return len(set(pixels[i:i + 64] for i in range(0, len(pixels), 4096))) > 50


def test_sample_report_renders_every_alert_filters_and_sorts(masq_bin, root, tmp_path, browser):
    report, findings = detect(masq_bin, [root / "data" / "sample"], tmp_path)
    assert findings, "the bundled sample has alerts"
    render(browser, report)
    rows = visible_rows(browser)
    assert len(rows) == len(findings)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#cards article.card")) == len(findings)
    shown = sorted(r.find_elements(By.TAG_NAME, "td")[1].text for r in rows)
    assert shown == sorted(f["suspicious_process"] for f in findings)
    assert browser.find_element(By.ID, "alert-count").text == str(len(findings))

    # Filters, without a server.
    levels = {f["level"] for f in findings}
    for level in levels:
        Select(browser.find_element(By.ID, "filter-level")).select_by_value(level)
        assert len(visible_rows(browser)) == sum(f["level"] == level for f in findings)
        cards = [c for c in browser.find_elements(By.CSS_SELECTOR, "#cards article.card") if c.is_displayed()]
        assert len(cards) == sum(f["level"] == level for f in findings)
    Select(browser.find_element(By.ID, "filter-level")).select_by_value("")
    host = findings[0]["hosts"][0]["host"]
    Select(browser.find_element(By.ID, "filter-host")).select_by_value(host)
    assert len(visible_rows(browser)) == sum(any(h["host"] == host for h in f["hosts"]) for f in findings)
    Select(browser.find_element(By.ID, "filter-host")).select_by_value("")
    detector = findings[-1]["detections"][0]["detector"]
    Select(browser.find_element(By.ID, "filter-detector")).select_by_value(detector)
    assert len(visible_rows(browser)) == sum(any(d["detector"] == detector for d in f["detections"]) for f in findings)
    Select(browser.find_element(By.ID, "filter-detector")).select_by_value("")
    search = browser.find_element(By.ID, "filter-text")
    search.send_keys(findings[0]["suspicious_process"])
    assert 1 <= len(visible_rows(browser)) < len(findings)
    search.clear()
    search.send_keys("x")  # clear() sends no input event; an edit does
    search.send_keys("\b")
    assert len(visible_rows(browser)) == len(findings)

    # Sorting by events, both ways.
    header = browser.find_element(By.CSS_SELECTOR, '#alert-table th[data-key="suspicious_count"]')
    header.click()
    counts = [int(r.find_elements(By.TAG_NAME, "td")[5].text.replace(",", "")) for r in visible_rows(browser)]
    assert counts == sorted(counts)
    header.click()
    counts = [int(r.find_elements(By.TAG_NAME, "td")[5].text.replace(",", "")) for r in visible_rows(browser)]
    assert counts == sorted(counts, reverse=True)

    # Offline: nothing was fetched, nothing points elsewhere.
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert fetched == []
    for attr in ("src", "href"):
        for e in browser.find_elements(By.CSS_SELECTOR, f"[{attr}]"):
            assert not e.get_attribute(attr).startswith(("http:", "https:", "//")), e.get_attribute(attr)

    png = browser.get_screenshot_as_png()
    assert len(png) > 30_000 and png_is_not_blank(png)


def test_hostile_names_are_text_and_hidden_characters_are_shown(masq_bin, tmp_path, browser):
    events = []
    for i in range(40):
        events.append({"EventID": 4688, "Computer": f"ws{i % 5}", "TimeGenerated": f"2024-05-01T10:{i:02d}:00Z",
                       "Process": "svchost.exe", "NewProcessName": "C:\\Windows\\System32\\svchost.exe"})
    hostile = ["svch\u043est.exe", "invoice\u202efdp.exe", "<img src=x onerror=document.title='pwned'>.exe",
               "svchost.exe</script><script>document.title='pwned'</script>"]
    for name in hostile:
        events.append({"EventID": 4688, "Computer": "ws9", "TimeGenerated": "2024-05-02T10:00:00Z", "Process": name,
                       "NewProcessName": "C:\\Users\\Public\\" + name,
                       "CommandLine": name + " -x \u202e<b>bold</b>"})
    path = tmp_path / "events.json"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    report, findings = detect(masq_bin, [path], tmp_path)
    names = {f["suspicious_process"] for f in findings}
    assert "svch\u043est.exe" in names and "invoice\u202efdp.exe" in names, names
    render(browser, report)
    assert browser.title == "masq report"
    assert browser.find_elements(By.CSS_SELECTOR, "img, [onerror]") == []
    assert len(browser.find_elements(By.TAG_NAME, "script")) == 2  # the data island and the page's own
    page = browser.find_element(By.ID, "alerts").text
    assert "<b>bold</b>" in page  # a command line's markup is text
    # The RLO is shown as an escape, never applied; the Cyrillic letter is named.
    assert "invoice\\u202Efdp.exe" in page and "\u202e" not in page
    assert "U+043E Cyrillic" in page
    for f in findings:
        shown = f["suspicious_process"].replace("\u202e", "\\u202E")
        assert shown in page


def test_real_corpus_report_shows_every_alert_and_stays_small(masq_bin, shared, tmp_path, browser):
    report, findings = detect(masq_bin, [shared / "data" / "real" / "real_process_events.jsonl"], tmp_path)
    size = report.stat().st_size
    assert size < 5 * 1024 * 1024, size
    elapsed = render(browser, report)
    rows = visible_rows(browser)
    assert len(rows) == len(findings) > 0
    ms = browser.execute_script("return performance.now()")
    print(f"real corpus: {len(findings)} alerts, {size} bytes, loaded and rendered in {elapsed:.2f} s ({ms:.0f} ms in page)")


def test_masq_report_of_saved_findings_shows_them_all(masq_bin, root, tmp_path, browser):
    saved = tmp_path / "findings.jsonl.gz"
    r = subprocess.run([masq_bin, "detect", str(root / "data" / "sample"), "-f", "jsonl", "-q"],
                       capture_output=True, text=True, timeout=300)
    findings = [json.loads(line) for line in r.stdout.splitlines()]
    import gzip
    saved.write_bytes(gzip.compress(r.stdout.encode()))
    page = tmp_path / "saved.html"
    r = subprocess.run([masq_bin, "report", str(saved), "-o", str(page)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and f"{len(findings)} alerts written" in r.stderr, r.stderr
    render(browser, page)
    assert len(visible_rows(browser)) == len(findings)
    # Raw events are not findings: an error, not an empty page.
    r = subprocess.run([masq_bin, "report", str(root / "data" / "sample" / "securityevent-sample.json.gz"),
                        "-o", str(tmp_path / "none.html")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "is a masq finding" in r.stderr
