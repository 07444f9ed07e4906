"""The report and a checklist form, opened from disk in a real headless Chromium.

Uses the system Chromium (Debian package `chromium`, which `.ci/run` installs when it is
missing) driven by Playwright. These tests never skip: without the browser they fail,
saying how to install it. Screenshots go to each test's tmp_path (and to
$NMX_SCREENSHOTS when set, to look at them after a CI run).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("NMX_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
TODAY = "2023-05-10"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install it with `apt-get install -y chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    ctx = pw.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
        args=FLAGS, viewport=PHONE,
    )
    yield ctx
    ctx.close()
    pw.stop()


def _build(run, tmp_path_factory, name: str, data: Path) -> Path:
    out = tmp_path_factory.mktemp(name) / "site"
    r = run("report", "-o", str(out), "--today", TODAY, "--data", str(data))
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="module")
def site(run, tmp_path_factory) -> Path:
    return _build(run, tmp_path_factory, "site", DATA)


@pytest.fixture(scope="module")
def hostile_site(run, tmp_path_factory, hostile_data) -> Path:
    return _build(run, tmp_path_factory, "hostile", hostile_data)


class Visit:
    """One page in the browser, with what it logged and any dialog it tried to open."""

    def __init__(self, browser, path: Path, shots: Path) -> None:
        self.page = browser.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.resolve().as_uri())
        self.shots = shots

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def scroll_width(self) -> int:
        return self.page.evaluate("document.documentElement.scrollWidth")

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5000
        keep = os.environ.get("NMX_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(keep) / path.name)
        return path

    def visible(self, text: str) -> bool:
        return self.page.get_by_text(text, exact=False).first.is_visible()


def test_index(browser, site, tmp_path):
    v = Visit(browser, site / "index.html", tmp_path)
    assert v.page.title() == "六安市2023年暖民心行动宣传方案"
    assert v.visible("六民生办〔2023〕3号")
    assert v.visible("2023年5月到期和进行中的事项")
    assert v.scroll_width() <= 390
    v.shot("index-390")
    v.page.get_by_role("link", name="全年日历").first.click()
    assert v.page.url.endswith("/calendar.html")
    assert v.errors == [] and v.dialogs == []


def test_calendar_marks_focus_months(browser, site, tmp_path):
    v = Visit(browser, site / "calendar.html", tmp_path)
    focus = v.page.locator("section.month.focus")
    assert focus.count() == 4
    assert [h.strip() for h in focus.locator("h3").all_inner_texts()] == [
        "2023年2月 集中宣传月", "2023年5月 集中宣传月", "2023年8月 集中宣传月", "2023年11月 集中宣传月"]
    for n in range(4):
        assert focus.nth(n).locator(".tag.focus").is_visible()
    plain = v.page.locator("section.month:not(.focus)").first
    background = "el => getComputedStyle(el).backgroundColor"
    assert focus.first.evaluate(background) != plain.evaluate(background)
    june7 = v.page.locator("#m2023-06 .grid span.due", has_text="7")
    assert june7.is_visible() and june7.get_attribute("title") == "1 项到期"
    assert v.scroll_width() <= 390
    v.shot("calendar-390")
    v.page.set_viewport_size({"width": 1280, "height": 900})
    v.shot("calendar-1280")
    assert v.errors == []


def test_unit_page_shows_its_tasks(browser, site, tmp_path):
    v = Visit(browser, site / "units" / "transport.html", tmp_path)
    assert v.page.locator("h1").inner_text() == "市交通运输局"
    for title in ("开展集中宣传月活动", "建立长效宣传工作机制", "门户网站标语、办公区展板，集中宣传月活动",
                  "公交、出租车和客运站宣传"):
        assert v.visible(title), title
    assert v.visible("2023年5月自查清单")
    assert v.page.locator("table.checklist .box").count() == 6
    assert v.scroll_width() <= 390
    v.shot("unit-transport-390")
    v.page.get_by_role("link", name="打印版自查表").click()
    assert v.page.url.endswith("/checklists/transport-2023-05.html")
    assert v.errors == []


def test_checklist_form(browser, tmp_path, run):
    out = tmp_path / "清单.html"
    r = run("checklist", "--dept", "市交通运输局", "--month", "2023-05", "-f", "html", "-o", str(out), "--today", TODAY)
    assert r.exit_code == 0, r.output
    v = Visit(browser, out, tmp_path)
    assert v.visible("市交通运输局 · 2023年5月 自查清单")
    assert v.page.locator(".box").count() == 6
    assert v.visible("检查人：") and v.visible("检查日期：")
    assert v.scroll_width() <= 390
    v.shot("checklist-390")
    v.page.emulate_media(media="print")
    v.page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    v.shot("checklist-print")
    pdf = v.page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    assert v.errors == []


def test_every_page_fits_a_phone(browser, site, tmp_path):
    for rel in ("index.html", "calendar.html", "matrix.html", "burden.html", "units/drc.html", "units/livelihood.html",
                "checklists/wxdaily-2023-05.html"):
        v = Visit(browser, site / rel, tmp_path)
        assert v.scroll_width() <= 390, rel
        assert v.errors == [], rel
        v.page.close()


def test_subscription_qr_code_fits_a_phone(browser, run, tmp_path_factory, tmp_path):
    """With --base-url (a long one) the unit page and the index show the calendar's URL and its QR code."""
    out = tmp_path_factory.mktemp("subscribe") / "site"
    base = "https://www.luan.gov.cn/" + "zwgk/" * 24 + "nmx/"
    r = run("report", "-o", str(out), "--today", TODAY, "--base-url", base)
    assert r.exit_code == 0, r.output
    for rel, ics in (("units/transport.html", "calendars/units/transport.ics"), ("index.html", "calendars/all.ics")):
        v = Visit(browser, out / rel, tmp_path)
        qr = v.page.locator("figure.qr svg.qr-code")
        assert qr.count() == 1 and qr.is_visible(), rel
        box = qr.bounding_box()
        assert box["width"] == box["height"] and 150 <= box["width"] <= 358, (rel, box)
        assert v.page.locator(f'a[href="{base}{ics}"]').is_visible(), rel
        assert v.page.get_by_role("link", name="在日历应用中订阅（webcal://）").get_attribute("href") == \
            "webcal://" + (base + ics).split("://", 1)[1]
        assert v.scroll_width() <= 390, rel
        v.shot("subscribe-" + rel.replace("/", "-"))
        assert v.errors == [] and v.dialogs == [], rel
        v.page.close()


def test_hostile_markup_renders_as_text(browser, hostile_site, tmp_path):
    for rel in ("units/transport.html", "matrix.html", "checklists/transport-2023-05.html"):
        v = Visit(browser, hostile_site / rel, tmp_path)
        assert v.visible("<script>alert(1)</script>"), rel
        assert v.page.locator("main script, main img").count() == 0, rel
        assert v.dialogs == [] and v.errors == [], rel
        v.shot("hostile-" + rel.replace("/", "-"))
        v.page.close()


def test_coverage_page(browser, run, tmp_path_factory, tmp_path):
    from tests.test_report import build_workspace_site

    out = build_workspace_site(run, tmp_path_factory.mktemp("ws") / "ws")
    v = Visit(browser, out / "index.html", tmp_path)
    v.page.get_by_role("link", name="县区落实情况一览表").click()
    assert v.page.url.endswith("/coverage.html")
    v.page.set_viewport_size({"width": 1280, "height": 900})
    table = v.page.locator("table.coverage")
    assert table.is_visible()
    assert table.locator("thead th").all_inner_texts() == ["市级任务", "金安区方案", "裕安区方案"]
    row = table.locator("tbody tr", has_text="M2/report")
    cell = row.locator("td").nth(2).locator("span.cov")
    assert cell.get_attribute("data-state") == "looser" and "looser" in cell.get_attribute("class").split()
    assert cell.get_attribute("title") == "截止日期晚于市级"
    missing = table.locator("tbody tr", has_text="A13#1").locator("td").nth(2).locator("span.cov")
    assert missing.get_attribute("data-state") == "missing"
    background = "el => getComputedStyle(el).backgroundColor"
    covered = row.locator("td").nth(1).locator("span.cov")
    assert covered.get_attribute("data-state") == "covered"
    assert len({covered.evaluate(background), cell.evaluate(background), missing.evaluate(background)}) == 3
    assert v.page.locator("p.legend span.cov").count() == 3
    v.shot("coverage-1280")
    assert v.errors == []
