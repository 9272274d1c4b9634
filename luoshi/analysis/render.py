"""The monthly analysis report (月度分析报告) as a Word document, rendered only from a snapshot's figures.

The same figures give the same bytes: the core properties (created, modified, revision, author) are set
from the snapshot time, the charts are deterministic PNGs, and the package is rewritten with every zip
entry dated at the snapshot time (python-docx dates them when it saves).

The document's text is Chinese and deliberately not run through gettext: one snapshot gives one document,
whatever the language of the person who asks for it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from docx.document import Document as DocumentType
from docx.shared import Cm

from luoshi.analysis import charts
from luoshi.core.word import add_table, fixed_bytes, new_document

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DASH = "—"
LOWEST = 3
ONE_PLACE = Decimal("0.1")

PROBLEM_HEADER = ("单位", "问题总数", "已销号", "未销号", "逾期", "销号率", "按期销号率")
TASK_HEADER = ("单位", "交办数", "已办结", "逾期", "平均进度")
LIVELIHOOD_HEADER = ("单位", "项目数", "已完成", "子项数", "已完成子项", "平均进度", "满意率")
DEMAND_HEADER = ("单位", "受理量", "响应及时率", "问题解决率", "群众满意率", "综合得分", "排名", "红黑榜")
COLLECTION_HEADER = ("报送轮次", "截止时间", "应报", "已报", "已采纳", "逾期报送", "退回", "未报")
LOWEST_HEADER = ("指标", "倒数第一", "倒数第二", "倒数第三")
RANKING_HEADER = ("位次", "单位", "得分", "红黑榜")
CHANGE_HEADER = ("指标", "本月", "上月", "变化")
TOTAL = "合计"
STATUS_TEXT = {"red": "红榜", "black": "黑榜", "": ""}
LIST_KINDS = (("units", "单位"), ("companies", "物业企业"), ("projects", "项目（小区）"))

# (key in the headline, label, is a percent)
CHANGES = (
    ("problems_total", "问题总数", False),
    ("problems_closed", "已销号问题", False),
    ("problems_open", "未销号问题", False),
    ("problems_overdue", "逾期问题", False),
    ("closure_rate", "销号率", True),
    ("on_time_rate", "按期销号率", True),
    ("tasks_total", "重点任务交办数", False),
    ("tasks_done", "重点任务已办结", False),
    ("tasks_progress", "重点任务总体进度", True),
    ("livelihood_completed", "民生实事已完成项目", False),
    ("livelihood_progress", "民生实事平均进度", True),
)


# --- text -----------------------------------------------------------------------------------------------


def month_text(key: str) -> str:
    """``2026-10`` → ``2026年10月``."""
    year, month = key.split("-")
    return f"{int(year)}年{int(month)}月"


def time_text(iso: str) -> str:
    moment = dt.datetime.fromisoformat(iso)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def title_of(figures: Mapping[str, Any]) -> str:
    return f"{figures['campaign']['name']} {month_text(figures['month'])} 工作分析报告"


def pct(value: float | None) -> str:
    """A stored percent to one place, half up (46.153846 → 46.2%)."""
    return DASH if value is None else f"{Decimal(str(value)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)}%"


def num(value: Any) -> str:
    return DASH if value is None else str(value)


def change_text(now: float | int | None, before: float | int | None, is_percent: bool) -> str:
    if now is None or before is None:
        return DASH
    delta = round(float(now) - float(before), 2)
    if is_percent:
        return f"{delta:+.1f}个百分点" if delta else "持平"
    return f"{int(delta):+d}" if delta else "持平"


# --- document pieces ------------------------------------------------------------------------------------


def _chart(document: DocumentType, png: bytes) -> None:
    document.add_picture(io.BytesIO(png), width=Cm(16))


def _names(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    return [row["name"] for row in rows]


# --- sections -------------------------------------------------------------------------------------------


def _problems(document: DocumentType, figures: Mapping[str, Any]) -> None:
    section = figures["problems"]
    rows, total = section["rows"], section["total"]
    document.add_heading("一、问题整改", level=1)
    document.add_paragraph(
        f"截至快照时间，本活动共有问题 {total['total']} 个，已销号 {total['closed']} 个，"
        f"未销号 {total['open']} 个，其中逾期 {total['overdue']} 个；"
        f"销号率 {pct(total['closure_rate'])}，按期销号率 {pct(total['on_time_rate'])}。"
    )
    if rows:
        series = [("问题总数", [r["total"] for r in rows]), ("已销号", [r["closed"] for r in rows])]
        series.append(("逾期", [r["overdue"] for r in rows]))
        _chart(document, charts.bar_chart("各单位问题整改情况", _names(rows), series, ylabel="个"))
    lines = [
        (
            r["name"],
            num(r["total"]),
            num(r["closed"]),
            num(r["open"]),
            num(r["overdue"]),
            pct(r["closure_rate"]),
            pct(r["on_time_rate"]),
        )
        for r in [*rows, {**total, "name": TOTAL}]
    ]
    add_table(document, PROBLEM_HEADER, lines)


def _tasks(document: DocumentType, figures: Mapping[str, Any]) -> None:
    tasks, livelihood = figures["tasks"], figures["livelihood"]
    document.add_heading("二、重点任务与民生实事", level=1)
    document.add_heading("（一）重点任务", level=2)
    total = tasks["total"]
    document.add_paragraph(
        f"重点任务共交办 {total['total']} 项，已办结 {total['done']} 项，逾期 {total['overdue']} 项；"
        f"按任务权重汇总的总体进度为 {pct(tasks['campaign_progress'])}。"
    )
    rows = tasks["rows"]
    if rows:
        series = [("平均进度", [r["progress"] for r in rows])]
        _chart(document, charts.bar_chart("各单位重点任务平均进度", _names(rows), series, ylabel="%", top=100))
    lines = [
        (r["name"], num(r["total"]), num(r["done"]), num(r["overdue"]), pct(r["progress"]))
        for r in [*rows, {**total, "name": TOTAL}]
    ]
    add_table(document, TASK_HEADER, lines)
    document.add_heading("（二）民生实事", level=2)
    whole = livelihood["total"]
    document.add_paragraph(
        f"民生实事项目 {whole['projects']} 个（不含已终止的 {whole['stopped']} 个），已完成 {whole['completed']} 个，"
        f"平均进度 {pct(whole['progress'])}，群众满意率 {pct(whole['satisfaction'])}。"
    )
    places = [
        (
            r["name"],
            num(r["projects"]),
            num(r["completed"]),
            num(r["tasks"]),
            num(r["tasks_done"]),
            pct(r["progress"]),
            pct(r["satisfaction"]),
        )
        for r in [*livelihood["rows"], {**whole, "name": TOTAL}]
    ]
    add_table(document, LIVELIHOOD_HEADER, places)


def _demands(document: DocumentType, figures: Mapping[str, Any]) -> None:
    demands = figures["demands"]
    rows, total = demands["rows"], demands["total"]
    document.add_heading("三、接诉即办", level=1)
    weights = demands["weights"]
    document.add_paragraph(
        f"{month_text(figures['month'])}受理诉求 {total['received']} 件，"
        f"响应及时率 {pct(total['timeliness'])}，问题解决率 {pct(total['resolution'])}，"
        f"群众满意率 {pct(total['satisfaction'])}，综合得分 {pct(total['score'])}"
        f"（权重 {weights.get('timeliness', 0):g} : {weights.get('resolution', 0):g} : "
        f"{weights.get('satisfaction', 0):g}）。"
    )
    if rows:
        series = [("综合得分", [r["score"] for r in rows])]
        _chart(document, charts.bar_chart("各单位接诉即办综合得分", _names(rows), series, ylabel="%", top=100))
    lines = [
        (
            r["name"],
            num(r["received"]),
            pct(r["timeliness"]),
            pct(r["resolution"]),
            pct(r["satisfaction"]),
            pct(r["score"]),
            num(r.get("rank")),
            STATUS_TEXT.get(r["status"], ""),
        )
        for r in [*rows, {**total, "name": TOTAL, "rank": None, "status": ""}]
    ]
    add_table(document, DEMAND_HEADER, lines)
    document.add_heading("红黑榜", level=2)
    for kind, label in LIST_KINDS:
        found = demands["lists"][kind]
        red = "、".join(found["red"]) or "无"
        black = "、".join(found["black"]) or "无"
        document.add_paragraph(f"{label}：红榜 {red}；黑榜 {black}。")


def _collection(document: DocumentType, figures: Mapping[str, Any]) -> None:
    document.add_heading("四、定期报送", level=1)
    rounds = figures["collection"]["rounds"]
    if not rounds:
        document.add_paragraph("本月无报送轮次。")
        return
    submitted = sum(int(r["submitted"] or 0) for r in rounds)
    targets = sum(int(r["targets"] or 0) for r in rounds)
    document.add_paragraph(f"本月共 {len(rounds)} 个报送轮次，应报 {targets} 份，已报 {submitted} 份。")
    lines = [
        (
            str(r["title"]),
            num(r["deadline"]),
            num(r["targets"]),
            num(r["submitted"]),
            num(r["accepted"]),
            num(r["late"]),
            num(r["returned"]),
            num(r["pending"]),
        )
        for r in rounds
    ]
    add_table(document, COLLECTION_HEADER, lines)


def lowest(rows: Sequence[Mapping[str, Any]], key: str) -> list[str]:
    """The (up to) three units lowest on ``key`` among those that have a value, lowest first; ties by tree order."""
    scored = sorted((r for r in rows if r.get(key) is not None), key=lambda r: (r[key], r["path"]))
    return [f"{r['name']}（{pct(r[key])}）" for r in scored[:LOWEST]]


def _airing(document: DocumentType, figures: Mapping[str, Any]) -> None:
    document.add_heading("五、晾晒", level=1)
    document.add_paragraph("各项指标排名末三位的单位（无数据的单位不参与排名）：")
    measures = (
        ("销号率", figures["problems"]["rows"], "closure_rate"),
        ("按期销号率", figures["problems"]["rows"], "on_time_rate"),
        ("重点任务进度", figures["tasks"]["rows"], "progress"),
        ("接诉即办综合得分", figures["demands"]["rows"], "score"),
    )
    lines = []
    for label, rows, key in measures:
        names = lowest(rows, key)
        lines.append((label, *names, *[DASH] * (LOWEST - len(names))))
    add_table(document, LOWEST_HEADER, lines)
    ranking = figures.get("ranking")
    if not ranking:
        document.add_paragraph("截至快照时间尚无已发布的排名。")
        return
    published = f"（发布于 {ranking['published_at']}）" if ranking.get("published_at") else ""
    document.add_paragraph(f"最近发布的排名：{ranking['title']}{published}。")
    for label, rows in (("前三位", ranking["top"]), ("后三位", ranking["bottom"])):
        if rows:
            document.add_paragraph(label)
            lines = [(num(r["rank"]), r["unit"], num(r["score"]), STATUS_TEXT.get(r["band"], "")) for r in rows]
            add_table(document, RANKING_HEADER, lines)


def _changes(document: DocumentType, figures: Mapping[str, Any]) -> None:
    document.add_heading("六、环比", level=1)
    now, previous = figures["headline"], figures.get("previous")
    demands = figures["demands"]
    lines: list[tuple[str, ...]] = []
    if previous is None:
        document.add_paragraph(
            "上月没有生成月度快照，问题整改、重点任务和民生实事无法计算环比；接诉即办按上月受理的工单计算。"
        )
    else:
        document.add_paragraph(
            f"问题整改、重点任务和民生实事与上月快照（{time_text(previous['taken_at'])}）比较；"
            "接诉即办按本月与上月受理的工单分别计算。"
        )
        before = previous["headline"]
        for key, label, is_percent in CHANGES:
            shown = pct if is_percent else num
            change = change_text(now.get(key), before.get(key), is_percent)
            lines.append((label, shown(now.get(key)), shown(before.get(key)), change))
    for key, label in (("received", "诉求受理量"), ("timeliness", "响应及时率"), ("resolution", "问题解决率")):
        lines.append(_demand_change(label, demands, key))
    lines.append(_demand_change("群众满意率", demands, "satisfaction"))
    lines.append(_demand_change("接诉即办综合得分", demands, "score"))
    add_table(document, CHANGE_HEADER, lines)


def _demand_change(label: str, demands: Mapping[str, Any], key: str) -> tuple[str, ...]:
    now, before = demands["total"].get(key), demands["previous_total"].get(key)
    is_percent = key != "received"
    shown = pct if is_percent else num
    return (label, shown(now), shown(before), change_text(now, before, is_percent))


# --- the whole document ---------------------------------------------------------------------------------


def render(figures: Mapping[str, Any]) -> bytes:
    """The .docx of a snapshot's figures: the same figures give the same bytes."""
    taken = dt.datetime.fromisoformat(figures["taken_at"])
    title = title_of(figures)
    document = new_document(title, taken.astimezone(dt.UTC).replace(tzinfo=None), title_size=20)
    document.add_heading(title, level=0)
    campaign = figures["campaign"]
    document.add_paragraph(
        f"牵头单位：{campaign['unit']}。统计月份：{month_text(figures['month'])}。"
        f"数据截至 {time_text(figures['taken_at'])}（本报告全部数字取自该时刻的快照）。"
    )
    _problems(document, figures)
    _tasks(document, figures)
    _demands(document, figures)
    _collection(document, figures)
    _airing(document, figures)
    _changes(document, figures)
    return fixed_bytes(document, taken)
