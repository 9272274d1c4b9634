from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemandState(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    SIGNED = "signed", _("已签收")
    RESPONDED = "responded", _("办理中")
    FINISHED = "finished", _("已办结")
    CALLED_BACK = "called_back", _("已回访")
    ARCHIVED = "archived", _("已归档")


class DemandKind(models.TextChoices):
    INQUIRY = "inquiry", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    UNRESOLVED = "unresolved", _("未解决")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class DemandEventKind(models.TextChoices):
    RECEIVED = "received", _("受理")
    DISPATCHED = "dispatched", _("派单")
    SIGNED = "signed", _("签收")
    RESPONDED = "responded", _("联系群众")
    FINISHED = "finished", _("办结")
    CALLED_BACK = "called_back", _("回访")
    ARCHIVED = "archived", _("归档")
    RETURNED = "returned", _("退单")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("同意延期")
    EXTENSION_REJECTED = "extension_rejected", _("不同意延期")
    ESCALATED = "escalated", _("督办")
    REDONE = "redone", _("重办")
    BREACHED = "breached", _("超时")
    PERSONAL_DATA_VIEWED = "personal_data_viewed", _("查看群众信息")
    LINKED_PROBLEM = "linked_problem", _("转为问题清单")
