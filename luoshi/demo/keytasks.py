"""Key tasks (重点任务) in the demo: nine key measures pushed down to every district and, in the home
district, on to its streets, with four months of monthly progress reports driven through
``luoshi.tasks.services`` (some rounds late or missed, some deadlines extended, some finish requests
sent back once before they were accepted). Report dates are set back to the month they stand for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count

from luoshi.demo.campaign import DemoCampaign
from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import Cast, People
from luoshi.orgs.models import Unit
from luoshi.tasks import queries, rounds, services
from luoshi.tasks.choices import AssignRole, Cycle, State
from luoshi.tasks.models import Task, TaskAssignment, TaskProgress

# Title, source, weight, sub-tasks: the nine key measures (九大重点举措) of the demo campaign.
KEY_MEASURES: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    ("深化理论武装，推动学习贯彻走深走实", "会议部署", 2, ("读书班与专题学习全覆盖", "基层宣讲进村入户")),
    ("大兴调查研究，破解发展难题", "会议部署", 2, ("领导干部领题调研", "调研成果转化运用")),
    ("推进“千万工程”，促进城乡融合发展", "领导批示", 1, ()),
    ("优化营商环境，服务企业发展", "上级交办", 1, ()),
    ("办好民生实事，解决急难愁盼问题", "会议部署", 2, ("民生实事项目推进", "“民呼我为”诉求办理")),
    ("抓实基层治理，夯实党建根基", "上级交办", 1, ()),
    ("推进检视整改，立行立改见实效", "会议部署", 1, ()),
    ("加强作风建设，为基层减负", "领导批示", 1, ()),
    ("健全长效机制，巩固主题教育成果", "自定", 1, ()),
)
MONTHS = 4
STREETS_PASSED = 6


def _days(today: date, offset: int) -> date:
    return today + timedelta(days=offset)


@dataclass
class KeyTasks:
    demo: DemoCampaign
    tree: OrgTree
    cast: Cast
    people: People
    rng: random.Random
    today: date
    tasks: list[Task] = field(default_factory=list)
    street_cast: dict[int, Any] = field(default_factory=dict)

    def build(self) -> None:
        sources = {s.name: s for s in services.sources_for(self.demo.campaign)}
        for index, (title, source, weight, parts) in enumerate(KEY_MEASURES):
            task = self.task(title, sources[source], weight, index)
            targets = [self.task(p, sources[source], 1, index, parent=task) for p in parts] or [task]
            for target in targets:
                self.assign(target, index)
        self.bring_deadlines_near()

    def bring_deadlines_near(self) -> None:
        """Some open assignments fall due: every fifth is a few days overdue (red), every seventh due soon."""
        open_ones = TaskAssignment.objects.filter(task__campaign=self.demo.campaign, state=State.IN_PROGRESS)
        for position, pk in enumerate(open_ones.order_by("id").values_list("pk", flat=True)):
            if position % 5 == 4:
                TaskAssignment.objects.filter(pk=pk).update(due_on=_days(self.today, -3 - position % 9))
            elif position % 7 == 3:
                TaskAssignment.objects.filter(pk=pk).update(due_on=_days(self.today, 2))
        services.refresh_lights(self.today)

    def task(self, title: str, source: Any, weight: int, index: int, parent: Task | None = None) -> Task:
        leader = self.cast.committee[index % len(self.cast.committee)]
        task = services.create_task(
            self.cast.office,
            campaign=self.demo.campaign,
            title=title,
            source=source,
            due_on=_days(self.today, 30 + 15 * (index % 4)),
            parent=parent,
            description=f"{title}：各区县（市）牵头抓总，乡镇街道抓好落实，按月报送进展。",
            leader=leader,
            weight=Decimal(weight),
            cycle=Cycle.MONTHLY,
        )
        if parent is None:
            reached = services.add_milestone(self.cast.office, task, name="部署启动", due_on=_days(self.today, -120))
            services.reach_milestone(self.cast.office, reached, reached_on=_days(self.today, -118))
            services.add_milestone(self.cast.office, task, name="中期评估", due_on=_days(self.today, 20))
        self.tasks.append(task)
        return task

    def assign(self, task: Task, index: int) -> None:
        districts = [dc.unit for dc in self.cast.districts]
        due = task.due_on - timedelta(days=5)
        made = services.assign(self.cast.office, task, role=AssignRole.LEAD, due_on=due, units=districts).created
        for position, assignment in enumerate(made):
            district = self.cast.districts[position]
            self.carry_out(assignment, district.liaison, index + position)
            if position == 0 and task.parent_id is None and index < 4:
                self.pass_down(assignment, district.liaison, due)

    def carry_out(self, assignment: TaskAssignment, actor: Any, seed: int) -> TaskAssignment:
        """Signed four months ago and reported once a month; every seventh missed a month, every fifth was
        late once (its report fell into the next month), one in six was extended, one in nine is done."""
        assignment = services.sign(actor, assignment)
        start = _days(self.today, -30 * MONTHS)
        TaskAssignment.objects.filter(pk=assignment.pk).update(signed_on=start)
        periods = rounds.rounds(Cycle.MONTHLY, start, self.today, assignment.due_on)
        goal = self.rng.randint(45, 95)
        for number, period in enumerate(periods, 1):
            if seed % 7 == 3 and number == 2:
                continue
            late = seed % 5 == 1 and number == 2
            day = period.end + timedelta(days=3) if late else max(period.start, period.end - timedelta(days=5))
            percent = min(100, goal * number // len(periods))
            self.report(assignment, actor, percent, number, min(day, self.today))
        assignment.refresh_from_db()
        if seed % 6 == 2:
            self.extend(assignment, actor)
        if seed % 9 == 0:
            self.finish(assignment, actor, sent_back=seed % 2 == 0)
        return assignment

    def report(self, assignment: TaskAssignment, actor: Any, percent: int, month: int, day: date) -> None:
        entry = services.report_progress(
            actor,
            assignment,
            text=f"第{month}个月：按计划推进，完成阶段性工作。",
            percent=percent,
            difficulties="部分基层单位人手紧张。" if month % 2 else "",
            next_steps="下月继续推进，加强督促指导。",
        )
        TaskProgress.objects.filter(pk=entry.pk).update(reported_on=day)
        TaskAssignment.objects.filter(pk=assignment.pk).update(last_report_on=day)

    def extend(self, assignment: TaskAssignment, actor: Any) -> None:
        asked = services.request_extension(
            actor, assignment, new_due=assignment.due_on + timedelta(days=30), reason="涉及多部门协调，需延长办理时限。"
        )
        services.approve_extension(self.cast.office, asked, note="同意延期，请按新时限办结。")

    def finish(self, assignment: TaskAssignment, actor: Any, sent_back: bool) -> None:
        services.report_progress(actor, assignment, text="各项工作已完成，材料已归档。", percent=100)
        services.request_finish(actor, assignment, summary="任务已按要求完成，佐证材料齐全。")
        if sent_back:
            services.send_back(self.cast.office, assignment, reason="佐证材料不完整，请补充后再申请办结。")
            services.request_finish(actor, assignment, summary="已补充佐证材料，申请办结。")
        services.accept(self.cast.office, assignment, note="验收通过。")

    def street_liaison(self, street: Unit) -> Any:
        if street.pk not in self.street_cast:
            number = len(self.street_cast) + 1
            title = f"{street.name}联络员"
            self.street_cast[street.pk] = self.people.user(f"s{number:02d}_liaison", title, "liaison", street, title)
        return self.street_cast[street.pk]

    def pass_down(self, assignment: TaskAssignment, actor: Any, due: date) -> None:
        streets = list(Unit.objects.filter(parent_id=assignment.unit_id, kind__code="street").order_by("path"))
        made = services.pass_down(actor, assignment, due_on=due - timedelta(days=5), units=streets[:STREETS_PASSED])
        waiting = made.created[-1] if len(made.created) > 1 else None  # still 待签收
        for position, child in enumerate(made.created):
            if child is not waiting:
                self.carry_out(child, self.street_liaison(child.unit), position + 1)


def key_task_lines(campaign: Any) -> list[str]:
    tasks = Task.objects.filter(campaign=campaign)
    assignments = TaskAssignment.objects.filter(task__campaign=campaign)
    states = dict(assignments.order_by().values_list("state").annotate(n=Count("id")))
    shown = "，".join(f"{label} {states.get(value, 0)}" for value, label in State.choices)
    percent = queries.campaign_percent(campaign)
    return [
        f"  重点任务 {tasks.filter(parent__isnull=True).count()} 项"
        f"（分解子任务 {tasks.exclude(parent=None).count()} 项），"
        f"交办 {assignments.count()} 条：{shown}；进展报送 "
        f"{TaskProgress.objects.filter(assignment__task__campaign=campaign).count()} 条；"
        f"总体进度 {percent or 0:.1f}%"
    ]


def build_key_tasks(
    demo: DemoCampaign, tree: OrgTree, cast: Cast, people: People, rng: random.Random, today: date
) -> KeyTasks:
    built = KeyTasks(demo, tree, cast, people, rng, today)
    built.build()
    return built
