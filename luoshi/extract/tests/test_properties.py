"""Properties over generated text: normalisation is idempotent; extraction only reports figures in the text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.extract.api import extract, normalise

PIECES = [
    "全市", "黨員", "领导干部", "增长", "下降", "同比", "约", "近", "超过", "至少", "低于", "第", "余", "多", "万",
    "亿", "个", "名", "人次", "%", "个百分点", "项", "天", "年", "月", "日", "周年", "以上", "内", "—", "-", "至",
    "(dang) ", "(xí)", "(APP)", "《", "》", "“", "”", ",", "，", "。", "、", "+", "/", ":", " ", "\n", "小字号",
    "返回顶部", "人民网>>四川频道", "萬", "餘", "個", "項", "１", "％", "．", "：", "相关新闻", "浏览次数：", "阅读量 ",
    "【打印本页】", "来源", "2023-12-05",
]  # fmt: skip
numbers = st.from_regex(r"\A(?:[1-9]\d{0,4}(?:\.\d{1,2})?|0\.\d)\Z")
raw_text = st.lists(st.one_of(st.sampled_from(PIECES), numbers), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(raw_text)
def test_normalising_twice_changes_nothing(raw: str) -> None:
    once = normalise(raw)
    assert normalise(once) == once


@settings(max_examples=300, deadline=None)
@given(raw_text)
def test_every_figure_stands_in_the_text(raw: str) -> None:
    text = normalise(raw)
    digits = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text.replace(",", ""))}
    for m in extract(text).mentions:
        assert text[m.start : m.end] == m.text
        assert m.text in m.sentence
        shown = re.findall(r"\d+(?:\.\d+)?", m.text.replace(",", ""))
        assert shown
        assert float(shown[0]) in digits
        if float(shown[0]) == 0:
            assert m.value == 0
            continue
        factor = m.value / float(shown[0])
        assert min(abs(factor - f) for f in (1, 1e4, 1e8, 1e12)) < 1e-6 * max(factor, 1)
