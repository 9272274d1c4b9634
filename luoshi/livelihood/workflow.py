"""The lifecycles of livelihood work as pure tables: proposals (征集 → 筛选 → 票决), projects and their tasks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.livelihood.choices import (
    ProjectEventKind,
    ProjectState,
    ProposalEventKind,
    ProposalState,
    TaskEventKind,
    TaskState,
)
from luoshi.tracking.workflow import Transition, Workflow

P = ProposalState
PROPOSALS = Workflow(
    _("项目建议"),
    ProposalState,
    {
        "shortlist": Transition(
            _("筛选入围"), (P.SUBMITTED,), P.SHORTLISTED, Perm.MANAGE_PROJECTS, ProposalEventKind.SHORTLISTED
        ),
        "decline": Transition(
            _("不予入围"), (P.SUBMITTED, P.SHORTLISTED), P.DECLINED, Perm.MANAGE_PROJECTS, ProposalEventKind.DECLINED
        ),
        "adopt": Transition(
            _("票决通过"), (P.SHORTLISTED,), P.ADOPTED, Perm.MANAGE_PROJECTS, ProposalEventKind.ADOPTED
        ),
        "reject": Transition(
            _("票决未通过"), (P.SHORTLISTED,), P.REJECTED, Perm.MANAGE_PROJECTS, ProposalEventKind.REJECTED
        ),
    },
)

S = ProjectState
PROJECTS = Workflow(
    _("项目"),
    ProjectState,
    {
        "complete": Transition(
            _("项目完成"), (S.IN_PROGRESS,), S.COMPLETED, Perm.MANAGE_PROJECTS, ProjectEventKind.COMPLETED
        ),
        "evaluate": Transition(
            _("满意度测评"), (S.COMPLETED,), S.EVALUATED, Perm.MANAGE_PROJECTS, ProjectEventKind.EVALUATED
        ),
        "stop": Transition(
            _("终止项目"), (S.IN_PROGRESS, S.COMPLETED), S.STOPPED, Perm.MANAGE_PROJECTS, ProjectEventKind.STOPPED
        ),
    },
)
OPEN_PROJECT = (S.IN_PROGRESS,)
FINISHED_PROJECT = (S.COMPLETED, S.EVALUATED, S.STOPPED)

T = TaskState
TASKS = Workflow(
    _("子项"),
    TaskState,
    {
        "start": Transition(_("开始实施"), (T.NOT_STARTED,), T.IN_PROGRESS, Perm.HANDLE_TASK, TaskEventKind.STARTED),
        "finish": Transition(_("子项完成"), (T.IN_PROGRESS,), T.DONE, Perm.HANDLE_TASK, TaskEventKind.FINISHED),
        "close": Transition(
            _("确认完成"), (T.NOT_STARTED, T.IN_PROGRESS), T.DONE, Perm.MANAGE_PROJECTS, TaskEventKind.CLOSED
        ),
        "reopen": Transition(_("重新打开"), (T.DONE,), T.IN_PROGRESS, Perm.MANAGE_PROJECTS, TaskEventKind.REOPENED),
    },
)
