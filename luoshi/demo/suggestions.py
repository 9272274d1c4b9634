"""Suggestions (建言献策) in the demo: a few thousand suggestions from members in the platform and from the public,
in every state: waiting for triage, triaged, referred to the districts (some past their deadline), answered,
closed with each adoption, and dismissed; similar ones grouped (one group answered in bulk), private notes, answer
templates, and a few converted into a key task, a problem and a livelihood project proposal.

The recent suggestions go through ``luoshi.suggestions.intake`` and ``services`` (the engine, its timeline and the
audit log); the older, closed ones are written in bulk with the same timeline entries and one audit record, so the
demo stays fast.

Call it after the campaign, the cast and the member register are built::

    lines = build_suggestions(demo, tree, cast, people, random.Random(seed + 9), today)
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db.models import Count
from django.utils import timezone

from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import Cast
from luoshi.orgs.models import Unit
from luoshi.suggestions import intake, services
from luoshi.suggestions.choices import Adoption, EventKind, Source, SuggestionCategory, SuggestionState
from luoshi.suggestions.models import Suggestion, SuggestionConversion, SuggestionEvent, SuggestionGroup
from luoshi.suggestions.queries import overdue_q

C = SuggestionCategory
S = SuggestionState
TOTAL = 3000
RECENT = 150  # through intake and the engine; the rest (older, closed) in bulk
BATCH = 1000

# (category, title, content): what people suggest; {place} is a district's name.
IDEAS: tuple[tuple[str, str, str], ...] = (
    (C.LIVELIHOOD, "增设社区便民服务点", "建议在{place}各社区增设便民服务点，方便老年人就近办理社保、医保业务。"),
    (C.LIVELIHOOD, "老旧小区加装电梯", "{place}不少老旧小区住着高龄老人，建议简化加装电梯审批，加大补贴力度。"),
    (C.LIVELIHOOD, "增开早晚高峰公交线路", "建议在{place}早晚高峰增开公交班次，缓解上下班出行难。"),
    (C.LIVELIHOOD, "学校周边交通秩序整治", "{place}学校周边上下学时段拥堵严重，建议增设临时停车区并安排疏导。"),
    (C.DEVELOPMENT, "优化企业开办流程", "建议{place}推行企业开办“一件事”一次办，压缩办理时间。"),
    (C.DEVELOPMENT, "减少涉企重复检查", "{place}部分企业反映检查过多过频，建议推行综合查一次。"),
    (C.GOVERNANCE, "减少基层报表填报", "{place}村（社区）报表多、系统多，建议整合填报平台，为基层减负。"),
    (C.GOVERNANCE, "小区物业矛盾调处", "建议{place}建立社区、物业、业委会三方协商机制，及时化解物业纠纷。"),
    (C.STYLE, "精简会议文件", "建议{place}严控会议规模和文件数量，能合并的合并，能不开的不开。"),
    (C.STYLE, "窗口服务态度改进", "{place}个别窗口工作人员态度生硬，建议加强培训并公开投诉渠道。"),
    (C.ENVIRONMENT, "黑臭水体治理", "{place}城郊河道仍有异味，建议加快截污纳管并定期公布水质。"),
    (C.ENVIRONMENT, "垃圾分类设施完善", "建议{place}在小区增设分类投放点和误时投放点，方便居民。"),
    (C.OTHER, "公开办事指南", "建议{place}各部门在网上公开办事指南和所需材料清单，一次性告知。"),
)
ANSWERS = (
    "感谢您的建议。经研究，已列入今年工作计划，将于年底前完成。",
    "您的建议已转有关部门研究，相关措施正在推进中，进展将在网站公开。",
    "经调查核实，该问题已完成整改，欢迎继续监督。",
    "受资金和规划限制，暂不具备实施条件，我们将在下一年度统筹考虑。",
)
REASONS = {
    Adoption.FULL: "建议切实可行，已全部采纳并落实。",
    Adoption.PARTIAL: "建议部分可行，已采纳其中的主要措施。",
    Adoption.NONE: "受条件限制暂不采纳，已向建议人说明。",
}
DISMISS = "建议内容与本次活动无关，已告知建议人通过其他渠道反映。"
NOTES = ("建议人多次反映同类问题，请承办单位重点关注。", "已电话联系建议人，了解具体位置。")
TEMPLATES = (
    ("已采纳并落实", "感谢您的建议。经研究，您的建议已被采纳，相关措施已落实到位。"),
    ("转有关部门研究", "感谢您的建议。您的建议已转有关部门研究办理，我们将及时答复办理结果。"),
    ("暂不具备条件", "感谢您的建议。经研究，目前暂不具备实施条件，我们将持续关注并适时推进。"),
)
# The recent suggestions end in each state (per cent of RECENT).
RECENT_STATES: tuple[tuple[str, int], ...] = (
    (S.SUBMITTED, 20),
    (S.TRIAGED, 14),
    (S.REFERRED, 30),
    (S.ANSWERED, 16),
    (S.CLOSED, 13),
    (S.DISMISSED, 7),
)


def _idea(rng: random.Random, districts: Sequence[Unit]) -> tuple[str, str, str, Unit]:
    category, title, content = rng.choice(IDEAS)
    district = rng.choice(districts)
    return category, f"关于{title}的建议", content.format(place=district.name), district


# --- the recent suggestions, through intake and the engine ---------------------------------------------------------


def _submit(campaign: Any, cast: Cast, rng: random.Random, idea: tuple[str, str, str, Unit]) -> Suggestion:
    category, title, content, district = idea
    if rng.random() < 0.5:
        made, _code = intake.submit_public_suggestion(
            campaign=campaign, title=title, content=content, category=category, topic="",
            name=rng.choice(("张", "王", "李", "赵", "陈")) + "先生", phone=f"139{rng.randrange(10**8):08d}",
            anonymous=rng.random() < 0.2,
        )  # fmt: skip
        return made
    who = next((d for d in cast.districts if d.unit == district), cast.districts[0])
    actor = rng.choice((who.liaison, who.leader))
    return intake.submit_member_suggestion(actor, campaign=campaign, title=title, content=content, category=category)


def _drive(office: Any, cast: Cast, s: Suggestion, state: str, district: Unit, rng: random.Random) -> Suggestion:
    if state == S.SUBMITTED:
        return s
    if state == S.DISMISSED:
        return services.dismiss_suggestion(office, s, reason=DISMISS)
    s = services.triage_suggestion(office, s, category=s.category, topic=s.title[2:-3][:20])
    if state == S.TRIAGED:
        return s
    deadline = services.today() + dt.timedelta(days=rng.randint(1, 20))
    s = services.refer_suggestion(office, s, unit=district, deadline=deadline)
    if rng.random() < 0.2:
        services.add_note(office, s, text=rng.choice(NOTES))
    if state == S.REFERRED:
        return s
    liaison = next((d.liaison for d in cast.districts if d.unit == district), None)
    s = services.answer_suggestion(liaison or office, s, text=rng.choice(ANSWERS), public=rng.random() < 0.6)
    if state == S.ANSWERED:
        return s
    adoption = rng.choice(Adoption.values)
    return services.decide_suggestion(office, s, adoption=adoption, reason=REASONS[Adoption(adoption)])


def _make_overdue(rows: list[Suggestion], today: dt.date, rng: random.Random) -> int:
    """A third of the referred ones were referred weeks ago and are past their deadline now."""
    late = [s for s in rows if s.state == S.REFERRED][::3]
    for s in late:
        referred = timezone.now() - dt.timedelta(days=rng.randint(20, 40))
        deadline = today - dt.timedelta(days=rng.randint(1, 10))
        Suggestion.objects.filter(pk=s.pk).update(referred_at=referred, deadline=deadline, light="red")
        SuggestionEvent.objects.filter(suggestion=s, kind=EventKind.REFERRED).update(at=referred)
    return len(late)


def _groups(office: Any, campaign: Any, rows: list[Suggestion]) -> list[SuggestionGroup]:
    """Similar suggestions (the same title) grouped; the first group's referred ones are answered in bulk."""
    by_title: dict[str, list[Suggestion]] = {}
    open_ones = Suggestion.objects.filter(pk__in=[s.pk for s in rows]).exclude(state__in=(S.DISMISSED, S.CLOSED))
    for s in open_ones.order_by("id"):
        by_title.setdefault(s.title, []).append(s)
    made = []
    for title, similar in sorted(by_title.items(), key=lambda kv: -len(kv[1]))[:6]:
        group = services.create_group(
            office, campaign=campaign, title=title.removeprefix("关于").removesuffix("的建议")
        )
        for s in similar[:8]:
            services.add_to_group(office, s, group)
        made.append(group)
    if made:
        referred = Suggestion.objects.filter(group=made[0], state=S.REFERRED)
        services.bulk_answer(office, list(referred), text=ANSWERS[1], public=True)
    return made


def _conversions(office: Any, demo: Any, rows: list[Suggestion], today: dt.date) -> None:
    closed = [s for s in rows if s.state in (S.CLOSED, S.ANSWERED)]
    if len(closed) < 3:
        return
    campaign = demo.campaign
    due = min(campaign.ends_on, today + dt.timedelta(days=60))
    services.convert_to_task(office, closed[0], title=closed[0].title.removeprefix("关于"), due_on=due)
    services.convert_to_problem(
        office, closed[1], title=closed[1].title, channel=demo.channels[0], aspect=demo.aspects[0],
        deadline=today + dt.timedelta(days=30),
    )  # fmt: skip
    services.convert_to_proposal(office, closed[2], title=closed[2].title[:100])


# --- the older, closed suggestions, in bulk ------------------------------------------------------------------------


def _bulk_row(campaign: Any, cast: Cast, rng: random.Random, districts: Sequence[Unit], n: int) -> Any:
    category, title, content, district = _idea(rng, districts)
    created = timezone.now() - dt.timedelta(days=rng.randint(45, 140), hours=rng.randint(0, 23))
    public = rng.random() < 0.5
    who = next((d for d in cast.districts if d.unit == district), cast.districts[0])
    row = Suggestion(
        campaign=campaign,
        number=f"JY{created:%Y%m%d}H{n:05d}",
        tracking_code="",
        source=Source.PUBLIC if public else Source.MEMBER,
        category=category,
        topic=title[2:-3][:20],
        title=title,
        content=content,
        submitted_by=None if public else who.liaison,
        anonymous=public and rng.random() < 0.3,
        org_path=campaign.unit.path,
    )
    if rng.random() < 0.08:
        row.state, row.adoption_reason, row.decided_at = S.DISMISSED, DISMISS, created + dt.timedelta(days=2)
        return row, created
    referred = created + dt.timedelta(days=2)
    row.unit, row.org_path, row.referred_at = district, district.path, referred
    row.deadline = timezone.localdate(referred) + dt.timedelta(days=15)
    row.answered_at = referred + dt.timedelta(days=rng.randint(2, 20))
    row.answer, row.answer_public, row.answered_by = rng.choice(ANSWERS), rng.random() < 0.6, who.liaison
    row.state = S.ANSWERED if rng.random() < 0.15 else S.CLOSED
    if row.state == S.CLOSED:
        row.adoption = rng.choices(Adoption.values, weights=(5, 3, 2))[0]
        row.adoption_reason, row.decided_at = REASONS[Adoption(row.adoption)], row.answered_at + dt.timedelta(days=3)
    return row, created


def _bulk_events(row: Suggestion, created: dt.datetime, office: Any) -> list[SuggestionEvent]:
    def ev(kind: str, at: dt.datetime, frm: str, to: str, note: str = "", actor: Any = office) -> SuggestionEvent:
        return SuggestionEvent(
            suggestion=row, org_path=row.org_path, at=at, actor=actor, kind=kind, from_state=frm, to_state=to, note=note
        )

    found = [ev(EventKind.SUBMITTED, created, "", "", actor=row.submitted_by)]
    if row.state == S.DISMISSED:
        return [*found, ev(EventKind.DISMISSED, row.decided_at or created, S.SUBMITTED, S.DISMISSED, DISMISS)]
    assert row.referred_at is not None
    assert row.answered_at is not None
    assert row.unit is not None
    found.append(ev(EventKind.TRIAGED, created + dt.timedelta(days=1), S.SUBMITTED, S.TRIAGED))
    referral = f"{row.unit.name}，答复时限 {row.deadline:%Y-%m-%d}"
    found.append(ev(EventKind.REFERRED, row.referred_at, S.TRIAGED, S.REFERRED, referral))
    found.append(ev(EventKind.ANSWERED, row.answered_at, S.REFERRED, S.ANSWERED, row.answer, row.answered_by))
    if row.state == S.CLOSED and row.decided_at is not None:
        note = f"{Adoption(row.adoption).label}：{row.adoption_reason}"
        found.append(ev(EventKind.DECIDED, row.decided_at, S.ANSWERED, S.CLOSED, note))
    return found


def _tracking_codes(count: int, rng: random.Random) -> list[str]:
    taken = set(Suggestion.objects.values_list("tracking_code", flat=True))
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(rng.choice(intake.TRACKING_ALPHABET) for _n in range(intake.CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _bulk(campaign: Any, cast: Cast, rng: random.Random, districts: Sequence[Unit], count: int) -> int:
    made = [_bulk_row(campaign, cast, rng, districts, n) for n in range(count)]
    for (row, _created), code in zip(made, _tracking_codes(count, rng), strict=True):
        row.tracking_code = code
    rows = [row for row, _created in made]
    Suggestion.objects.bulk_create(rows, batch_size=BATCH)
    for row, created in made:  # auto_now_add wrote now: the rows keep the time they came in
        row.created_at = created
    Suggestion.objects.bulk_update(rows, ["created_at"], batch_size=BATCH)
    events = [e for row, created in made for e in _bulk_events(row, created, cast.office)]
    SuggestionEvent.objects.bulk_create(events, batch_size=BATCH)
    record(
        Action.CREATE, actor=cast.office, object_type=Suggestion._meta.label_lower,
        detail=f"演示数据：写入已办结的历史意见建议 {count} 条", after={"rows": count},
    )  # fmt: skip
    return count


# --- the whole -----------------------------------------------------------------------------------------------------


def build_suggestions(
    demo: Any, tree: OrgTree, cast: Cast, people: Any, rng: random.Random, today: dt.date, total: int = TOTAL
) -> list[str]:
    """``total`` suggestions of the demo campaign in every state; lines for the demo summary."""
    campaign, office = demo.campaign, cast.office
    districts = [d.unit for d in cast.districts]
    for title, text in TEMPLATES:
        services.create_template(office, campaign=campaign, title=title, text=text)
    recent: list[Suggestion] = []
    for state, share in RECENT_STATES:
        for _n in range(RECENT * share // 100):
            idea = _idea(rng, districts)
            s = _submit(campaign, cast, rng, idea)
            recent.append(_drive(office, cast, s, state, idea[3], rng))
    _make_overdue(recent, today, rng)
    groups = _groups(office, campaign, recent)
    _conversions(office, demo, recent, today)
    _bulk(campaign, cast, rng, districts, max(0, total - len(recent)))
    return summary_lines(campaign, len(groups))


def summary_lines(campaign: Any, groups: int) -> list[str]:
    rows = Suggestion.objects.filter(campaign=campaign)
    overdue = rows.filter(overdue_q()).count()
    states = dict(rows.values_list("state").annotate(n=Count("id")).order_by())
    adoption = Counter(dict(rows.exclude(adoption="").values_list("adoption").annotate(n=Count("id")).order_by()))
    public = rows.filter(source=Source.PUBLIC).count()
    converted = SuggestionConversion.objects.filter(suggestion__campaign=campaign).count()
    label = dict(S.choices)
    by_state = "，".join(f"{label[k]} {states.get(k, 0)}" for k in S.values)
    return [
        f"意见建议 {rows.count()} 条（群众 {public} 条）：{by_state}；逾期未答复的转办 {overdue} 条",
        f"采纳认定：全部采纳 {adoption[Adoption.FULL]}，部分采纳 {adoption[Adoption.PARTIAL]}，"
        f"未采纳 {adoption[Adoption.NONE]}；同类建议 {groups} 组；转化为任务、问题或项目建议 {converted} 条",
    ]
