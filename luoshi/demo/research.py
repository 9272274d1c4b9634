"""Research (调查研究) in the demo: Chengdu's 14 research directions with their topics, some of them counter-example
topics (反面案例, as Yangzhou chose them), and the districts' research plans in every state of their review: drafts,
plans waiting for review, plans returned with comments, one returned twice and then approved, plans in fieldwork
with their visits filed on the shared calendar (a few passing its pile-up warning with a reason), results with
their report, and a few converted into key tasks or problems. Everything goes through ``luoshi.research.services``
(and so through the calendar's rules and the audit log); the city's office reviews, the districts' liaisons plan.

Call it after the campaign and the cast are built::

    lines = build_research(demo.campaign, tree, cast, random.Random(seed + 5))
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from docx import Document

from luoshi.campaigns.models import Campaign
from luoshi.core.paths import subtree_q
from luoshi.core.uploads import DOCX_TYPE
from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import Cast, DistrictCast
from luoshi.orgs.models import Unit
from luoshi.problems.services import today
from luoshi.research import services
from luoshi.research.choices import PlanState
from luoshi.research.models import PlanConversion, ResearchPlan, ResearchTopic
from luoshi.visits.models import Visit
from luoshi.visits.services import VisitRefused

# (direction, [(topic, counter-example?)]): Chengdu's 14 directions, a few topics each.
DIRECTIONS: tuple[tuple[str, tuple[tuple[str, bool], ...]], ...] = (
    ("推动经济高质量发展", (("制造业企业转型升级中的堵点", False), ("开发区低效用地盘活", False))),
    ("优化营商环境", (("企业开办“一件事”办理时长", False), ("涉企检查过多过频典型案例剖析", True))),
    (
        "乡村全面振兴",
        (("撂荒地整治与复耕", False), ("村集体经济薄弱村帮扶", False), ("脱离实际搞“盆景”工程的教训", True)),
    ),
    ("城市更新与老旧小区改造", (("老旧小区加装电梯推进难点", False), ("改造后管理维护缺位问题", False))),
    ("为基层减负", (("村（社区）迎检事项过多的成因", False), ("“指尖上的形式主义”典型案例剖析", True))),
    ("民生保障", (("低保动态管理精准度", False), ("困难群众救助“最后一公里”", False))),
    ("生态环境保护", (("小流域水环境综合治理", False), ("环保整改“一刀切”典型案例剖析", True))),
    ("安全生产与应急管理", (("城镇燃气安全隐患排查", False), ("自建房安全专项整治", False))),
    ("教育医疗资源均衡", (("城乡学校教师交流轮岗", False), ("县域医共体建设成效", False))),
    ("稳就业促创业", (("高校毕业生留本地就业", False), ("返乡创业扶持政策落地", False))),
    ("养老托育服务", (("社区嵌入式养老服务站运营", False), ("普惠托育机构供给不足", False))),
    ("干部作风建设", (("干部担当作为激励机制", False), ("文山会海反弹回潮典型案例剖析", True))),
    ("党建引领基层治理", (("小区党组织覆盖与物业协同", False), ("网格员队伍建设", False))),
    ("防范化解重大风险", (("政府债务风险防控", False), ("群体性矛盾纠纷源头化解", False))),
)
QUESTIONS = (
    "问题的主要表现和涉及面有多大",
    "形成问题的体制机制原因是什么",
    "群众和基层干部最期盼解决的是什么",
    "已有政策落实中还有哪些堵点",
    "可复制推广的经验做法有哪些",
)
RETURN_COMMENTS = (
    "拟研究的问题过于宽泛，请聚焦一两个具体环节。",
    "调研对象未覆盖薄弱村（社区），请补充。",
    "请明确调研方式，避免集中扎堆走访同一单位。",
)
RESULTS = (
    "走访 6 个镇街、12 个村（社区），形成问题清单 5 条、对策建议 8 条。",
    "召开座谈会 4 场，发放问卷 320 份，梳理出三方面共性问题并提出整改建议。",
    "通过“四不两直”方式实地察看 9 处点位，形成专题调研报告 1 篇。",
)
# The life of the plans of each district, in order: each entry is the state its plan ends in.
ROUNDS = (
    PlanState.DRAFT,
    PlanState.SUBMITTED,
    PlanState.RETURNED,
    PlanState.APPROVED,
    PlanState.FIELDWORK,
    PlanState.REPORTED,
    PlanState.CONVERTED,
)
PLANS_PER_DISTRICT = 4
VISITS_PER_PLAN = 3
KINDS = (("looks", "talks"), ("hears", "checks"), ("looks", "checks", "talks"))


def _report_file(title: str) -> SimpleUploadedFile:
    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph("本报告为演示数据。")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("调研报告.docx", buffer.getvalue(), content_type=DOCX_TYPE)


def _fresh(plan: ResearchPlan) -> ResearchPlan:
    return ResearchPlan.objects.select_related("campaign", "topic", "unit").get(pk=plan.pk)


class _Builder:
    def __init__(self, campaign: Campaign, cast: Cast, rng: random.Random):
        self.campaign, self.cast, self.rng, self.today = campaign, cast, rng, today()
        self.returned_twice = False
        self.converted = 0

    def topics(self) -> list[ResearchTopic]:
        office, made = self.cast.office, []
        for order, (name, topics) in enumerate(DIRECTIONS, start=1):
            direction = services.create_direction(office, campaign=self.campaign, name=name, order=order)
            for title, counter in topics:
                made.append(
                    services.create_topic(
                        office, campaign=self.campaign, direction=direction, title=title, is_counter_example=counter
                    )
                )
        return made

    def _day(self, low: int, high: int) -> dt.date:
        day = self.today + dt.timedelta(days=self.rng.randint(low, high))
        return min(max(day, self.campaign.starts_on), self.campaign.ends_on)

    def draft(self, district: DistrictCast, topic: ResearchTopic) -> ResearchPlan:
        questions = self.rng.sample(QUESTIONS, self.rng.choice((2, 3)))
        leader = district.leader
        return services.create_plan(
            district.liaison,
            campaign=self.campaign,
            topic=topic,
            unit=district.unit,
            title=f"关于{topic.title}的调研方案",
            questions=questions,
            team=f"{leader.display_name}、{district.liaison.display_name}等 {self.rng.randint(3, 6)} 人",
            due_date=self._day(20, 55),
            leader=leader,
        )

    def review_rounds(self, plan: ResearchPlan, district: DistrictCast, returns: int) -> ResearchPlan:
        for n in range(returns):
            plan = services.submit_plan(district.liaison, _fresh(plan))
            plan = services.return_plan(self.cast.office, _fresh(plan), comments=RETURN_COMMENTS[n % 3])
        return services.submit_plan(district.liaison, _fresh(plan))

    def visits(self, plan: ResearchPlan, district: DistrictCast, places: list[Unit]) -> None:
        """The team's visits on the calendar; a warning of the pile-up rules is passed with a reason."""
        for _n in range(VISITS_PER_PLAN):
            data: dict[str, Any] = {
                "unit": self.rng.choice(places),
                "date": self._day(-25, 20),
                "headcount": self.rng.randint(3, 8),
                "kinds": self.rng.choice(KINDS),
                "purpose": f"围绕“{plan.topic.title}”实地调研",
            }
            try:
                services.file_plan_visit(district.liaison, _fresh(plan), **data)
            except VisitRefused as refused:
                if refused.code != "needs_reason":
                    continue
                reason = "该村为调研课题的典型样本，已与镇街协调错峰安排。"
                services.file_plan_visit(district.liaison, _fresh(plan), override_reason=reason, **data)

    def convert(self, plan: ResearchPlan) -> None:
        office, campaign = self.cast.office, self.campaign
        if self.converted % 2 == 0:
            services.convert_to_task(
                office, _fresh(plan), f"落实“{plan.topic.title}”调研成果", due_on=self._day(30, 58)
            )
        else:
            channel = campaign.channels.filter(name="调查研究").first() or campaign.channels.order_by("order").first()
            aspect = campaign.aspects.order_by("order").first()
            assert channel is not None
            assert aspect is not None
            services.convert_to_problem(
                office,
                _fresh(plan),
                f"调研发现：{plan.topic.title}方面存在短板",
                channel=channel,
                aspect=aspect,
                deadline=self._day(20, 50),
            )
        self.converted += 1

    def plan(self, district: DistrictCast, topic: ResearchTopic, target: str, places: list[Unit]) -> None:
        plan = self.draft(district, topic)
        if target == PlanState.DRAFT:
            return
        twice = target == PlanState.FIELDWORK and not self.returned_twice
        returns = 2 if twice else (1 if target == PlanState.RETURNED or self.rng.random() < 0.3 else 0)
        self.returned_twice = self.returned_twice or twice
        if target == PlanState.RETURNED:
            plan = services.submit_plan(district.liaison, _fresh(plan))
            services.return_plan(self.cast.office, _fresh(plan), comments=RETURN_COMMENTS[0])
            return
        plan = self.review_rounds(plan, district, returns)
        if target == PlanState.SUBMITTED:
            return
        plan = services.approve_plan(self.cast.office, _fresh(plan), comments="同意按方案开展调研。")
        if places:
            self.visits(plan, district, places)
        if target == PlanState.APPROVED:
            return
        plan = services.start_fieldwork(district.leader, _fresh(plan))
        if target == PlanState.FIELDWORK:
            return
        summary = self.rng.choice(RESULTS)
        plan = services.report_result(district.liaison, _fresh(plan), summary=summary, files=[_report_file(plan.title)])
        if target == PlanState.CONVERTED:
            self.convert(plan)


def _places(district: DistrictCast) -> list[Unit]:
    """Streets and villages of the district, where research teams go."""
    below = Unit.objects.filter(subtree_q(district.unit.path, "path")).exclude(pk=district.unit.pk)
    return list(below.order_by("path")[:40])


def build_research(campaign: Campaign, tree: OrgTree, cast: Cast, rng: random.Random) -> list[str]:
    """The 14 directions and their topics, the districts' plans in every state; returns the summary's lines."""
    builder = _Builder(campaign, cast, rng)
    topics = builder.topics()
    count = 0
    for district in cast.districts:
        if not district.unit.path.startswith(tree.city.path):
            continue
        places = _places(district)
        for _n in range(PLANS_PER_DISTRICT):
            builder.plan(district, rng.choice(topics), ROUNDS[count % len(ROUNDS)], places)
            count += 1
    return research_lines(campaign)


def research_lines(campaign: Campaign) -> list[str]:
    """The demo summary's lines: directions, topics, plans by state, visits and conversions."""
    topics = ResearchTopic.objects.filter(campaign=campaign)
    plans = ResearchPlan.objects.filter(campaign=campaign)
    states = dict(plans.order_by().values_list("state").annotate(n=Count("id")))
    shown = "，".join(f"{label} {states.get(value, 0)}" for value, label in PlanState.choices)
    visits = Visit.objects.filter(campaign=campaign, organiser_key__startswith="plan:")
    conversions = PlanConversion.objects.filter(plan__campaign=campaign)
    tasks, problems = conversions.exclude(task=None).count(), conversions.exclude(problem=None).count()
    return [
        f"  调查研究：调研方向 {campaign.research_directions.count()} 个，课题 {topics.count()} 个"
        f"（反面案例 {topics.filter(is_counter_example=True).count()} 个）；调研方案 {plans.count()} 个：{shown}",
        f"  调研走访报备 {visits.count()} 次（触发提醒后说明理由 {visits.exclude(override_reason='').count()} 次）；"
        f"成果转化为重点任务 {tasks} 项、问题 {problems} 个",
    ]
