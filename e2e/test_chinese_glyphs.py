"""Chinese text must render as real glyphs: without a CJK font Chromium silently draws empty boxes (豆腐块)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = "落实闭环销号整改"
MISSING = "\u0378"  # unassigned code point: no font has it, so it shows what a missing glyph looks like

DRAW_GLYPHS = """(chars) => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  ctx.font = "48px " + getComputedStyle(document.body).fontFamily;
  ctx.textBaseline = "top";
  return chars.map((ch) => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.fillText(ch, 4, 4);
    const alpha = ctx.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3);
    let ink = 0, hash = 7;
    alpha.forEach((a) => { if (a) { ink++; } hash = (hash * 31 + a) | 0; });
    return {ch, ink, hash};
  });
}"""


def tofu_characters(page: Any, text: str = SAMPLE) -> list[str]:
    """The characters of ``text`` that the page's own font stack draws as a missing-glyph box (or not at all)."""
    glyphs = page.evaluate(DRAW_GLYPHS, [*text, MISSING])
    *drawn, missing = glyphs
    seen: dict[int, int] = {}
    for glyph in drawn:
        seen[glyph["hash"]] = seen.get(glyph["hash"], 0) + 1
    return [g["ch"] for g in drawn if not g["ink"] or g["hash"] == missing["hash"] or seen[g["hash"]] > 1]


def platform_fonts(page: Any, selector: str) -> set[str]:
    """The font families Chromium really used to draw the text of ``selector`` (not the CSS wish list)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {f["familyName"] for f in fonts if f["glyphCount"]}


def chinese_font_families() -> set[str]:
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True).stdout  # noqa: S607
    return {name.strip() for line in listed.splitlines() for name in line.split(",")}


def test_pages_draw_chinese_with_a_chinese_font(page, world):
    page.goto("/accounts/login/")
    heading = page.locator("h1").inner_text()
    assert heading == "落实 · 闭环管理平台"
    assert tofu_characters(page) == []
    assert tofu_characters(page, heading.replace(" · ", "")) == []
    used = platform_fonts(page, "h1")
    assert used, "Chromium reported no font for the heading"
    assert used & chinese_font_families(), f"heading drawn with {used}, none of which covers Chinese"


def test_glyph_check_catches_a_browser_without_chinese_fonts(browser, tmp_path: Path):
    """The check above is only worth having if it fails where fonts are missing: hide every CJK font and see."""
    latin_only = tmp_path / "fonts.conf"
    latin_only.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    env = {"FONTCONFIG_FILE": str(latin_only), "HOME": str(tmp_path)}
    bare = browser.browser_type.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, env=env)
    try:
        page = bare.new_page()
        page.set_content(f'<html lang="zh-hans"><body style="font-family: sans-serif"><h1>{SAMPLE}</h1></body>')
        assert tofu_characters(page) == list(SAMPLE)
        assert not platform_fonts(page, "h1") & chinese_font_families()
    finally:
        bare.close()
