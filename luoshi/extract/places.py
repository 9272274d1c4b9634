"""The report's place (its administrative area, with suffix) and its publication date (spec section 2)."""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

HEAD_CHARS = 60_000
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "省", "市", "县", "区", "盟", "旗")
NOT_ADMIN_ENDINGS = (
    "地区", "库区", "林区", "景区", "山区", "矿区", "牧区", "灾区", "城区", "市区", "郊区", "特区", "半区", "中心区",
    "三角区", "开发区", "省区", "经济区", "保护区", "示范区", "试验区", "实验区", "风景区",
)  # fmt: skip
LEVEL_WORDS = {
    "省": ("全省", "我省", "省委", "省政府"),
    "自治区": ("全区", "我区", "自治区党委", "区党委"),
    "市": ("全市", "我市", "市委", "市政府"),
    "县": ("全县", "我县", "县委", "县政府"),
    "区": ("全区", "我区", "区委", "区政府"),
}
RENAMED_SUFFIXES = ("市", "县", "区")
# A place named once in a text that speaks of the whole country is an example, not the report's area.
NATIONAL = "全国"
SUFFIX_RANK = {"省": 0, "自治区": 1, "市": 2, "特别行政区": 3, "自治州": 4, "县": 5, "区": 6, "新区": 7}


@dataclass(frozen=True)
class Gazetteer:
    """Administrative names by stem (``泰兴`` → ``泰兴市``), from jieba's dictionary (tag ``ns``) and the
    official division list (GB/T 2260); a stem in ``bare_ok`` counts when written without its suffix."""

    names: dict[str, tuple[str, ...]]
    bare_ok: frozenset[str]


def _suffix_of(word: str) -> str:
    return next((s for s in SUFFIXES if word.endswith(s)), "")


_DICT_LINE = re.compile(r"^([\u4e00-\u9fff]{2,8}) \d+ (\w+)$", re.MULTILINE)
DATA_FILE = Path(__file__).with_name("places.tsv")
# The division codes cpca ships (a development dependency: the runtime reads places.tsv only).
OFFICIAL_PACKAGE, OFFICIAL_FILE = "cpca", ("resources", "adcodes.csv")
OFFICIAL_PLACEHOLDERS = frozenset({"市辖区"})


def _jieba_tags() -> dict[str, str]:
    import jieba

    with jieba.dt.get_dict_file() as f:
        return dict(_DICT_LINE.findall(f.read().decode("utf-8")))


def official_names() -> list[str]:
    """Province, prefecture and county names of GB/T 2260, as the ``cpca`` package ships them."""
    spec = importlib.util.find_spec(OFFICIAL_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError("the gazetteer is built from the cpca package: uv sync --dev")
    path = Path(spec.origin).parent.joinpath(*OFFICIAL_FILE)
    with path.open(encoding="utf-8", newline="") as f:
        return sorted({row["name"] for row in csv.DictReader(f)} - OFFICIAL_PLACEHOLDERS)


def _stem(word: str) -> str | None:
    suffix = _suffix_of(word)
    return word[: -len(suffix)] if suffix and len(word) - len(suffix) >= 2 else None


def _jieba_places(tags: dict[str, str]) -> dict[str, list[str]]:
    by_stem: dict[str, list[str]] = {}
    for word, tag in tags.items():
        stem = _stem(word)
        if tag != "ns" or stem is None or word.endswith(NOT_ADMIN_ENDINGS):
            continue
        if word == stem + "区" and stem + "地区" in tags:
            continue
        by_stem.setdefault(stem, []).append(word)
    return by_stem


def build_gazetteer() -> Gazetteer:
    """The gazetteer from jieba's dictionary and the official list (slow: about a second); ``places.tsv``
    keeps its result. A stem only the official list brings counts only with its suffix: written bare it
    is too often an ordinary word (江南, 南山, 新市 in 新市民)."""
    tags = _jieba_tags()
    by_stem = _jieba_places(tags)
    bare_ok = {s for s in by_stem if tags.get(s, "ns") == "ns"}
    for word in official_names():
        stem = _stem(word)
        if stem is None:
            continue
        by_stem.setdefault(stem, []).append(word)
    names = {s: tuple(sorted(set(w))) for s, w in sorted(by_stem.items())}
    return Gazetteer(names=names, bare_ok=frozenset(bare_ok))


def gazetteer_lines(gaz: Gazetteer) -> list[str]:
    return [f"{stem}\t{','.join(full)}\t{int(stem in gaz.bare_ok)}" for stem, full in gaz.names.items()]


@cache
def gazetteer() -> Gazetteer:
    names: dict[str, tuple[str, ...]] = {}
    bare_ok = set()
    for line in DATA_FILE.read_text(encoding="utf-8").splitlines():
        stem, full, bare = line.split("\t")
        names[stem] = tuple(full.split(","))
        if bare == "1":
            bare_ok.add(stem)
    return Gazetteer(names=names, bare_ok=frozenset(bare_ok))


def _level_votes(head: str) -> Counter[str]:
    return Counter({level: sum(head.count(w) for w in words) for level, words in LEVEL_WORDS.items()})


def _full_name(head: str, candidates: tuple[str, ...]) -> str:
    seen = {name: head.count(name) for name in candidates}
    if max(seen.values()) > 0:
        return max(candidates, key=lambda n: (seen[n], -SUFFIX_RANK.get(_suffix_of(n), 9)))
    votes = _level_votes(head)
    return min(candidates, key=lambda n: (-votes[_suffix_of(n)], SUFFIX_RANK.get(_suffix_of(n), 9)))


def _listed_candidates(head: str) -> list[tuple[int, int, int, int, str]]:
    """(times named, -level, written with a suffix, -first position, stem) of each gazetteer name in ``head``."""
    gaz = gazetteer()
    pairs = {head[i : i + 2] for i in range(len(head) - 1)}
    found = []
    for stem, full_names in gaz.names.items():
        if stem[:2] not in pairs:
            continue
        first = head.find(stem)
        if first < 0:
            continue
        suffixed = sum(head.count(n) for n in _written_names(head, stem, full_names))
        score = head.count(stem) if stem in gaz.bare_ok else suffixed
        if score:
            found.append((score, -_level(stem), int(suffixed > 0), -first, stem))
    return found


def _written_names(head: str, stem: str, full_names: tuple[str, ...]) -> tuple[str, ...]:
    """The listed names, and the stem with another level's suffix the text writes (a county made a district:
    大足县 → 大足区)."""
    renamed = tuple(stem + s for s in RENAMED_SUFFIXES if stem + s not in full_names and stem + s in head)
    return full_names + renamed


def _level(stem: str) -> int:
    return min(SUFFIX_RANK.get(_suffix_of(n), 9) for n in gazetteer().names[stem])


def find_place(text: str) -> str | None:
    """The area the report is about: the administrative name it mentions most, with the suffix it uses; a
    name the gazetteer lacks competes when the text writes it as an authority (官渡区委, 示范市人民政府)."""
    head = text[:HEAD_CHARS]
    listed = max(_listed_candidates(head), default=None)
    unlisted = _unlisted_place(head, as_authority=listed is not None)
    if unlisted and (listed is None or unlisted[:3] > (listed[0], listed[2], listed[3])):
        return unlisted[3] if unlisted[0] > 1 or NATIONAL not in head else None
    if listed is None or (listed[0] <= 1 and NATIONAL in head):
        return None
    stem = listed[-1]
    return _full_name(head, _written_names(head, stem, gazetteer().names[stem]))


_UNLISTED = re.compile(r"([\u4e00-\u9fff]{2})(省|市|县|区)")
_NOT_STEM_CHARS = frozenset("的在和与及全各我本该此市县区省共个等级镇乡村街直辖城地")
_AUTHORITY_NEXT = frozenset("委政人纪监党")


def _unlisted_place(head: str, as_authority: bool) -> tuple[int, int, int, str] | None:
    """A name the gazetteer lacks (a new, small or fictional area): a two-character stem written with its
    suffix and named at least twice in all; with ``as_authority``, also written once as an authority
    (``官渡区委``)."""
    gaz = gazetteer()
    named: Counter[str] = Counter()
    authority: set[str] = set()
    for m in _UNLISTED.finditer(head):
        if m[1] in gaz.names or _NOT_STEM_CHARS & set(m[1]):
            continue
        named[m.group()] += 1
        if head[m.end() : m.end() + 1] in _AUTHORITY_NEXT:
            authority.add(m.group())
    scored = [
        (head.count(name[:2]), 1, -head.find(name[:2]), name)
        for name, times in named.items()
        if times > 1 or name in authority
    ]
    ranked = sorted((s for s in scored if s[0] >= 2), reverse=True)
    if as_authority:
        ranked = [s for s in ranked if s[3] in authority]
    return ranked[0] if ranked else None


_DATE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_TIME = re.compile(r"\s*\d{1,2}:\d{2}(?::\d{2})?")
_DATELINE_WORDS = re.compile(r"来源|发布|发表|时间|日期|作者|编辑|责编|字号|浏览|阅读|点击|星期|\||｜")
# A site header's "today" is no publication date: 今天是2024年3月5日 星期二.
_TODAY = re.compile(r"今天是|今日是|今天[:：]")
_PUNCTUATION = re.compile(r"[\W_]+")
_CN_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}
_CN_DATE = re.compile(
    r"([〇零○O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)


def _cn_number(text: str) -> int:
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


# A news lead names its date before 讯/电 (深广电2019年5月25日讯 …), an issuer's header line after the
# issuing body (…领导小组办公室2023年6月19日).
_LEAD = re.compile(r"^[^，,。；;！？\n]{0,30}?" + _DATE.pattern + r"\s*[讯电]")
_ISSUER_DATE = re.compile(r"(?:办公室|委员会|领导小组|政府|党委|纪委|局|厅|办)\s*" + _DATE.pattern + r"$")


def _dateline(line: str) -> str | None:
    lead = _LEAD.match(line)
    if lead:
        return _iso(int(lead[1]), int(lead[2]), int(lead[3]))
    if len(line) > 80 or _TODAY.match(line):
        return None
    issuer = _ISSUER_DATE.search(line.strip())
    if issuer:
        return _iso(int(issuer[1]), int(issuer[2]), int(issuer[3]))
    found = _DATE.search(line)
    if found:
        rest = _PUNCTUATION.sub("", _TIME.sub("", line[: found.start()] + line[found.end() :]))
        if not rest or _TIME.match(line, found.end()) or _DATELINE_WORDS.search(line):
            return _iso(int(found[1]), int(found[2]), int(found[3]))
        return None
    cn = _CN_DATE.fullmatch(line.strip())
    if cn:
        year = int("".join(str(_CN_DIGITS[ch]) for ch in cn[1]))
        return _iso(year, _cn_number(cn[2]), _cn_number(cn[3]))
    return None


def find_date(text: str) -> str | None:
    """Publication date (ISO) from the first dateline: a date with a time, a source, or alone on its line."""
    for line in text.split("\n"):
        found = _dateline(line)
        if found:
            return found
    return None


if __name__ == "__main__":
    DATA_FILE.write_text("\n".join(gazetteer_lines(build_gazetteer())) + "\n", encoding="utf-8")
