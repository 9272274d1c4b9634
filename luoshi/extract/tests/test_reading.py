"""Reading report files: formats, encodings, and refusals with a clear reason."""

from __future__ import annotations

import random

import pytest

from luoshi.extract.api import MAX_BYTES, process, read_text
from luoshi.extract.tests.makers import make_docx, make_pdf, make_zip_bomb
from luoshi.extract.types import UnreadableDocument

SIMPLIFIED = "全市共有基层党组织1.59万个、党员32万名。收集意见建议1.2万余条,办结率达98%。"
TRADITIONAL = "全市共有基層黨組織1.59萬個、黨員32萬名。收集意見建議1.2萬餘條,辦結率達98%。"
EXPECTED = [("1.59万个", 15900), ("32万名", 320000), ("1.2万余条", 12000), ("98%", 98)]


def figures(data: bytes, filename: str) -> list[tuple]:
    return [(m.text, m.value) for m in process(data, filename).mentions]


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (SIMPLIFIED, "utf-8"),
        (SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED, "utf-16"),
        (SIMPLIFIED, "gb18030"),
        (TRADITIONAL, "gb18030"),
        (TRADITIONAL, "big5"),
        (TRADITIONAL, "utf-8"),
    ],
)
def test_encodings_are_detected(text: str, codec: str) -> None:
    assert figures(text.encode(codec), "报告.txt") == EXPECTED


def test_big5_and_gb18030_of_a_longer_traditional_report() -> None:
    text = (
        "第二批主題教育開展以來,山東深入學習貫徹習近平總書記關於主題教育重要講話和重要指示批示精神,"
        "認真貫徹落實中央部署要求。各地已組織開展黨性教育13.1萬餘次,濰坊市用好50餘個紅色教育基地資源。\n"
    ) * 20
    for codec in ("big5", "gb18030"):
        raw = read_text(text.encode(codec), "r.txt")
        assert raw == text


def test_html_page_loses_tags_scripts_styles_and_furniture() -> None:
    html = (
        '<!DOCTYPE html><html><head><meta charset="gb2312"><title>标题</title>'
        "<style>.a{color:red}</style><script>var n = 12345;</script></head><body>"
        '<nav>首页 &gt; 新闻</nav><div class="crumb">人民网&gt;&gt;四川频道</div>'
        "<h1>成都推进主题教育</h1><div>2023年05月23日07:43 | 来源:四川日报</div><p>小字号</p>"
        "<p>成都市委指导96家单位,在1周内完成组建机构&amp;制定方案。</p>"
        "<p>覆盖领导班子895个<br>基层党组织4933个。</p><footer>版权所有</footer>"
        "<div>分享让更多人看到</div></body></html>"
    )
    result = process(html.encode("gb18030"), "page.html")
    assert result.text.split("\n") == [
        "成都推进主题教育",
        "2023年05月23日07:43 | 来源:四川日报",
        "成都市委指导96家单位,在1周内完成组建机构&制定方案。",
        "覆盖领导班子895个",
        "基层党组织4933个。",
    ]
    assert [m.text for m in result.mentions] == ["96家", "1周内", "895个", "4933个"]
    assert (result.place, result.date) == ("成都市", "2023-05-23")


def test_html_without_extension_is_recognised() -> None:
    assert read_text(b"<html><body><p>\xe7\xac\xac1\xe6\xae\xb5</p></body></html>", "report").strip() == "第1段"


def test_docx_paragraphs_and_tables_in_order() -> None:
    data = make_docx(
        ["中共扬州市委主題教育領導小組", "收集意見建議1.2萬餘條。"], table=[["项目", "数量"], ["调研课题", "26个"]]
    )
    result = process(data, "总结.docx")
    assert result.text.split("\n") == [
        "中共扬州市委主题教育领导小组",
        "收集意见建议1.2万余条。",
        "项目",
        "数量",
        "调研课题",
        "26个",
    ]
    assert [m.text for m in result.mentions] == ["1.2万余条", "26个"]


def test_pdf_text_layer_is_read() -> None:
    data = make_pdf(["宁波在全市党员、干部中开展学习教育,涉及县处级以上领导", "干部1.48萬名,涵盖3.27万个基层党组织。"])
    result = process(data, "简报.pdf")
    assert "领导干部1.48万名" in result.text
    assert [m.text for m in result.mentions] == ["1.48万名", "3.27万个"]


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (b"", "empty.txt", "文件是空的"),
        (b"   \n\t ", "blank.txt", "没有文字"),
        (random.Random(1).randbytes(4096), "noise.txt", "二进制"),
        (bytes(range(1, 32)) * 100, "controls.txt", "二进制"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + random.Random(2).randbytes(2000), "report.docx", "可执行程序"),
        (b"\x7fELF\x02\x01\x01" + random.Random(2).randbytes(2000), "report.txt", "可执行程序"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "old.doc", ".doc"),
        (b"not a zip at all", "report.docx", "不是有效的 Word 文档"),
        (b"PK\x03\x04 broken", "report.docx", "不是有效的 Word 文档"),
        (b"just text", "report.pdf", "不是有效的 PDF"),
        (b"%PDF-1.4\n garbage", "report.pdf", "PDF"),
        ("正文".encode(), "table.xlsx", "不支持的文件类型"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data: bytes, filename: str, reason: str) -> None:
    with pytest.raises(UnreadableDocument, match=reason):
        read_text(data, filename)


def test_file_over_the_limit_is_refused_before_reading() -> None:
    data = "全市".encode() * (50 * 2**20 // 6)
    assert len(data) > MAX_BYTES
    with pytest.raises(UnreadableDocument, match=r"文件过大.*上限为 10 MB"):
        read_text(data, "big.txt")


def test_zip_bomb_disguised_as_docx_is_refused() -> None:
    with pytest.raises(UnreadableDocument, match="压缩炸弹"):
        read_text(make_zip_bomb(), "bomb.docx")


def test_zip_without_word_body_is_refused() -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UnreadableDocument, match=r"不是 \.docx"):
        read_text(out.getvalue(), "archive.docx")


def test_pdf_table_rows_are_not_run_together_but_a_wrapped_sentence_is_joined() -> None:
    data = make_pdf(
        [
            "财政部门预算执行问题6项，涉及金额237054.47",
            " 万元，已整改2项。",
            "序号 问题类别 问题数（项） 已整改（项） 整改资金（万元）",
            "1 财政部门预算执行 6 2 201783.20",
            "2 部门预算执行 18 16 8920.51",
        ]
    )
    assert figures(data, "审计整改.pdf") == [("6项", 6), ("237054.47万元", 237054.47), ("2项", 2)]


def test_scanned_pdf_without_text_layer_is_refused() -> None:
    with pytest.raises(UnreadableDocument, match="没有文字层"):
        read_text(make_pdf([]), "scan.pdf")
