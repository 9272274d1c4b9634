from __future__ import annotations

from django.db import models


class State(models.TextChoices):
    PENDING_CLAIM = "pending_claim", "待认领"
    RECTIFYING = "rectifying", "整改中"
    PENDING_REVIEW = "pending_review", "待审核"
    CLOSED = "closed", "已销号"


class Kind(models.TextChoices):
    IMMEDIATE = "immediate", "立行立改"
    DEADLINE = "deadline", "限期整改"
    LONG_TERM = "long_term", "长期坚持"


class Severity(models.TextChoices):
    NORMAL = "normal", "一般"
    SERIOUS = "serious", "较重"
    GRAVE = "grave", "严重"


class Light(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"


class MeasureState(models.TextChoices):
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"


class RequestState(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "已退回"


class EventKind(models.TextChoices):
    FILED = "filed", "登记问题"
    EDITED = "edited", "修改问题"
    CLAIMED = "claimed", "认领"
    MEASURE_ADDED = "measure_added", "新增整改措施"
    MEASURE_DONE = "measure_done", "措施完成"
    PROGRESS = "progress", "报送进展"
    CLOSURE_REQUESTED = "closure_requested", "申请销号"
    CLOSED = "closed", "审核销号"
    SENT_BACK = "sent_back", "退回整改"
    REOPENED = "reopened", "回头看重新打开"
    EXTENSION_REQUESTED = "extension_requested", "申请延期"
    EXTENSION_APPROVED = "extension_approved", "同意延期"
    EXTENSION_REJECTED = "extension_rejected", "不同意延期"
