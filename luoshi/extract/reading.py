"""Bytes of a .txt/.html/.docx/.pdf report into raw text, or ``UnreadableDocument`` with a reason."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from functools import cache
from html.parser import HTMLParser
from pathlib import PurePath

from luoshi.extract.types import UnreadableDocument

MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED = 128 * 1024 * 1024
MAX_RATIO = 200
TEXT_SUFFIXES = frozenset({"", ".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}
SAMPLE = 256 * 1024

# Frequent Chinese characters; their traditional forms are added at first use.
_COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
    "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些"
    "然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公"
    "无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将"
    "组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金"
    "增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类"
    "八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非"
    "验连断深难近千周委素技备半办青省列习响约支般史感劳便团往历市克何除消构府称太准精值号率族维划选标写存候亲快效"
    "院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞落实整改群众干部工作推进"
)


class _TextOfHtml(HTMLParser):
    SKIP = frozenset({"script", "style", "noscript", "template", "head", "nav", "footer", "aside", "svg", "iframe"})
    BLOCK = frozenset(
        {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article"}
        | {"header", "dd", "dt", "dl", "blockquote", "pre", "hr", "td", "th", "title", "form", "center"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping.append(tag)
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skipping:
            while self.skipping and self.skipping.pop() != tag:
                pass
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


@cache
def _common_chars() -> frozenset[str]:
    import opencc

    return frozenset(_COMMON) | frozenset(opencc.OpenCC("s2t").convert(_COMMON))


def _score(text: str) -> float:
    common = _common_chars()
    hits = sum(1 for ch in text if ch in common)
    bad = text.count("\ufffd") + sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff")
    return hits - 20 * bad


def _declared_charset(data: bytes) -> str | None:
    found = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", data[:4096], re.IGNORECASE)
    if not found:
        return None
    name = found.group(1).decode("ascii").lower()
    return {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "utf8": "utf-8"}.get(name, name)


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: BOM, a declared charset, strict UTF-8, else GB18030 or Big5 by character frequencies."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _decode_as(data, codec)
    if b"\x00" in data[:8192]:
        raise UnreadableDocument("文件含有二进制内容，不是文本文件。")
    candidates = ["utf-8", "gb18030", "cp950", "big5hkscs"]
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        candidates.remove("utf-8")
    sample = data[:SAMPLE]
    best = max(candidates, key=lambda c: _score(sample.decode(c, errors="replace")[:-2]))
    return _decode_as(data, best)


def _decode_as(data: bytes, codec: str) -> str:
    text = data.decode(codec, errors="replace")
    if text.count("\ufffd") > max(3, len(text) // 200):
        raise UnreadableDocument("无法识别文件的文字编码（支持 UTF-8、GB18030、Big5）。")
    return text


def _check_text(text: str) -> str:
    controls = sum(1 for ch in text[:SAMPLE] if ch < " " and ch not in "\t\n\r\f")
    if controls > max(2, len(text[:SAMPLE]) // 100):
        raise UnreadableDocument("文件内容是二进制数据，不是可读的文字。")
    if not text.strip():
        raise UnreadableDocument("文件中没有文字。")
    return text


def html_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head


def _docx_text(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableDocument("不是有效的 Word 文档（.docx）。") from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED or any(
        i.file_size > 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos
    ):
        raise UnreadableDocument("Word 文档解压后异常庞大（疑似压缩炸弹），已拒绝。")
    if "word/document.xml" not in archive.namelist():
        raise UnreadableDocument("压缩包中没有 Word 正文（word/document.xml），不是 .docx 文档。")
    import docx
    from docx.oxml.ns import qn

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise UnreadableDocument("Word 文档已损坏，无法打开。") from exc
    t, tab, br = qn("w:t"), qn("w:tab"), qn("w:br")
    lines = []
    for para in body.iter(qn("w:p")):
        parts = []
        for node in para.iter(t, tab, br):
            parts.append(node.text or "" if node.tag == t else ("\t" if node.tag == tab else "\n"))
        lines.append("".join(parts))
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument("PDF 已加密，无法读取。")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableDocument("PDF 文件已损坏，无法读取。") from exc
    text = "\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 10:
        raise UnreadableDocument("PDF 没有文字层（可能是扫描件），请提供可复制文字的版本。")
    return _join_pdf_lines(text)


# A line break inside a sentence (with one space the layout may have put after it), not after a sentence's end.
_PDF_BREAK = re.compile(r"(?<=[^。！？：；…”」\s])\n ?(?=[^\s])")


def _join_break(match: re.Match[str]) -> str:
    """Join the lines, unless both sides are digits: that is a table row ending where the next one starts."""
    text, start, end = match.string, match.start(), match.end()
    return match.group() if text[start - 1].isdigit() and text[end].isdigit() else ""


def _join_pdf_lines(text: str) -> str:
    """Undo the layout's line breaks inside a sentence and the spaces some PDFs put between characters."""
    text = re.sub(r"(?<=[\u4e00-\u9fff，、]) (?=[\u4e00-\u9fff，、。])", "", text)
    return _PDF_BREAK.sub(_join_break, text)


def read_text(data: bytes, filename: str) -> str:
    """Raw text of a report file; raises ``UnreadableDocument`` saying why it cannot be read."""
    suffix = PurePath(filename).suffix.lower()
    if not data:
        raise UnreadableDocument("文件是空的。")
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(f"文件过大（{len(data) / 2**20:.1f} MB），上限为 {MAX_BYTES // 2**20} MB。")
    head = data[:8]
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")):
        raise UnreadableDocument("这是一个可执行程序，不是报告文件。")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableDocument("这是旧版 Office 文件（.doc），请另存为 .docx 后再上传。")
    if suffix not in SUPPORTED:
        raise UnreadableDocument(f"不支持的文件类型“{suffix}”：请上传 .txt、.html、.docx 或 .pdf 文件。")
    if b"%PDF-" in data[:1024]:
        return _pdf_text(data)
    if suffix == ".pdf":
        raise UnreadableDocument("不是有效的 PDF 文件。")
    if head.startswith(b"PK\x03\x04") or suffix == ".docx":
        return _docx_text(data)
    text = _check_text(decode(data, _declared_charset(data)))
    if suffix in HTML_SUFFIXES or _looks_like_html(text):
        return _check_text(html_text(text))
    return text
