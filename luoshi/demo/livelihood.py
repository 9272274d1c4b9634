"""Livelihood projects (民生实事) in the demo, driven through ``luoshi.livelihood.services``.

Units and citizens propose 40 projects (33 and 7), the office shortlists 33 and the vote adopts 31 (Ningbo's
figure); each project gets two tasks and its milestones. Eleven are finished (seven of them evaluated
by the people they serve) and twenty are under way, so that the campaign's overall progress is about
68.9 %; the list is public.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from luoshi.demo.campaign import DemoCampaign
from luoshi.demo.people import Cast
from luoshi.livelihood import services
from luoshi.livelihood.choices import Category
from luoshi.livelihood.models import LivelihoodProject, ProjectProposal
from luoshi.livelihood.queries import campaign_figures
from luoshi.orgs.models import Unit

PROJECT_TITLES: tuple[tuple[str, str], ...] = (
    ("新建改扩建中小学和幼儿园", Category.EDUCATION),
    ("城乡居民免费健康体检提质扩面", Category.HEALTH),
    ("社区嵌入式养老服务中心建设", Category.CARE),
    ("普惠托育机构新增托位", Category.CARE),
    ("老旧小区改造和加装电梯", Category.HOUSING),
    ("保障性租赁住房筹建", Category.HOUSING),
    ("公交线网优化和新能源公交更新", Category.TRANSPORT),
    ("中小学周边交通秩序整治", Category.TRANSPORT),
    ("城区停车泊位新增", Category.TRANSPORT),
    ("农村供水保障提升", Category.ENVIRONMENT),
    ("城乡生活垃圾分类提质", Category.ENVIRONMENT),
    ("黑臭水体和小微水体治理", Category.ENVIRONMENT),
    ("口袋公园和绿道建设", Category.ENVIRONMENT),
    ("高校毕业生就业见习岗位开发", Category.JOBS),
    ("零工市场和家门口就业服务站建设", Category.JOBS),
    ("全民健身场地设施补短板", Category.CULTURE),
    ("城市书房和农家书屋提升", Category.CULTURE),
    ("基层医疗机构服务能力提升", Category.HEALTH),
    ("社区卫生服务中心夜间门诊", Category.HEALTH),
    ("老年助餐服务网点建设", Category.CARE),
    ("困难残疾人家庭无障碍改造", Category.CARE),
    ("农贸市场改造提升", Category.OTHER),
    ("背街小巷环境整治", Category.ENVIRONMENT),
    ("燃气管道老化更新改造", Category.SAFETY),
    ("电动自行车集中充电设施建设", Category.SAFETY),
    ("校园食品安全智慧监管", Category.SAFETY),
    ("中小学课后服务提质", Category.EDUCATION),
    ("义务教育阶段学生近视防控", Category.EDUCATION),
    ("群众身边的便民服务中心改造", Category.OTHER),
    ("农村公路提档升级", Category.TRANSPORT),
    ("城乡公共厕所改造提升", Category.ENVIRONMENT),
    ("社区食堂建设", Category.CARE),
    ("城市内涝积水点治理", Category.SAFETY),
)
PUBLIC_PROPOSALS = (
    ("小区门口增设公交站", Category.TRANSPORT),
    ("公园增加健身器材", Category.CULTURE),
    ("菜市场周边停车难", Category.TRANSPORT),
    ("老年大学扩大招生", Category.EDUCATION),
    ("夜间路灯太暗", Category.SAFETY),
    ("社区增设快递驿站", Category.OTHER),
    ("河道垃圾清理", Category.ENVIRONMENT),
)
ADOPTED = 31
FINISHED = 11
EVALUATED = 7
# Progress of the 20 projects under way; with the 11 finished ones at 100 % the 31 average 68.9 %.
UNDER_WAY = (18, 26, 30, 34, 38, 41, 44, 47, 49, 51, 53, 55, 57, 60, 62, 65, 68, 70, 73, 95)
VOTERS = 45


@dataclass
class Livelihood:
    demo: DemoCampaign
    cast: Cast
    rng: random.Random
    today: date
    projects: list[LivelihoodProject] = field(default_factory=list)

    def handler(self, unit: Unit) -> Any:
        """The liaison of the district (or the city) that owns ``unit``'s tasks."""
        for district in self.cast.districts:
            if district.unit.pk == unit.pk:
                return district.liaison
        return self.cast.city_liaison

    def build(self) -> None:
        office, campaign = self.cast.office, self.demo.campaign
        services.set_options(office, campaign, public=True, collecting=True)
        from_units, from_public = self.propose()
        kept = [*from_units[: ADOPTED - 1], *from_public[:3]]  # the 31st adopted one is a citizen's proposal
        for proposal in [*from_units[ADOPTED - 1 :], *from_public[3:]]:
            services.decline(office, proposal, reason="已纳入部门常规工作，不列入年度民生实事。")
        for proposal in kept:
            services.shortlist(office, proposal, note="符合民生实事项目条件，提交票决。")
        counts = {p.pk: (VOTERS - 6 - i % 4, 3 + i % 4, 3) for i, p in enumerate(kept[:ADOPTED])}
        counts |= {p.pk: (15, 25, 5) for p in kept[ADOPTED:]}
        voted_on = self.today - timedelta(days=140)
        services.hold_vote(office, campaign, name="市人大代表票决会议", held_on=voted_on, voters=VOTERS, counts=counts)
        self.projects = list(LivelihoodProject.objects.filter(campaign=campaign).order_by("id"))
        for index, project in enumerate(self.projects):
            self.carry_out(project, index)

    def propose(self) -> tuple[list[ProjectProposal], list[ProjectProposal]]:
        districts = self.cast.districts
        made, public = [], []
        for index, (title, category) in enumerate(PROJECT_TITLES):
            district = districts[index % len(districts)]
            made.append(
                services.submit_proposal(
                    district.liaison,
                    campaign=self.demo.campaign,
                    unit=district.unit,
                    title=title,
                    description=f"{title}，惠及群众，建议列入年度民生实事项目。",
                    category=category,
                )
            )
        for index, (title, category) in enumerate(PUBLIC_PROPOSALS):
            public.append(
                services.submit_public_proposal(
                    None,
                    campaign=self.demo.campaign,
                    title=title,
                    description=f"希望政府{title}。",
                    category=category,
                    citizen_name="群众" if index % 2 else "",
                    citizen_phone=f"1390000{index:04d}" if index % 3 == 0 else "",
                )
            )
        return made, public

    def carry_out(self, project: LivelihoodProject, index: int) -> None:
        office, unit = self.cast.office, project.lead_unit
        handler = self.handler(unit)
        start = services.add_milestone(office, project, name="开工建设", planned_on=self.today - timedelta(days=100))
        services.reach_milestone(office, start, reached_on=self.today - timedelta(days=98 - index % 5))
        services.add_milestone(office, project, name="主体完工", planned_on=self.today + timedelta(days=20 + index))
        due = project.deadline
        tasks = [
            services.add_task(office, project, name=f"{project.title}（一期）", owner_unit=unit, deadline=due),
            services.add_task(office, project, name=f"{project.title}（二期）", owner_unit=unit, deadline=due),
        ]
        finished = index < FINISHED
        percent = 100 if finished else UNDER_WAY[index - FINISHED]
        for task in tasks:
            task = services.start_task(handler, task)
            services.report_task_progress(
                handler, task, text="按计划推进，已完成阶段目标。", percent=max(1, percent // 2)
            )
            if finished:
                services.finish_task(handler, task, note="子项已完成并通过验收。")
            else:
                services.report_task_progress(handler, task, text="持续推进，进度符合预期。", percent=percent)
        if finished:
            project = services.complete_project(office, project, note="全部子项完成。")
            if index < EVALUATED:
                self.evaluate(project, index)

    def evaluate(self, project: LivelihoodProject, index: int) -> None:
        asked = 200 + 10 * index
        unhappy = 3 + index % 4
        fairly = 20 + 5 * (index % 3)
        services.evaluate_project(
            self.cast.office,
            project,
            satisfied=asked - fairly - unhappy,
            basically_satisfied=fairly,
            dissatisfied=unhappy,
            note="群众代表现场测评。",
        )


def livelihood_lines(campaign: Any) -> list[str]:
    f = campaign_figures(campaign)
    return [
        f"  民生实事项目 {f['projects_total']} 个"
        f"（已完成 {f['projects_completed']} 个，已测评 {f['projects_evaluated']} 个，"
        f"满意率 {f['satisfaction_rate']}%），子项 {f['tasks_total']} 个、已完成 {f['tasks_done']} 个；"
        f"总体进度 {f['progress']}%，在公开页面展示"
    ]


def build_livelihood(demo: DemoCampaign, cast: Cast, rng: random.Random, today: date) -> Livelihood:
    built = Livelihood(demo, cast, rng, today)
    built.build()
    return built
