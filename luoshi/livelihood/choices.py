"""States, categories and timeline kinds of livelihood projects (民生实事)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProposalState(models.TextChoices):
    SUBMITTED = "submitted", _("待筛选")
    SHORTLISTED = "shortlisted", _("已入围")
    DECLINED = "declined", _("未入围")
    ADOPTED = "adopted", _("票决通过")
    REJECTED = "rejected", _("票决未通过")


class ProposalSource(models.TextChoices):
    UNIT = "unit", _("单位提报")
    PUBLIC = "public", _("群众建议")


class ProjectState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("实施中")
    COMPLETED = "completed", _("已完成")
    EVALUATED = "evaluated", _("已测评")
    STOPPED = "stopped", _("已终止")


class TaskState(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已完成")


class Category(models.TextChoices):
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("医疗卫生")
    CARE = "care", _("养老托育")
    TRANSPORT = "transport", _("交通出行")
    HOUSING = "housing", _("住房保障")
    JOBS = "jobs", _("就业创业")
    ENVIRONMENT = "environment", _("环境整治")
    CULTURE = "culture", _("文化体育")
    SAFETY = "safety", _("公共安全")
    OTHER = "other", _("其他")


class ProposalEventKind(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("timeline event", "提交建议")
    SHORTLISTED = "shortlisted", pgettext_lazy("timeline event", "筛选入围")
    DECLINED = "declined", pgettext_lazy("timeline event", "不予入围")
    ADOPTED = "adopted", pgettext_lazy("timeline event", "票决通过")
    REJECTED = "rejected", pgettext_lazy("timeline event", "票决未通过")
    CONTACT_VIEWED = "contact_viewed", pgettext_lazy("timeline event", "查看联系方式")


class ProjectEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("timeline event", "立项")
    EDITED = "edited", pgettext_lazy("timeline event", "修改项目")
    MILESTONE_ADDED = "milestone_added", pgettext_lazy("timeline event", "新增时间节点")
    MILESTONE_REACHED = "milestone_reached", pgettext_lazy("timeline event", "节点完成")
    TASK_ADDED = "task_added", pgettext_lazy("timeline event", "新增子项")
    PROGRESS = "progress", pgettext_lazy("timeline event", "报送进展")
    COMPLETED = "completed", pgettext_lazy("timeline event", "项目完成")
    EVALUATED = "evaluated", pgettext_lazy("timeline event", "满意度测评")
    STOPPED = "stopped", pgettext_lazy("timeline event", "终止项目")


class TaskEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("timeline event", "新增子项")
    STARTED = "started", pgettext_lazy("timeline event", "开始实施")
    FINISHED = "finished", pgettext_lazy("timeline event", "子项完成")
    CLOSED = "closed", pgettext_lazy("timeline event", "办公室确认完成")
    REOPENED = "reopened", pgettext_lazy("timeline event", "重新打开")
    PROGRESS = "progress", pgettext_lazy("timeline event", "报送进展")
