"""Supervision (督导) in the demo, after Ningbo: the city sends 28 supervision groups (督导组) to 59 units — its
districts, counties and zones, departments and streets. Over the last two months the groups filed their visits
on the shared calendar (走访报备) in all four kinds (听汇报、看现场、查台账、访群众), recorded them with checklist
scores and, on 访 visits, questionnaires; their findings (督导发现) stand in every state, some transferred into
the visited units' problem lists; each visited unit has its supervision report (督导反馈报告) as a Word
document, issued, and some acknowledged by the unit. Meanwhile a few villages of the home district were visited
too often by other organisers (their later visits carry the calendar's warnings and the reasons given to go
ahead), and most units were never visited at all. The demo supervisor (``demo_supervisor``) leads group 1, so
what it sees beyond its home district comes from the group's assignments (scope by assignment).

Everything goes through ``luoshi.supervision.services``, ``luoshi.supervision.reports`` and
``luoshi.visits.services``. Call it inside the demo's transaction, after the campaign, the cast and the
rectification are built::

    build_supervision(demo, tree, cast, people, random.Random(seed + 5), services.today())
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count

from luoshi.access import scope
from luoshi.access.roles import Role
from luoshi.core import paths
from luoshi.demo.campaign import DemoCampaign
from luoshi.demo.orgtree import Node, OrgTree
from luoshi.demo.people import Cast, People
from luoshi.orgs.models import Unit
from luoshi.supervision import reports, services
from luoshi.supervision.choices import FindingKind, FindingState, MemberRole, ReportState
from luoshi.supervision.models import Finding, SupervisionGroup, SupervisionReport, VisitRecord
from luoshi.urging import services as urging
from luoshi.visits import services as visits
from luoshi.visits.choices import VisitState
from luoshi.visits.models import Visit

GROUPS = 28
UNITS = 59
DAYS = 60
GAP_DAYS = 15  # a group's visits to one unit stay apart, clear of the 3-in-14-days rule
SKIPPED_EVERY = 5  # every fifth assigned unit is not visited yet
KINDS: tuple[tuple[str, ...], ...] = (
    ("hears", "looks"),
    ("checks",),
    ("talks",),
    ("hears", "checks", "talks"),
    ("looks", "talks"),
    ("hears", "looks", "checks", "talks"),
)
CHECKLIST: tuple[tuple[str, int, str], ...] = (
    ("学习教育组织实施到位，专题学习有计划、有记录", 20, "理论学习"),
    ("问题清单、整改台账完整，销号有佐证", 25, "作风建设"),
    ("重点任务推进有力，节点按期完成", 20, "政治建设"),
    ("群众反映问题及时回应、办理见效", 25, "为民服务"),
    ("落实基层减负要求，不搞层层加码", 10, "作风建设"),
)
NOTES = (
    "听取了主要负责同志汇报，查阅学习记录和问题台账，实地查看了整改现场。",
    "走访了窗口单位和社区服务站，与办事群众交谈，了解整改成效。",
    "重点抽查了整改销号材料，部分佐证材料不够完整。",
    "召开座谈会听取基层干部意见，对照评分细则逐项打分。",
)
FINDINGS: tuple[tuple[str, str, str], ...] = (
    ("问题整改台账更新不及时", "部分问题的整改进展仍停留在上月，台账与实际不一致。", "problem"),
    ("专题学习存在以会代学现象", "学习记录中多次以工作会议代替专题学习，研讨发言准备不足。", "problem"),
    ("销号佐证材料不完整", "抽查的整改销号问题中，有的缺少现场照片和群众评价。", "problem"),
    ("基层填表报数负担仍然较重", "社区反映同一数据需向多个部门重复报送。", "risk"),
    ("“街巷长”制发现问题即交办", "推行街巷长制度，问题发现后当日交办、限时办结，群众评价较好。", "practice"),
    ("群众诉求回应不够及时", "12345 转办件有多件超期未回复。", "problem"),
)
STAR_ORGANISERS = (
    ("区委主要领导调研", 4),
    ("区住房城乡建设局检查组", 6),
    ("区民政局调研组", 3),
    ("市委政策研究室调研组", 5),
    ("区纪委监委督查组", 12),
    ("区农业农村局调研组", 4),
)
OVERRIDE_REASONS = (
    "该村为省级示范点，上级领导点名调研，已与村里沟通错峰安排，不开座谈会。",
    "整改问题需现场复核，已压缩人数、不安排汇报。",
    "督查事项有时限要求，确需本周到现场。",
)
STAR_VILLAGES = 3
ACKNOWLEDGE_EVERY = 2  # every second issued report has been acknowledged
RETAKEN_REPORT = 1  # this one was withdrawn, corrected and issued again, and its unit is urged to sign it


@dataclass
class SupervisionDemo:
    groups: list[SupervisionGroup] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    stars: list[Unit] = field(default_factory=list)
    warned: list[Visit] = field(default_factory=list)


def _targets(tree: OrgTree) -> list[Unit]:
    """59 units: the district-level units (the home district last, so group 1 supervises others), departments,
    streets taken round the districts, and more departments when a small tree has too few streets."""
    districts = [n.saved() for n in tree.districts]
    departments = [n.saved() for n in tree.departments]
    by_district = [[c for c in node.children if c.kind == "street"] for node in tree.districts]
    streets: list[Node] = []
    for i in range(max((len(s) for s in by_district), default=0)):
        streets += [s[i] for s in by_district if i < len(s)]
    chosen = [*districts[1:], districts[0], *departments[:15]]
    chosen += [s.saved() for s in streets[: UNITS - len(chosen)]]
    chosen += departments[15 : 15 + UNITS - len(chosen)]
    return chosen[:UNITS]


def _leaders(cast: Cast, people: People, tree: OrgTree) -> list[Any]:
    """Group 1 is led by the demo supervisor; the other groups by officials drawn from the city's departments."""
    leaders = [cast.supervisor]
    for i in range(2, GROUPS + 1):
        home = tree.departments[(i - 2) % len(tree.departments)].saved()
        leaders.append(people.user(f"sup{i:02d}_leader", f"市委第{i}督导组组长", Role.SUPERVISOR, home))
    return leaders


def _groups(demo: DemoCampaign, tree: OrgTree, cast: Cast, people: People, start: dt.date) -> SupervisionDemo:
    office, city = cast.office, tree.city
    built = SupervisionDemo(units=_targets(tree))
    leaders = _leaders(cast, people, tree)
    for i in range(GROUPS):
        group = services.create_group(
            office, campaign=demo.campaign, unit=city, name=f"市委第{i + 1}督导组", note="主题教育巡回督导"
        )
        services.add_member(office, group, leaders[i], MemberRole.LEADER)
        built.groups.append(group)
    services.add_member(office, built.groups[0], cast.city_liaison, MemberRole.LIAISON)
    for index, unit in enumerate(built.units):
        services.assign_unit(office, built.groups[index % GROUPS], unit, start)
    for leader in leaders:
        scope.forget(leader)
    return built


def _checklist(demo: DemoCampaign, office: Any) -> list[Any]:
    aspects = {a.name: a for a in demo.aspects}
    return [
        services.add_checklist_item(office, demo.campaign, text=text, max_score=most, aspect=aspects.get(aspect))
        for text, most, aspect in CHECKLIST
    ]


def _scores(items: list[Any], rng: random.Random) -> dict[int, Decimal]:
    return {item.pk: (item.max_score * Decimal(rng.randint(62, 100)) / 100).quantize(Decimal("0.1")) for item in items}


def _questionnaire(rng: random.Random) -> list[dict[str, Any]]:
    respondents = rng.randint(12, 40)
    satisfied = rng.randint(respondents // 2, respondents - 2)
    basically = rng.randint(0, respondents - satisfied - 1)
    return [
        {
            "topic": "群众对主题教育整改成效的评价",
            "respondents": respondents,
            "satisfied": satisfied,
            "basically_satisfied": basically,
            "dissatisfied": respondents - satisfied - basically,
        }
    ]


def _file(
    actor: Any, group: SupervisionGroup, unit: Unit, day: dt.date, kinds: tuple[str, ...], rng: random.Random
) -> Visit:
    """A visit on the calendar; should it trip a warning the group goes ahead with its reason, as people would."""
    fields: dict[str, Any] = {
        "unit": unit,
        "date": day,
        "headcount": rng.randint(3, 8),
        "team": f"{group.name}成员",
        "kinds": kinds,
        "purpose": "主题教育巡回督导",
    }
    try:
        return services.plan_visit(actor, group, **fields)
    except visits.VisitRefused as refused:
        if refused.code != "needs_reason":
            raise
        return services.plan_visit(actor, group, **fields, override_reason=OVERRIDE_REASONS[1])


def _visits(
    built: SupervisionDemo, demo: DemoCampaign, items: list[Any], rng: random.Random, today: dt.date
) -> list[tuple[SupervisionGroup, Unit, VisitRecord]]:
    """Each visited unit 1–2 past visits, recorded; a few visits planned for the next two weeks."""
    recorded: list[tuple[SupervisionGroup, Unit, VisitRecord]] = []
    for index, unit in enumerate(built.units):
        if index % SKIPPED_EVERY == SKIPPED_EVERY - 1:
            continue
        group = built.groups[index % GROUPS]
        leader = group.members.get(role=MemberRole.LEADER).user
        first = today - dt.timedelta(days=rng.randint(GAP_DAYS + 2, DAYS))
        days = [first] + ([first + dt.timedelta(days=GAP_DAYS + rng.randint(0, 10))] if index % 2 == 0 else [])
        for n, day in enumerate(d for d in days if d < today):
            kinds = KINDS[(index + n) % len(KINDS)]
            visit = _file(leader, group, unit, day, kinds, rng)
            record = services.record_visit(
                leader,
                visit,
                group,
                NOTES[(index + n) % len(NOTES)],
                scores=_scores(items, rng),
                questionnaires=_questionnaire(rng) if visit.talks else (),
            )
            recorded.append((group, unit, record))
        if index % 7 == 0:
            _file(leader, group, unit, today + dt.timedelta(days=rng.randint(2, 14)), KINDS[index % len(KINDS)], rng)
    return recorded


def _findings(
    recorded: list[tuple[SupervisionGroup, Unit, VisitRecord]],
    demo: DemoCampaign,
    city_level: set[int],
    today: dt.date,
) -> None:
    """A finding on most recorded visits, moved on in turn: draft, confirmed, transferred, dismissed. Only findings
    in districts and streets become problems (the city-level problem list stays the rectification demo's)."""
    plan = ("confirmed", "transferred", "draft", "confirmed", "dismissed", "transferred", "confirmed")
    aspects = {a.name: a for a in demo.aspects}
    for n, (group, unit, record) in enumerate(recorded):
        if n % 4 == 3:
            continue
        leader = group.members.get(role=MemberRole.LEADER).user
        title, description, kind = FINDINGS[n % len(FINDINGS)]
        finding = services.record_finding(
            leader,
            group,
            unit=unit,
            title=title,
            description=description,
            kind=kind,
            aspect=aspects.get("作风建设") or demo.aspects[0],
            requirement="请于 30 日内整改到位并报送整改情况。" if kind != FindingKind.PRACTICE else "",
            due_date=today + dt.timedelta(days=30),
            visit_record=record,
        )
        wanted = plan[n % len(plan)]
        if kind == FindingKind.PRACTICE and wanted in ("transferred", "dismissed"):
            wanted = "confirmed"
        if wanted == "transferred" and unit.pk in city_level:
            wanted = "confirmed"
        if wanted == "draft":
            continue
        if wanted == "dismissed":
            services.dismiss_finding(leader, finding, reason="经核实，该情况已在督导前整改到位。")
            continue
        finding = services.confirm_finding(leader, finding, note="经督导组集体研究确认。")
        if wanted == "transferred":
            services.transfer_finding(leader, finding)


def _acknowledger(unit: Unit, cast: Cast) -> Any:
    """Who signs for a unit: the liaison of the district it lies in, or the city's liaison."""
    for district in cast.districts:
        if paths.is_within(unit.path, district.unit.path):
            return district.liaison
    return cast.city_liaison


def _reports(recorded: list[tuple[SupervisionGroup, Unit, VisitRecord]], cast: Cast, today: dt.date) -> None:
    """One report per visited unit, generated as a Word document and issued; every second one acknowledged, one
    withdrawn and issued again, then urged."""
    seen: dict[int, tuple[SupervisionGroup, Unit]] = {}
    for group, unit, _record in recorded:
        seen.setdefault(unit.pk, (group, unit))
    for n, (group, unit) in enumerate(seen.values()):
        due = today + dt.timedelta(days=30)
        version = reports.generate_report(cast.office, group, unit, due_date=due)
        issued = reports.issue_report(cast.office, version.report, note="请认真抓好整改落实。")
        if n == RETAKEN_REPORT:
            back = reports.withdraw_report(cast.office, issued, note="整改时限有误，修改后重新印发。")
            version = reports.generate_report(
                cast.office, group, unit, round=back.round, due_date=due + dt.timedelta(days=15)
            )
            issued = reports.issue_report(cast.office, version.report, note="已更正整改时限。")
            urging.urge(cast.office, [issued], message="请尽快签收督导反馈报告并报送整改打算。")
        elif n % ACKNOWLEDGE_EVERY == 0:
            reports.acknowledge_report(_acknowledger(unit, cast), issued, note="已收到，将按要求抓好整改。")


def _star_villages(
    demo: DemoCampaign, tree: OrgTree, cast: Cast, rng: random.Random, today: dt.date
) -> tuple[list[Unit], list[Visit]]:
    """A few villages of the home district that everyone visits (“明星村”): six organisers within twelve days,
    so from the third visit on the calendar warns and each goes ahead with a reason; one party is too big."""
    home = cast.home
    streets = [n for n in tree.districts[0].children if n.kind == "street"]
    villages = [v.saved() for s in streets for v in s.children if v.kind == "village"][:STAR_VILLAGES]
    warned: list[Visit] = []
    for v, village in enumerate(villages):
        start = today - dt.timedelta(days=rng.randint(14, 40))
        for n, (organiser, headcount) in enumerate(STAR_ORGANISERS):
            day = start + dt.timedelta(days=2 * n)
            fields: dict[str, Any] = {
                "campaign": demo.campaign,
                "unit": village,
                "date": day,
                "headcount": headcount,
                "team": f"{organiser}一行",
                "organiser": organiser,
                "kinds": KINDS[(v + n) % len(KINDS)],
                "purpose": "调研主题教育整改落实情况",
            }
            try:
                visit = visits.file_visit(home.office, **fields)
            except visits.VisitRefused:
                visit = visits.file_visit(home.office, **fields, override_reason=OVERRIDE_REASONS[n % 3])
                warned.append(visit)
            if day <= today:
                visits.mark_recorded(home.office, visit)
    return villages, warned


def build_supervision(
    demo: DemoCampaign, tree: OrgTree, cast: Cast, people: People, rng: random.Random, today: dt.date
) -> list[str]:
    """Ningbo's 28 groups and 59 units, two months of visits, findings and reports; the summary lines."""
    start = max(demo.campaign.starts_on, today - dt.timedelta(days=DAYS + 10))
    built = _groups(demo, tree, cast, people, start)
    items = _checklist(demo, cast.office)
    built.stars, built.warned = _star_villages(demo, tree, cast, rng, today)
    recorded = _visits(built, demo, items, rng, today)
    city_level = {tree.city.pk, *(n.saved().pk for n in tree.departments)}
    _findings(recorded, demo, city_level, today)
    _reports(recorded, cast, today)
    return supervision_lines(demo, built)


def supervision_lines(demo: DemoCampaign, built: SupervisionDemo) -> list[str]:
    campaign = demo.campaign
    groups = SupervisionGroup.objects.filter(campaign=campaign)
    units = groups.values("assignments__unit").exclude(assignments__unit=None).distinct().count()
    every = Visit.objects.filter(campaign=campaign).exclude(state=VisitState.CANCELLED)
    visits_made = every.filter(organiser_key__startswith="group:")  # the groups' own visits
    by_kind = {label: visits_made.filter(**{kind: True}).count() for kind, label in _KIND_LABELS}
    findings = Counter(
        dict(Finding.objects.filter(group__campaign=campaign).values_list("state").annotate(n=Count("id")))
    )
    states = "，".join(f"{FindingState(s).label} {findings.get(s, 0)}" for s in FindingState.values)
    report_rows = SupervisionReport.objects.filter(group__campaign=campaign)
    issued = report_rows.exclude(state=ReportState.DRAFT).count()
    acknowledged = report_rows.filter(state=ReportState.ACKNOWLEDGED).count()
    visited = set(every.values_list("unit_id", flat=True).distinct())
    never = Unit.objects.filter(paths.subtree_q(campaign.unit.path, "path")).exclude(pk__in=visited).count()
    kinds = "、".join(f"{label} {n}" for label, n in by_kind.items())
    stars = "、".join(u.name for u in built.stars)
    recorded = visits_made.filter(state=VisitState.RECORDED).count()
    return [
        f"  督导：派出 {groups.count()} 个督导组，对 {units} 家单位开展督导；"
        f"督导走访 {visits_made.count()} 次（{kinds}），已记录 {recorded} 次",
        f"  督导发现 {sum(findings.values())} 条：{states}；督导反馈报告 {report_rows.count()} 份"
        f"（已印发 {issued}，已签收 {acknowledged}）",
        f"  走访报备：扎堆走访的村社区 {len(built.stars)} 个（{stars}），"
        f"触发提醒后说明理由仍报备 {len(built.warned)} 次；本活动中从未被走访的单位 {never} 个",
    ]


_KIND_LABELS = (("hears", "听"), ("looks", "看"), ("checks", "查"), ("talks", "访"))
