"""Roles and what each may do (三权分立: no role sees across its scope)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("领导小组办公室")
    LIAISON = "liaison", _("单位联络员")
    LEADER = "leader", _("责任领导")
    SUPERVISOR = "supervisor", _("督导组成员")
    DISPATCHER = "dispatcher", _("受理派单员")
    HANDLER = "handler", _("承办人")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDITOR = "auditor", _("审计员")
    SPEAKER = "speaker", _("宣讲员")


class Perm(models.TextChoices):
    VIEW = "view", _("查看")
    EXPORT = "export", _("导出")
    FILE_PROBLEM = "file_problem", _("登记问题")
    EDIT_PROBLEM = "edit_problem", _("编辑问题")
    CLAIM = "claim", _("认领问题")
    MANAGE_MEASURES = "manage_measures", _("制定整改措施")
    REPORT_PROGRESS = "report_progress", _("报送进展")
    REQUEST_CLOSURE = "request_closure", _("申请销号")
    REVIEW = "review", _("审核销号")
    REOPEN = "reopen", _("回头看重新打开")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("审批延期")
    MANAGE_CAMPAIGN = "manage_campaign", _("管理活动")
    MANAGE_ORGS = "manage_orgs", _("管理组织架构")
    IMPORT = "import", _("导入")
    RECEIVE_DEMAND = "receive_demand", _("受理诉求")
    DISPATCH_DEMAND = "dispatch_demand", _("派单、回访、归档、督办")
    HANDLE_DEMAND = "handle_demand", _("签收、办理、办结诉求")
    APPROVE_DEMAND_EXTENSION = "approve_demand_extension", _("审批诉求延期")
    VIEW_DEMANDS = "view_demands", _("查看诉求工单")
    UPLOAD_REPORT = "upload_report", _("上传工作报告")
    CORRECT_FIGURE = "correct_figure", _("校正报告数字")
    MANAGE_TASKS = "manage_tasks", _("部署、交办和验收重点任务")
    HANDLE_TASK = "handle_task", _("签收、下达、报送重点任务")
    MANAGE_PROJECTS = "manage_projects", _("管理民生实事项目")
    PROPOSE_PROJECT = "propose_project", _("提报民生实事建议")
    URGE = "urge", _("提醒、催办、督办")
    ACKNOWLEDGE_URGE = "acknowledge_urge", _("签收催办")
    MANAGE_COLLECTION = "manage_collection", _("管理定期报送")
    SUBMIT_COLLECTION = "submit_collection", _("填报定期报送")
    PUBLISH_RANKING = "publish_ranking", _("发布晾晒排名")
    MANAGE_SUPERVISION = "manage_supervision", _("管理督导组、印发督导报告")
    SUPERVISE = "supervise", _("督导走访、记录督导发现")
    ACKNOWLEDGE_SUPERVISION = "acknowledge_supervision", _("签收督导报告")
    MANAGE_RESEARCH = "manage_research", _("管理调研课题、审核调研方案")
    PLAN_RESEARCH = "plan_research", _("制定和开展调研")
    FILE_VISIT = "file_visit", _("走访报备")
    MANAGE_MEMBERS = "manage_members", _("管理党员干部名册")
    MANAGE_STUDY = "manage_study", _("管理学习、轮训、宣讲菜单和派单")
    ORGANISE_STUDY = "organise_study", _("组织学习、考勤和学习小组")
    ORDER_LECTURE = "order_lecture", _("宣讲点单、评单")
    ACCEPT_LECTURE = "accept_lecture", _("宣讲接单")
    SUGGEST = "suggest", _("提出意见建议")
    HANDLE_SUGGESTION = "handle_suggestion", _("研判、转办和认定意见建议")
    ANSWER_SUGGESTION = "answer_suggestion", _("答复意见建议")
    MANAGE_USERS = "manage_users", _("管理账号")
    READ_AUDIT = "read_audit", _("查阅审计日志")


ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.OFFICE: frozenset(
        {
            Perm.VIEW,
            Perm.EXPORT,
            Perm.FILE_PROBLEM,
            Perm.EDIT_PROBLEM,
            Perm.REVIEW,
            Perm.REOPEN,
            Perm.APPROVE_EXTENSION,
            Perm.MANAGE_CAMPAIGN,
            Perm.MANAGE_ORGS,
            Perm.IMPORT,
            Perm.VIEW_DEMANDS,
            Perm.UPLOAD_REPORT,
            Perm.CORRECT_FIGURE,
            Perm.MANAGE_TASKS,
            Perm.MANAGE_PROJECTS,
            Perm.PROPOSE_PROJECT,
            Perm.URGE,
            Perm.MANAGE_COLLECTION,
            Perm.PUBLISH_RANKING,
            Perm.MANAGE_SUPERVISION,
            Perm.MANAGE_RESEARCH,
            Perm.FILE_VISIT,
            Perm.MANAGE_MEMBERS,
            Perm.MANAGE_STUDY,
            Perm.ORGANISE_STUDY,
            Perm.SUGGEST,
            Perm.HANDLE_SUGGESTION,
        }
    ),
    Role.LIAISON: frozenset(
        {
            Perm.VIEW,
            Perm.EXPORT,
            Perm.FILE_PROBLEM,
            Perm.EDIT_PROBLEM,
            Perm.REPORT_PROGRESS,
            Perm.REQUEST_EXTENSION,
            Perm.IMPORT,
            Perm.UPLOAD_REPORT,
            Perm.CORRECT_FIGURE,
            Perm.HANDLE_TASK,
            Perm.PROPOSE_PROJECT,
            Perm.ACKNOWLEDGE_URGE,
            Perm.SUBMIT_COLLECTION,
            Perm.ACKNOWLEDGE_SUPERVISION,
            Perm.PLAN_RESEARCH,
            Perm.FILE_VISIT,
            Perm.MANAGE_MEMBERS,
            Perm.ORGANISE_STUDY,
            Perm.ORDER_LECTURE,
            Perm.SUGGEST,
            Perm.ANSWER_SUGGESTION,
        }
    ),
    Role.LEADER: frozenset(
        {
            Perm.VIEW,
            Perm.EXPORT,
            Perm.HANDLE_TASK,
            Perm.CLAIM,
            Perm.MANAGE_MEASURES,
            Perm.REPORT_PROGRESS,
            Perm.REQUEST_CLOSURE,
            Perm.REQUEST_EXTENSION,
            Perm.ACKNOWLEDGE_URGE,
            Perm.ACKNOWLEDGE_SUPERVISION,
            Perm.PLAN_RESEARCH,
            Perm.FILE_VISIT,
            Perm.SUGGEST,
            Perm.ANSWER_SUGGESTION,
        }
    ),
    Role.SUPERVISOR: frozenset({Perm.VIEW, Perm.FILE_PROBLEM, Perm.SUPERVISE, Perm.FILE_VISIT, Perm.SUGGEST}),
    Role.DISPATCHER: frozenset(
        {
            Perm.VIEW_DEMANDS,
            Perm.RECEIVE_DEMAND,
            Perm.DISPATCH_DEMAND,
            Perm.APPROVE_DEMAND_EXTENSION,
            Perm.EXPORT,
            Perm.URGE,
        }
    ),
    Role.HANDLER: frozenset({Perm.VIEW_DEMANDS, Perm.HANDLE_DEMAND, Perm.ACKNOWLEDGE_URGE}),
    Role.SECURITY_ADMIN: frozenset({Perm.MANAGE_USERS}),
    Role.AUDITOR: frozenset({Perm.READ_AUDIT}),
    Role.SPEAKER: frozenset({Perm.ACCEPT_LECTURE}),
}

CAMPAIGN_DATA_ROLES = frozenset(
    {Role.OFFICE, Role.LIAISON, Role.LEADER, Role.SUPERVISOR, Role.DISPATCHER, Role.HANDLER, Role.SPEAKER}
)


def roles_with(perm: str) -> frozenset[str]:
    return frozenset(role for role, perms in ROLE_PERMS.items() if perm in perms)
