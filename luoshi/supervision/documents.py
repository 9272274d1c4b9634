"""The supervision report of one unit (督导反馈报告) as a Word document (python-docx).

What was seen (each visit: date, kinds 听/看/查/访, headcount, notes, and the questionnaires of 访 with their
satisfaction counts), the checklist score, what was found (confirmed and transferred findings by aspect and
kind), what is required and by when (each finding's requirement and due date, the report's due date).

Only the unit's rows are read, each through an index (``queries.unit_records``, ``unit_findings``,
``unit_score`` of the groups' side): the group's records of the unit's visits with their questionnaires and
scores, and the group's findings in the unit. The same
data gives the same bytes: the core properties are dated at the report's creation and the package is rewritten
with every zip entry dated then too (as ``luoshi.analysis`` does). The text is Chinese and deliberately not run
through gettext: one report reads the same whoever renders it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH

from luoshi.core.word import add_table, fixed_bytes, new_document
from luoshi.supervision import queries
from luoshi.supervision.choices import FindingKind, FindingState
from luoshi.supervision.models import ChecklistScore, Finding, SupervisionReport, VisitRecord
from luoshi.visits.models import Visit

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DASH = "—"
ONE_PLACE = Decimal("0.1")
KINDS = (("hears", "听"), ("looks", "看"), ("checks", "查"), ("talks", "访"))
KIND_WORDS = {"hears": "听取汇报", "looks": "实地查看", "checks": "查阅台账", "talks": "走访群众"}
REPORTED = (FindingState.CONFIRMED, FindingState.TRANSFERRED)
NUMERALS = "一二三四五六七八九十"
OTHER_ASPECT = "其他方面"

VISIT_HEADER = ("序号", "走访日期", "方式", "人数", "走访情况")
SURVEY_HEADER = ("走访日期", "问卷主题", "受访人数", "满意", "基本满意", "不满意", "满意率")
SCORE_HEADER = ("评分项", "评分次数", "满分", "得分")
TOTAL = "合计"


@dataclass(frozen=True)
class ItemScore:
    """One checklist item over the unit's scored visits: its points summed, as ``queries.unit_score`` sums them."""

    text: str
    times: int
    scored: Decimal
    possible: Decimal


@dataclass
class UnitFacts:
    """What one group saw and found in one unit, read once for the document."""

    records: list[VisitRecord]
    findings: list[Finding]
    score: queries.Score | None
    items: list[ItemScore] = field(default_factory=list)


# --- reading --------------------------------------------------------------------------------------------------


def unit_facts(report: SupervisionReport) -> UnitFacts:
    """The group's records in the unit (with their scores and questionnaires), its confirmed and transferred
    findings there and the unit's checklist score: a handful of indexed queries whatever the calendar's size."""
    records = list(queries.unit_records(report.group, report.unit))
    findings = list(
        queries.unit_findings(report.group, report.unit)
        .filter(state__in=REPORTED)
        .order_by("aspect__order", "aspect_id", "kind", "id")
    )
    return UnitFacts(records, findings, queries.unit_score(report.group, report.unit), item_scores(records))


def item_scores(records: Iterable[VisitRecord]) -> list[ItemScore]:
    """Each checklist item's points over the records that scored it, in the checklist's order."""
    rows: dict[int, list[ChecklistScore]] = defaultdict(list)
    for record in records:
        for row in record.scores.all():
            rows[row.item_id].append(row)
    ordered = sorted(rows.values(), key=lambda found: (found[0].item.order, found[0].item_id))
    return [
        ItemScore(
            found[0].item.text,
            len(found),
            sum((r.score for r in found), Decimal(0)),
            found[0].item.max_score * len(found),
        )
        for found in ordered
    ]


# --- text -----------------------------------------------------------------------------------------------------


def date_text(day: dt.date | None) -> str:
    return DASH if day is None else f"{day.year}年{day.month}月{day.day}日"


def kinds_text(visit: Visit) -> str:
    return "、".join(word for name, word in KINDS if getattr(visit, name)) or DASH


def number_text(value: Decimal) -> str:
    return f"{value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)}"


def rate_text(part: int, whole: int) -> str:
    if not whole:
        return DASH
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)}%"


def ordinal(index: int) -> str:
    return NUMERALS[index] if index < len(NUMERALS) else str(index + 1)


def title_of(report: SupervisionReport) -> str:
    return f"{report.group.name}关于{report.unit.name}的督导反馈报告"


# --- document pieces ------------------------------------------------------------------------------------------


def _opening(document: DocumentType, report: SupervisionReport, facts: UnitFacts) -> None:
    group, visits = report.group, [record.visit for record in facts.records]
    document.add_paragraph(f"{report.unit.name}：")
    campaign = group.campaign.name
    if not visits:
        document.add_paragraph(
            f"根据{campaign}工作安排，{group.name}对你单位开展第{report.round}轮督导，目前尚无走访记录。"
        )
        return
    counts = "、".join(
        f"{KIND_WORDS[name]}{sum(1 for v in visits if getattr(v, name))}次"
        for name, _ in KINDS
        if any(getattr(v, name) for v in visits)
    )
    first, last = visits[0].date, visits[-1].date
    period = date_text(first) if first == last else f"{date_text(first)}至{date_text(last)}"
    document.add_paragraph(
        f"根据{campaign}工作安排，{group.name}于{period}对你单位开展第{report.round}轮督导，"
        f"共走访{len(visits)}次（{counts}）。现将督导情况反馈如下。"
    )


def _seen(document: DocumentType, facts: UnitFacts) -> None:
    document.add_heading("一、督导开展情况", level=1)
    if not facts.records:
        document.add_paragraph("本轮暂无走访记录。")
        return
    rows = [
        (str(i), date_text(r.visit.date), kinds_text(r.visit), str(r.visit.headcount), r.notes)
        for i, r in enumerate(facts.records, start=1)
    ]
    add_table(document, VISIT_HEADER, rows)
    surveys = [(r.visit.date, q) for r in facts.records for q in r.questionnaires.all()]
    if not surveys:
        return
    document.add_paragraph("问卷调查情况如下（满意率为“满意”与“基本满意”人数之和占受访人数的比例）：")
    lines = [
        (
            date_text(day),
            q.topic,
            str(q.respondents),
            str(q.satisfied),
            str(q.basically_satisfied),
            str(q.dissatisfied),
            rate_text(q.satisfied + q.basically_satisfied, q.respondents),
        )
        for day, q in surveys
    ]
    asked, happy = sum(q.respondents for _, q in surveys), sum(q.satisfied for _, q in surveys)
    basic, unhappy = sum(q.basically_satisfied for _, q in surveys), sum(q.dissatisfied for _, q in surveys)
    lines.append((TOTAL, DASH, str(asked), str(happy), str(basic), str(unhappy), rate_text(happy + basic, asked)))
    add_table(document, SURVEY_HEADER, lines)


def _scored(document: DocumentType, facts: UnitFacts) -> None:
    document.add_heading("二、评分情况", level=1)
    score = facts.score
    if score is None or not facts.items:
        document.add_paragraph("本轮督导未评分。")
        return
    document.add_paragraph(
        f"对照督导评分细则，你单位各次走访累计得分{number_text(score.scored)}分"
        f"（满分{number_text(score.possible)}分），得分率{number_text(score.percent)}%。"
    )
    rows = [(item.text, str(item.times), number_text(item.possible), number_text(item.scored)) for item in facts.items]
    rows.append((TOTAL, DASH, number_text(score.possible), number_text(score.scored)))
    add_table(document, SCORE_HEADER, rows)


def _found(document: DocumentType, facts: UnitFacts) -> None:
    document.add_heading("三、发现的主要问题", level=1)
    if not facts.findings:
        document.add_paragraph("本轮督导未发现需要反馈的问题。")
        return
    by_aspect: dict[str, list[Finding]] = {}
    for finding in facts.findings:
        by_aspect.setdefault(finding.aspect.name if finding.aspect else OTHER_ASPECT, []).append(finding)
    for index, (aspect, found) in enumerate(by_aspect.items()):
        document.add_heading(f"（{ordinal(index)}）{aspect}", level=2)
        for number, finding in enumerate(found, start=1):
            kind = FindingKind(finding.kind).label
            moved = "（已转入问题清单跟踪整改）" if finding.state == FindingState.TRANSFERRED else ""
            document.add_paragraph(f"{number}. 【{kind}】{finding.title}。{finding.description}{moved}")


def _required(document: DocumentType, report: SupervisionReport, facts: UnitFacts) -> None:
    document.add_heading("四、整改要求", level=1)
    wanted = [f for f in facts.findings if f.kind != FindingKind.PRACTICE]
    for number, finding in enumerate(wanted, start=1):
        requirement = finding.requirement.strip() or "对照问题认真整改，举一反三、建章立制。"
        due = finding.due_date or report.due_date
        by = f"（完成时限：{date_text(due)}）" if due else ""
        document.add_paragraph(f"{number}. {finding.title}：{requirement}{by}")
    group = report.group.name
    if report.due_date:
        document.add_paragraph(
            f"请于{date_text(report.due_date)}前完成整改，并将整改情况书面报送{group}。",
        )
    else:
        document.add_paragraph(f"请认真对照反馈问题抓好整改，并将整改情况书面报送{group}。")


def _signature(document: DocumentType, report: SupervisionReport, day: dt.date) -> None:
    for text in (report.group.name, date_text(day)):
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


# --- the whole document ---------------------------------------------------------------------------------------


def render_facts(report: SupervisionReport, facts: UnitFacts) -> bytes:
    """The .docx of ``report`` from ``facts``: the same facts give the same bytes."""
    made = report.created_at.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    title = title_of(report)
    document = new_document(title, made)
    document.add_heading(title, level=0)
    _opening(document, report, facts)
    _seen(document, facts)
    _scored(document, facts)
    _found(document, facts)
    _required(document, report, facts)
    _signature(document, report, timezone.localtime(report.created_at).date())
    return fixed_bytes(document, made)


def render_report(report: SupervisionReport) -> bytes:
    """The Word document of ``report`` from its group's visits and findings in its unit, read now."""
    report = SupervisionReport.objects.select_related("group__campaign", "unit").get(pk=report.pk)
    return render_facts(report, unit_facts(report))
