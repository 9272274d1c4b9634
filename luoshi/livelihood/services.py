"""The only code that writes livelihood work: proposals and their vote, projects, milestones, tasks, progress and
evaluation (征集 → 筛选 → 票决 → 实施 → 测评).

Every state change runs through the tracked-work engine (scope before and after the lock, version, state,
timeline event and audit record in one transaction); a refused call changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.core import crypto, paths
from luoshi.core.errors import Conflict, RuleViolation
from luoshi.core.uploads import check_upload
from luoshi.livelihood.choices import (
    Category,
    ProjectEventKind,
    ProjectState,
    ProposalEventKind,
    ProposalSource,
    TaskEventKind,
    TaskState,
)
from luoshi.livelihood.models import (
    LivelihoodProject,
    LivelihoodSettings,
    ProjectEvent,
    ProjectEvidence,
    ProjectMilestone,
    ProjectProgress,
    ProjectProposal,
    ProjectTask,
    VoteResult,
    VoteRound,
)
from luoshi.livelihood.tracker import PERSONAL_FIELDS, PROJECTS, PROPOSALS, TASKS, update_project_progress
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.orgs.models import Unit
from luoshi.tracking import engine
from luoshi.tracking.choices import Light
from luoshi.tracking.files import evidence_files, record_report, store_evidence

PUBLIC_ACTOR = "群众"
EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "leader_name",
    "leader",
    "lead_unit",
    "assisting_units",
    "budget",
    "deadline",
)
MAX_BUDGET = Decimal("9999999999.99")


def _today() -> dt.date:
    return timezone.localdate()


# --- checks -------------------------------------------------------------------------------------


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise RuleViolation(message)
    return text


def _check_unit(campaign: Campaign, unit: Unit) -> None:
    if not paths.is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=campaign))


def _check_active(campaign: Campaign) -> None:
    if not campaign.is_active:
        raise RuleViolation(_("活动「{campaign}」已结束。").format(campaign=campaign))


def _check_category(category: str) -> str:
    if category not in Category.values:
        raise RuleViolation(_("「{category}」不是有效的项目类别。").format(category=category))
    return category


def _check_percent(percent: Any) -> int:
    if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
        raise RuleViolation(_("进度须为 0 到 100 之间的整数。"))
    return percent


def _check_count(value: Any, label: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RuleViolation(_("「{label}」须为不小于 0 的整数。").format(label=label))
    return value


def _check_budget(budget: Decimal | None) -> Decimal | None:
    if budget is not None and not Decimal(0) <= budget <= MAX_BUDGET:
        raise RuleViolation(_("投资金额须为不小于 0 的数（万元）。"))
    return budget


# --- settings (是否公开) ----------------------------------------------------------------------------


def set_options(
    actor: User, campaign: Campaign, *, public: bool, collecting: bool, version: int | None = None
) -> LivelihoodSettings:
    """民生实事设置: whether the campaign's projects are shown on the public page and proposals collected there."""
    scope.require(actor, Perm.MANAGE_PROJECTS, campaign.unit.path, _("民生实事设置须由活动牵头单位的办公室修改。"))
    with transaction.atomic():
        found = LivelihoodSettings.objects.select_for_update().filter(campaign=campaign).first()
        if found is None:
            found = LivelihoodSettings(campaign=campaign, org_path=campaign.unit.path)
            before = None
        else:
            if version is not None and found.version != version:
                raise Conflict(_("设置已被他人修改，请刷新页面后重试。"))
            before = snapshot(found)
            found.version += 1
        found.public, found.collecting = bool(public), bool(collecting)
        found.save()
        record_change(actor, found, before)
    return found


def _public_settings(campaign: Campaign) -> LivelihoodSettings | None:
    return LivelihoodSettings.objects.filter(campaign=campaign, public=True).first()


# --- proposals (征集 → 筛选) ------------------------------------------------------------------------


def _new_proposal(campaign: Campaign, title: str, description: str, category: str, **fields: Any) -> ProjectProposal:
    title = _required(title, _("请填写建议项目名称。"))
    if len(title) > 100:
        raise RuleViolation(_("建议项目名称不能超过 100 字。"))
    return ProjectProposal(
        campaign=campaign,
        title=title,
        description=_required(description, _("请填写建议的具体内容。")),
        category=_check_category(category),
        **fields,
    )


def _proposal_created(actor: User | None, proposal: ProjectProposal) -> None:
    engine.event(PROPOSALS, proposal, actor, ProposalEventKind.SUBMITTED, from_state="")
    record(
        Action.CREATE,
        actor=actor,
        obj=proposal,
        after=snapshot(proposal, exclude=PERSONAL_FIELDS),
        actor_name="" if actor is not None else PUBLIC_ACTOR,
    )


def submit_proposal(
    actor: User, *, campaign: Campaign, unit: Unit, title: str, description: str, category: str = Category.OTHER
) -> ProjectProposal:
    """提报项目建议: a unit proposes a project for the campaign's list."""
    scope.require(actor, Perm.PROPOSE_PROJECT, unit.path, _("您无权以该单位名义提报项目建议。"))
    _check_active(campaign)
    _check_unit(campaign, unit)
    proposal = _new_proposal(
        campaign,
        title,
        description,
        category,
        source=ProposalSource.UNIT,
        unit=unit,
        lead_unit=unit,
        proposed_by=actor,
        org_path=unit.path,
    )
    with transaction.atomic():
        proposal.save()
        _proposal_created(actor, proposal)
    return proposal


def submit_public_proposal(
    actor: User | None,
    *,
    campaign: Campaign,
    title: str,
    description: str,
    category: str = Category.OTHER,
    citizen_name: str = "",
    citizen_phone: str = "",
) -> ProjectProposal:
    """群众建议: anyone proposes a project on the public page of a campaign that collects proposals.

    The name and phone are optional; they are stored encrypted and shown masked."""
    options = _public_settings(campaign)
    if options is None or not options.collecting or not campaign.is_active:
        raise RuleViolation(_("该活动目前不征集群众建议。"))
    name, phone = (citizen_name or "").strip()[:20], (citizen_phone or "").strip()
    proposal = _new_proposal(
        campaign,
        title,
        description,
        category,
        source=ProposalSource.PUBLIC,
        proposed_by=actor,
        org_path=campaign.unit.path,
        citizen_name_enc=crypto.encrypt(name),
        citizen_name_masked=crypto.mask_name(name),
        citizen_phone_enc=crypto.encrypt(phone),
        citizen_phone_index=crypto.blind_index(phone) if phone else "",
        citizen_phone_masked=crypto.mask_phone(phone),
    )
    with transaction.atomic():
        proposal.save()
        _proposal_created(actor, proposal)
    return proposal


def _check_lead_unit(actor: User, campaign: Campaign, unit: Unit) -> None:
    _check_unit(campaign, unit)
    scope.require(actor, Perm.MANAGE_PROJECTS, unit.path, _("您无权指定单位「{unit}」牵头。").format(unit=unit))


@transaction.atomic
def shortlist(
    actor: User, proposal: ProjectProposal, *, lead_unit: Unit | None = None, note: str = "", version: int | None = None
) -> ProjectProposal:
    """筛选入围: the office keeps the proposal for the vote and names the unit that would lead it."""
    fresh, step = engine.start(PROPOSALS, actor, proposal, "shortlist", version)
    unit = lead_unit or fresh.lead_unit or fresh.campaign.unit
    _check_lead_unit(actor, fresh.campaign, unit)
    return engine.move(PROPOSALS, actor, fresh, step, note.strip(), lead_unit=unit, decision_note=note.strip())


@transaction.atomic
def decline(actor: User, proposal: ProjectProposal, *, reason: str, version: int | None = None) -> ProjectProposal:
    """不予入围, with the reason."""
    fresh, step = engine.start(PROPOSALS, actor, proposal, "decline", version)
    reason = _required(reason, _("请填写不予入围的理由。"))
    return engine.move(PROPOSALS, actor, fresh, step, reason, decision_note=reason)


@transaction.atomic
def reveal_contact(actor: User, proposal: ProjectProposal) -> tuple[str, str]:
    """查看联系方式: the citizen's name and phone in clear for the office, each view audited and on the timeline."""
    fresh = engine.require_activity(PROPOSALS, actor, proposal, "reveal_contact")
    name, phone = crypto.decrypt(fresh.citizen_name_enc), crypto.decrypt(fresh.citizen_phone_enc)
    engine.event(PROPOSALS, fresh, actor, ProposalEventKind.CONTACT_VIEWED)
    record(Action.VIEW_PERSONAL, actor=actor, obj=fresh, detail="查看建议人姓名和联系电话")
    return name, phone


# --- the vote (票决) -----------------------------------------------------------------------------------


def _check_votes(voters: int, votes: tuple[int, int, int]) -> tuple[int, int, int]:
    labels = (_("赞成"), _("反对"), _("弃权"))
    counts = tuple(_check_count(v, str(label)) for v, label in zip(votes, labels, strict=True))
    if sum(counts) > voters:
        raise RuleViolation(
            _("赞成、反对、弃权票合计 {total} 票，超过应参加票决人数 {voters} 人。").format(
                total=sum(counts), voters=voters
            )
        )
    return counts[0], counts[1], counts[2]


def adopted(voters: int, votes_for: int) -> bool:
    """票决通过: more than half of the people entitled to vote voted for the proposal."""
    return votes_for * 2 > voters


@transaction.atomic
def vote_on(
    actor: User,
    vote_round: VoteRound,
    proposal: ProjectProposal,
    *,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    version: int | None = None,
) -> VoteResult:
    """One shortlisted proposal's counts in a vote: adopted proposals become projects of the campaign."""
    counts = _check_votes(vote_round.voters, (votes_for, votes_against, votes_abstain))
    passed = adopted(vote_round.voters, counts[0])
    fresh, step = engine.start(PROPOSALS, actor, proposal, "adopt" if passed else "reject", version)
    if fresh.campaign_id != vote_round.campaign_id:
        raise RuleViolation(_("建议「{title}」不属于本次票决的活动。").format(title=fresh.title))
    note = _("赞成 {a} 票，反对 {b} 票，弃权 {c} 票（应到 {n} 人）").format(
        a=counts[0], b=counts[1], c=counts[2], n=vote_round.voters
    )
    engine.move(PROPOSALS, actor, fresh, step, note)
    result = VoteResult.objects.create(
        round=vote_round,
        proposal=fresh,
        org_path=fresh.org_path,
        votes_for=counts[0],
        votes_against=counts[1],
        votes_abstain=counts[2],
        adopted=passed,
    )
    record_change(actor, result, None)
    if passed:
        _project_from(actor, fresh)
    return result


def _project_from(actor: User, proposal: ProjectProposal) -> LivelihoodProject:
    campaign = proposal.campaign
    return create_project(
        actor,
        campaign=campaign,
        title=proposal.title,
        description=proposal.description,
        category=proposal.category,
        lead_unit=proposal.lead_unit or campaign.unit,
        deadline=max(campaign.ends_on, _today()),
        proposal=proposal,
    )


@transaction.atomic
def hold_vote(
    actor: User,
    campaign: Campaign,
    *,
    name: str,
    held_on: dt.date,
    voters: int,
    counts: dict[int, tuple[int, int, int]],
    note: str = "",
) -> VoteRound:
    """票决: the counts of every shortlisted proposal voted on in one meeting, all recorded or none."""
    scope.require(actor, Perm.MANAGE_PROJECTS, campaign.unit.path, _("票决须由活动牵头单位的办公室录入。"))
    if not isinstance(voters, int) or voters <= 0:
        raise RuleViolation(_("应参加票决人数须为正整数。"))
    if not counts:
        raise RuleViolation(_("请至少录入一项建议的票数。"))
    vote_round = VoteRound.objects.create(
        campaign=campaign,
        org_path=campaign.unit.path,
        name=_required(name, _("请填写票决会议名称。"))[:100],
        held_on=held_on,
        voters=voters,
        note=note.strip(),
        held_by=actor,
    )
    record_change(actor, vote_round, None)
    proposals = ProjectProposal.objects.filter(campaign=campaign, pk__in=list(counts)).select_related("campaign__unit")
    found = {p.pk: p for p in proposals}
    for pk, (votes_for, votes_against, votes_abstain) in counts.items():
        if pk not in found:
            raise RuleViolation(_("建议 {pk} 不属于该活动。").format(pk=pk))
        vote_on(
            actor,
            vote_round,
            found[pk],
            votes_for=votes_for,
            votes_against=votes_against,
            votes_abstain=votes_abstain,
        )
    return vote_round


# --- projects (实施) -----------------------------------------------------------------------------------


def _check_assisting(campaign: Campaign, units: Iterable[Unit]) -> list[Unit]:
    chosen = list(dict.fromkeys(units))
    for unit in chosen:
        _check_unit(campaign, unit)
    return chosen


def _project_record(project: LivelihoodProject) -> dict[str, Any]:
    return {**snapshot(project), "assisting_units": sorted(u.pk for u in project.assisting_units.all())}


def create_project(
    actor: User,
    *,
    campaign: Campaign,
    title: str,
    lead_unit: Unit,
    deadline: dt.date,
    description: str = "",
    category: str = Category.OTHER,
    leader_name: str = "",
    leader: User | None = None,
    assisting_units: Iterable[Unit] = (),
    budget: Decimal | None = None,
    proposal: ProjectProposal | None = None,
) -> LivelihoodProject:
    """立项: a project on the campaign's list, led by ``lead_unit``."""
    scope.require(actor, Perm.MANAGE_PROJECTS, lead_unit.path, _("您无权为该单位立项。"))
    _check_active(campaign)
    _check_unit(campaign, lead_unit)
    helpers = _check_assisting(campaign, assisting_units)
    title = _required(title, _("请填写项目名称。"))
    project = LivelihoodProject(
        campaign=campaign,
        title=title[:200],
        description=description.strip(),
        category=_check_category(category),
        leader_name=(leader_name.strip() or (str(leader) if leader else ""))[:50],
        leader=leader,
        lead_unit=lead_unit,
        org_path=lead_unit.path,
        budget=_check_budget(budget),
        deadline=deadline,
        proposal=proposal,
        created_by=actor,
    )
    PROJECTS.refresh(project)
    with transaction.atomic():
        project.save()
        project.assisting_units.set(helpers)
        engine.event(PROJECTS, project, actor, ProjectEventKind.CREATED, note=project.title)
        record(Action.CREATE, actor=actor, obj=project, after=_project_record(project))
    return project


def _edit_changes(project: LivelihoodProject, changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise RuleViolation(_("字段 {fields} 不可修改。").format(fields=", ".join(sorted(unknown))))
    real = {k: v for k, v in changes.items() if k != "assisting_units" and getattr(project, k) != v}
    if "assisting_units" in changes:
        now = {u.pk for u in project.assisting_units.all()}
        if {u.pk for u in changes["assisting_units"]} != now:
            real["assisting_units"] = list(changes["assisting_units"])
    return real


def _check_edit(actor: User, fresh: LivelihoodProject, changes: dict[str, Any]) -> None:
    if "title" in changes:
        changes["title"] = _required(changes["title"], _("请填写项目名称。"))[:200]
    if "category" in changes:
        _check_category(changes["category"])
    if "budget" in changes:
        _check_budget(changes["budget"])
    if "lead_unit" in changes:
        _check_lead_unit(actor, fresh.campaign, changes["lead_unit"])
    if "assisting_units" in changes:
        _check_assisting(fresh.campaign, changes["assisting_units"])


def _move_children(project: LivelihoodProject, new_path: str) -> None:
    ProjectMilestone.objects.filter(project=project).update(org_path=new_path)
    ProjectEvent.objects.filter(project=project).update(org_path=new_path)
    ProjectProgress.objects.filter(project=project, task__isnull=True).update(org_path=new_path)
    ProjectEvidence.objects.filter(report__project=project, report__task__isnull=True).update(org_path=new_path)


def _labels(changes: dict[str, Any]) -> str:
    fields = {f.name: str(f.verbose_name) for f in LivelihoodProject._meta.get_fields() if hasattr(f, "verbose_name")}
    return "修改了" + "、".join(fields.get(name, name) for name in changes)


@transaction.atomic
def edit_project(actor: User, project: LivelihoodProject, version: int | None, **changes: Any) -> LivelihoodProject:
    """修改项目, with the version the user saw; moving it to another lead unit needs scope over both."""
    fresh = engine.require_activity(PROJECTS, actor, project, "edit", version)
    changes = _edit_changes(fresh, changes)
    if not changes:
        return fresh
    _check_edit(actor, fresh, changes)
    helpers = changes.pop("assisting_units", None)
    note = _labels({**changes, **({"assisting_units": helpers} if helpers is not None else {})})
    if "lead_unit" in changes:
        changes["org_path"] = changes["lead_unit"].path
        _move_children(fresh, changes["org_path"])
    if helpers is not None:
        before_helpers = sorted(u.pk for u in fresh.assisting_units.all())
        fresh.assisting_units.set(helpers)
        record(
            Action.UPDATE,
            actor=actor,
            obj=fresh,
            before={"assisting_units": before_helpers},
            after={"assisting_units": sorted(u.pk for u in helpers)},
        )
    return engine.update(PROJECTS, actor, fresh, ProjectEventKind.EDITED, "修改项目", note, **changes)


@transaction.atomic
def add_milestone(
    actor: User, project: LivelihoodProject, *, name: str, planned_on: dt.date, version: int | None = None
) -> ProjectMilestone:
    """新增时间节点 of a project in progress."""
    fresh = engine.require_activity(PROJECTS, actor, project, "add_milestone", version)
    milestone = ProjectMilestone.objects.create(
        project=fresh,
        org_path=fresh.org_path,
        name=_required(name, _("请填写节点名称。"))[:100],
        planned_on=planned_on,
    )
    engine.event(PROJECTS, fresh, actor, ProjectEventKind.MILESTONE_ADDED, note=f"{milestone.name}（{planned_on}）")
    record_change(actor, milestone, None)
    return milestone


@transaction.atomic
def reach_milestone(actor: User, milestone: ProjectMilestone, *, reached_on: dt.date | None = None) -> ProjectMilestone:
    """节点完成: the day a time node was reached (today by default, never in the future)."""
    engine.require_activity(PROJECTS, actor, milestone.project, "reach_milestone")
    fresh = ProjectMilestone.objects.select_for_update().get(pk=milestone.pk)
    if fresh.reached_on is not None:
        raise RuleViolation(_("节点「{name}」已于 {day} 完成。").format(name=fresh.name, day=fresh.reached_on))
    day = reached_on or _today()
    if day > _today():
        raise RuleViolation(_("完成日期不能晚于今天。"))
    before = snapshot(fresh)
    fresh.reached_on = day
    fresh.save()
    engine.event(PROJECTS, fresh.project, actor, ProjectEventKind.MILESTONE_REACHED, note=f"{fresh.name}（{day}）")
    record_change(actor, fresh, before, detail="节点完成")
    return fresh


def _check_owner(project: LivelihoodProject, unit: Unit) -> None:
    """A task's owner is the lead unit, an assisting unit, or a unit below one of them."""
    tops = [project.lead_unit.path, *(u.path for u in project.assisting_units.all())]
    if not any(paths.is_within(unit.path, top) for top in tops):
        raise RuleViolation(_("子项责任单位「{unit}」须是项目的牵头单位、配合单位或其下级单位。").format(unit=unit))


@transaction.atomic
def add_task(
    actor: User,
    project: LivelihoodProject,
    *,
    name: str,
    owner_unit: Unit,
    deadline: dt.date,
    weight: int = 1,
    version: int | None = None,
) -> ProjectTask:
    """新增子项: a task of the project with its owner unit, deadline and weight in the project's progress."""
    fresh = engine.require_activity(PROJECTS, actor, project, "add_task", version)
    _check_owner(fresh, owner_unit)
    if not isinstance(weight, int) or not 1 <= weight <= 100:
        raise RuleViolation(_("权重须为 1 到 100 之间的整数。"))
    task = ProjectTask(
        project=fresh,
        org_path=owner_unit.path,
        name=_required(name, _("请填写子项名称。"))[:200],
        owner_unit=owner_unit,
        deadline=deadline,
        weight=weight,
    )
    TASKS.refresh(task)
    task.save()
    engine.event(TASKS, task, actor, TaskEventKind.CREATED, from_state="")
    engine.event(PROJECTS, fresh, actor, ProjectEventKind.TASK_ADDED, note=f"{task.name}（{owner_unit}）")
    record_change(actor, task, None)
    update_project_progress(fresh.pk)
    _notify_owner(task)
    return task


def _notify_owner(task: ProjectTask) -> None:
    """子项交办 → the owner unit's handlers, once the transaction commits."""
    title = _("新交办民生实事子项：{task}").format(task=task.name)
    url, unit_id = reverse("livelihood:task_detail", args=[task.pk]), task.owner_unit_id

    def make() -> list[Any]:
        to = notices.users_of_unit(unit_id, Perm.HANDLE_TASK)
        return notices.build(to, kind=NoticeKind.ASSIGNED, title=title, url=url, obj=task)

    notices.send_later(make)


def _new_report(
    actor: User,
    project: LivelihoodProject,
    task: ProjectTask | None,
    text: str,
    percent: int,
    files: list[Any],
    stored: list[ProjectEvidence],
) -> ProjectProgress:
    """The report and its evidence (every file checked before anything is stored), audited."""
    text = _required(text, _("请填写进展情况。"))
    checked = [check_upload(f) for f in files]
    report = ProjectProgress.objects.create(
        project=project,
        task=task,
        org_path=task.org_path if task else project.org_path,
        author=actor,
        text=text,
        percent=percent,
    )
    store_evidence(stored, ProjectEvidence, "report", report, actor, files, checked)
    record_report(actor, report, stored)
    return report


def report_project_progress(
    actor: User,
    project: LivelihoodProject,
    *,
    text: str,
    percent: int,
    files: Iterable[UploadedFile] = (),
    version: int | None = None,
) -> ProjectProgress:
    """报送进展 of a project without tasks: its own percent is its progress."""
    uploads = list(files)
    percent = _check_percent(percent)
    with evidence_files() as stored, transaction.atomic():
        fresh = engine.require_activity(PROJECTS, actor, project, "report_progress", version)
        report = _new_report(actor, fresh, None, text, percent, uploads, stored)
        note = f"{percent}%：{report.text}"[:500]
        engine.update(PROJECTS, actor, fresh, ProjectEventKind.PROGRESS, "报送进展", note, reported_percent=percent)
    return report


def report_task_progress(
    actor: User,
    task: ProjectTask,
    *,
    text: str,
    percent: int,
    files: Iterable[UploadedFile] = (),
    version: int | None = None,
) -> ProjectProgress:
    """报送进展 of a task in progress, with evidence; the project's progress follows."""
    uploads = list(files)
    percent = _check_percent(percent)
    with evidence_files() as stored, transaction.atomic():
        fresh = engine.require_activity(TASKS, actor, task, "report_progress", version)
        report = _new_report(actor, fresh.project, fresh, text, percent, uploads, stored)
        note = f"{percent}%：{report.text}"[:500]
        engine.update(TASKS, actor, fresh, TaskEventKind.PROGRESS, "报送进展", note, percent=percent)
    return report


# --- task transitions -------------------------------------------------------------------------------


@transaction.atomic
def start_task(actor: User, task: ProjectTask, *, note: str = "", version: int | None = None) -> ProjectTask:
    """开始实施: the owner unit starts the task."""
    fresh, step = engine.start(TASKS, actor, task, "start", version)
    return engine.move(TASKS, actor, fresh, step, note.strip())


@transaction.atomic
def finish_task(actor: User, task: ProjectTask, *, note: str = "", version: int | None = None) -> ProjectTask:
    """子项完成: the owner unit reports the task done; it counts 100 % in the project's progress."""
    fresh, step = engine.start(TASKS, actor, task, "finish", version)
    return engine.move(TASKS, actor, fresh, step, note.strip(), done_at=timezone.now())


@transaction.atomic
def close_task(actor: User, task: ProjectTask, *, note: str = "", version: int | None = None) -> ProjectTask:
    """确认完成: the office marks a task done for its owner unit."""
    fresh, step = engine.start(TASKS, actor, task, "close", version)
    return engine.move(TASKS, actor, fresh, step, note.strip(), done_at=timezone.now())


@transaction.atomic
def reopen_task(actor: User, task: ProjectTask, *, reason: str, version: int | None = None) -> ProjectTask:
    """重新打开: the office sends a finished task back into work, with the reason."""
    fresh, step = engine.start(TASKS, actor, task, "reopen", version)
    reason = _required(reason, _("请填写重新打开的理由。"))
    return engine.move(TASKS, actor, fresh, step, reason, done_at=None)


# --- project transitions (完成 → 测评, 终止) --------------------------------------------------------------


@transaction.atomic
def complete_project(
    actor: User, project: LivelihoodProject, *, note: str = "", version: int | None = None
) -> LivelihoodProject:
    """项目完成: every task done; the project counts 100 %."""
    fresh, step = engine.start(PROJECTS, actor, project, "complete", version)
    return engine.move(PROJECTS, actor, fresh, step, note.strip(), completed_at=timezone.now())


@transaction.atomic
def evaluate_project(
    actor: User,
    project: LivelihoodProject,
    *,
    satisfied: int,
    basically_satisfied: int,
    dissatisfied: int,
    note: str = "",
    version: int | None = None,
) -> LivelihoodProject:
    """满意度测评 of a completed project: counts of 满意 / 基本满意 / 不满意."""
    fresh, step = engine.start(PROJECTS, actor, project, "evaluate", version)
    counts = [
        _check_count(satisfied, _("满意")),
        _check_count(basically_satisfied, _("基本满意")),
        _check_count(dissatisfied, _("不满意")),
    ]
    if sum(counts) == 0:
        raise RuleViolation(_("测评人数不能为 0。"))
    text = _("满意 {a}，基本满意 {b}，不满意 {c}").format(a=counts[0], b=counts[1], c=counts[2])
    return engine.move(
        PROJECTS,
        actor,
        fresh,
        step,
        f"{text}{'；' + note.strip() if note.strip() else ''}",
        satisfied=counts[0],
        basically_satisfied=counts[1],
        dissatisfied=counts[2],
        evaluated_at=timezone.now(),
        evaluation_note=note.strip(),
    )


@transaction.atomic
def stop_project(
    actor: User, project: LivelihoodProject, *, reason: str, version: int | None = None
) -> LivelihoodProject:
    """终止项目, with the reason."""
    fresh, step = engine.start(PROJECTS, actor, project, "stop", version)
    reason = _required(reason, _("请填写终止原因。"))
    return engine.move(PROJECTS, actor, fresh, step, reason, stop_reason=reason)


# --- the daily light sweep ------------------------------------------------------------------------------


def _sweep(rows: Any, open_q: Q, on: dt.date, yellow_days: int) -> dict[str, int]:
    yellow_until = on + dt.timedelta(days=yellow_days)
    open_rows = rows.filter(open_q)
    red = open_rows.filter(deadline__lt=on).exclude(light=Light.RED).update(light=Light.RED)
    yellow_q = Q(deadline__gte=on, deadline__lte=yellow_until)
    yellow = open_rows.filter(yellow_q).exclude(light=Light.YELLOW).update(light=Light.YELLOW)
    green_q = ~open_q | Q(deadline__gt=yellow_until)
    green = rows.filter(green_q).exclude(light=Light.GREEN).update(light=Light.GREEN)
    return {Light.RED: red, Light.YELLOW: yellow, Light.GREEN: green}


def refresh_lights(on: dt.date | None = None) -> dict[str, int]:
    """Recompute the lights of every project and task (daily job): a few UPDATEs per campaign, no row loop."""
    on = on or _today()
    changed = {str(Light.RED): 0, str(Light.YELLOW): 0, str(Light.GREEN): 0}
    for campaign in Campaign.objects.filter(livelihood_projects__isnull=False).distinct():
        projects = LivelihoodProject.objects.filter(campaign=campaign)
        tasks = ProjectTask.objects.filter(project__campaign=campaign)
        open_task = ~Q(state=TaskState.DONE) & Q(project__state=ProjectState.IN_PROGRESS)
        for counts in (
            _sweep(projects, Q(state=ProjectState.IN_PROGRESS), on, campaign.yellow_days),
            _sweep(tasks, open_task, on, campaign.yellow_days),
        ):
            for light, n in counts.items():
                changed[str(light)] += n
    return changed
