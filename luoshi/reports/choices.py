from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    SUMMARY = "summary", _("总结")
    BRIEFING = "briefing", _("简报")
    PRESS = "press", _("新闻稿")
    OTHER = "other", pgettext_lazy("report kind", "其他")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    PROCESSING = "processing", _("处理中")
    DONE = "done", pgettext_lazy("report status", "已完成")
    FAILED = "failed", pgettext_lazy("report status", "失败")


class Approx(models.TextChoices):
    """How exact a figure is (spec: ``approx``)."""

    EXACT = "exact", _("确数")
    MORE_THAN = "more_than", _("以上/余/多")
    ABOUT = "about", _("约/近/左右")
    AT_LEAST = "at_least", _("至少/不少于")
    AT_MOST = "at_most", _("以内/不超过")
    BELOW = "below", _("低于")
    ABOVE = "above", _("高于")


class Change(models.TextChoices):
    UP = "up", _("上升")
    DOWN = "down", _("下降")


class MeasureKey(models.TextChoices):
    """The platform's own figures a claim can be checked against (see ``services.MEASURES``)."""

    PROBLEMS_CLOSED = "problems_closed", _("已销号问题数")
    PROBLEMS_TOTAL = "problems_total", _("问题总数")
    MEASURES = "measures", _("整改措施数")
    SUPERVISION_GROUPS = "supervision_groups", _("督导组数")
    SUPERVISED_UNITS = "supervised_units", _("督导单位数")
    VISITS = "visits", _("走访次数")
    FINDINGS = "findings", _("督导发现问题数")
    RESEARCH_TOPICS = "research_topics", _("调研课题数")
    RESEARCH_PLANS = "research_plans", _("调研方案数")
    COUNTER_EXAMPLES = "counter_examples", _("反面案例数")
    STUDY_CLASSES = "study_classes", _("读书班、专题学习班次数")
    ROTATION_CLASSES = "rotation_classes", _("轮训班次数")
    READING_HALF_DAYS = "reading_half_days", _("读书班最少半天数")
    STUDY_SESSIONS = "study_sessions", _("学习场次数")
    ATTENDANCES = "attendances", _("参学人次")
    PEOPLE_COVERED = "people_covered", _("参学人数（不重复）")
    LECTURE_CATEGORIES = "lecture_categories", _("宣讲菜单类别数")
    LECTURE_ITEMS = "lecture_items", _("宣讲菜单项数")
    LECTURE_ORDERS = "lecture_orders", _("宣讲点单场次")
    LECTURE_LISTENERS = "lecture_listeners", _("宣讲听众人数")
    STUDY_GROUPS = "study_groups", _("开放式学习小组数")
    SUGGESTIONS = "suggestions", _("收集意见建议数")
    SUGGESTIONS_ADOPTED = "suggestions_adopted", _("采纳意见建议数")
    KEY_TASKS_TOTAL = "key_tasks_total", _("重点任务数")
    KEY_TASKS_DONE = "key_tasks_done", _("已完成重点任务数")
    KEY_TASKS_PROGRESS = "key_tasks_progress", _("重点任务总体进度（%）")
    PROJECTS_TOTAL = "projects_total", _("民生实事项目数")
    PROJECTS_DONE = "projects_done", _("已完成民生实事项目数")
    PROJECT_TASKS_TOTAL = "project_tasks_total", _("民生实事子项数")
    PROJECT_TASKS_DONE = "project_tasks_done", _("已完成民生实事子项数")
    PROJECTS_PROGRESS = "projects_progress", _("民生实事总体进度（%）")
    IGNORE = "ignore", _("不核实")


class Verdict(models.TextChoices):
    CONSISTENT = "consistent", _("一致")
    INCONSISTENT = "inconsistent", _("不一致")
    UNVERIFIABLE = "unverifiable", _("无法核实")
