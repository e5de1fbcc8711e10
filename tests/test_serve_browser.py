"""A unit's link in a real headless Chromium (Debian's chromium + chromedriver, Selenium):
open it, fill the progress form, attach a PDF, send, then read the database."""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import zlib
from pathlib import Path
from typing import Iterator

import pytest

from tests.serve_support import Served, load_home, start, stop

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ARTEFACTS = Path(__file__).parent / "artefacts"
# A developer without the browser may skip; CI installs it (.ci/run), so there it must run.
pytestmark = pytest.mark.skipif(not (shutil.which(CHROMIUM) and shutil.which(DRIVER))
                                and not os.environ.get("CI"),
                                reason="apt-get install -y chromium chromium-driver")


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=390,844", "--lang=vi"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.set_page_load_timeout(60)
    # Headless windows have a minimum width; the device metrics give the phone's exactly.
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    yield drv
    drv.quit()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    home = tmp_path / "home"
    load_home(home)
    s = start(home)
    yield s
    stop(s)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _not_blank(data: bytes) -> bool:
    """More than one colour in the decoded image rows: something was drawn."""
    chunks, i = [], 8
    while i < len(data):
        length = struct.unpack(">I", data[i:i + 4])[0]
        if data[i + 4:i + 8] == b"IDAT":
            chunks.append(data[i + 8:i + 8 + length])
        i += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    return len(set(raw)) > 8


def test_a_unit_reports_progress_with_a_pdf_from_a_phone(served: Served, browser, tmp_path: Path
                                                        ) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    pdf = tmp_path / "bao-cao.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    browser.get(served.base + served.link("HT-NV"))
    assert "Phòng Nội vụ thành phố Hà Tiên" in browser.page_source
    ARTEFACTS.mkdir(exist_ok=True)
    shot = browser.get_screenshot_as_png()
    (ARTEFACTS / "serve-unit-390x844.png").write_bytes(shot)
    width, height = _png_size(shot)
    assert (width, height) == (390, 844) and _not_blank(shot)
    # No horizontal scrolling on a phone: the page fits its width.
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    list_url = browser.current_url
    browser.find_elements(By.CSS_SELECTOR, "a.button")[0].click()
    WebDriverWait(browser, 30).until(lambda b: b.current_url != list_url)
    aid = int(browser.current_url.rsplit("/", 1)[1])
    # Each field is reached by its label: what a screen reader announces.
    label = browser.find_element(By.CSS_SELECTOR, "label[for=progress]")
    assert label.text == "Tiến độ (%)"
    field = browser.find_element(By.ID, "progress")
    field.clear()
    field.send_keys("65")
    browser.find_element(By.ID, "note").send_keys("Đã tổ chức hội nghị triển khai")
    browser.find_element(By.ID, "difficulties").send_keys("Nhân lực còn thiếu")
    browser.find_element(By.ID, "document").send_keys(str(pdf))
    (ARTEFACTS / "serve-form-390x844.png").write_bytes(browser.get_screenshot_as_png())
    form_page = browser.find_element(By.TAG_NAME, "h1")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/progress'] button").click()
    # The click returns before the answer page loads: wait until the form page is gone.
    WebDriverWait(browser, 30).until(expected_conditions.staleness_of(form_page))
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "Đã ghi nhận báo cáo"
    assert "65%" in browser.page_source and "bao-cao.pdf" in browser.page_source
    task_id, progress = served.rows("select task_id, progress from assignment where id = ?", aid)[0]
    assert progress == 65
    rid, note, difficulties = served.rows(
        "select id, note, difficulties from progressreport where task_id = ? and unit_code = ?"
        " order by id desc", task_id, "HT-NV")[0]
    assert (note, difficulties) == ("Đã tổ chức hội nghị triển khai", "Nhân lực còn thiếu")
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert served.rows("select sha256, media_type from resultfile where progress_report_id = ?",
                       rid) == [(digest, "application/pdf")]
