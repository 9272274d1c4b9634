"""Citizen demands (民呼我为 / 接诉即办): tickets with timers, their timeline, and daily rollups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import PathField, Scoped, TimeStamped
from luoshi.demands.choices import DemandEventKind, DemandKind, DemandState, Outcome, Satisfaction
from luoshi.tracking.models import ExtensionRequestBase, TimelineEvent, TrackedItem

USER = settings.AUTH_USER_MODEL


class DemandChannel(models.Model):
    """A channel demands come in by (诉求渠道: 12345 热线, 网站, APP, 来信, 下访接访, 电视问政 …)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("诉求渠道")
        verbose_name_plural = _("诉求渠道")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A demand category (诉求分类), a small configurable tree, with time limits (null = inherit)."""

    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    sign_hours = models.PositiveSmallIntegerField(_("签收时限（小时）"), null=True, blank=True)
    contact_hours = models.PositiveSmallIntegerField(_("联系群众时限（小时）"), null=True, blank=True)
    urgent_contact_hours = models.PositiveSmallIntegerField(_("紧急件联系时限（小时）"), null=True, blank=True)
    resolve_days = models.PositiveSmallIntegerField(_("办结时限（工作日）"), null=True, blank=True)
    callback_days = models.PositiveSmallIntegerField(_("回访时限（工作日）"), null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="unique_category_name")]
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A calendar exception (节假日安排): a holiday on a weekday, or a make-up working day on a weekend."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("调休上班"), default=False)
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Company(TimeStamped, Scoped):
    """A company demands may concern (物业企业 …), supervised by ``unit``."""

    name = models.CharField(_("名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("监管单位"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self) -> str:
        return self.name


class Project(TimeStamped, Scoped):
    """A project or estate (小区/项目) managed by a company, located in ``unit``."""

    name = models.CharField(_("名称"), max_length=100)
    company = models.ForeignKey(Company, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="projects")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("项目")
        verbose_name_plural = _("项目")

    def __str__(self) -> str:
        return self.name


class Demand(TrackedItem):
    """A citizen demand (诉求工单). ``org_path`` is the path of the unit that holds it now.

    Imports write millions of tickets, so the table keeps only the indexes that queries use: unique
    constraints instead of ``unique=True`` (no second ``LIKE`` index on PostgreSQL), ``org_path`` served
    by ``(org_path, state)``, no index on the handful of channels, and the optional links indexed only
    where they are set.
    """

    org_path = PathField(_("组织路径"), editable=False)
    number = models.CharField(_("工单编号"), max_length=24)
    tracking_code = models.CharField(_("查询码"), max_length=16)
    channel = models.ForeignKey(
        DemandChannel, verbose_name=_("渠道"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=12, choices=DemandKind.choices, default=DemandKind.HELP)
    urgent = models.BooleanField(_("紧急"), default=False)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("诉求内容"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    citizen_name_enc = models.TextField(_("群众姓名（密文）"), blank=True)
    citizen_phone_enc = models.TextField(_("联系电话（密文）"), blank=True)
    citizen_phone_index = models.CharField(_("电话索引"), max_length=64, blank=True)
    citizen_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    dispatcher_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("受理单位"), on_delete=models.PROTECT, related_name="+"
    )
    handling_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("涉及企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
        db_index=False,
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("涉及项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
        db_index=False,
    )
    state = models.CharField(_("状态"), max_length=12, choices=DemandState.choices, default=DemandState.RECEIVED)
    received_at = models.DateTimeField(_("受理时间"))
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("联系群众时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    sign_due = models.DateTimeField(_("签收时限"), null=True, blank=True)
    respond_due = models.DateTimeField(_("联系时限"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("办结时限"), null=True, blank=True)
    callback_due = models.DateTimeField(_("回访时限"), null=True, blank=True)
    responded_on_time = models.BooleanField(_("按时响应"), null=True, blank=True)
    finished_on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=12, choices=Outcome.choices, blank=True)
    explanation = models.TextField(_("办理情况"), blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    redo_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    unit_hops = models.PositiveSmallIntegerField(_("流转单位数"), default=0)
    escalated = models.BooleanField(_("督办"), default=False)
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("关联问题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demands",
        db_index=False,
    )
    # No index: imports write millions of tickets; nothing lists a batch's tickets.
    import_batch = models.ForeignKey(
        "DemandImport",
        verbose_name=_("导入批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
        db_index=False,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("诉求工单")
        verbose_name_plural = _("诉求工单")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="unique_demand_number"),
            models.UniqueConstraint(fields=["tracking_code"], name="unique_demand_tracking_code"),
        ]
        indexes = [
            models.Index(fields=["org_path", "state"]),
            models.Index(fields=["state", "resolve_due"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["citizen_phone_index"], name="demand_phone_index"),
            models.Index(fields=["company"], name="demand_company", condition=Q(company__isnull=False)),
            models.Index(fields=["project"], name="demand_project", condition=Q(project__isnull=False)),
            models.Index(fields=["problem"], name="demand_problem", condition=Q(problem__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class DemandImport(TimeStamped, Scoped):
    """One bulk import of hotline tickets (工单导入批次): which file, by whom, how many tickets.

    ``org_path`` is the path of the importer's unit the tickets were received at (受理单位).
    """

    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件摘要（SHA-256）"), max_length=64)
    imported_by = models.ForeignKey(
        USER, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    count = models.PositiveIntegerField(_("工单数"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("工单导入批次")
        verbose_name_plural = _("工单导入批次")

    def __str__(self) -> str:
        return f"{self.file_name}（{self.count}）"


class DemandEvent(TimelineEvent):
    """One entry of a demand's timeline (办理记录)."""

    demand = models.ForeignKey(Demand, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=30, choices=DemandEventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=12, choices=DemandState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=DemandState.choices, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["demand", "at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")


class DemandExtension(ExtensionRequestBase):
    """An extension request of a demand's resolution deadline (延期申请), at most 10 working days."""

    demand = models.ForeignKey(Demand, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("延期工作日"))
    old_due = models.DateTimeField(_("原时限"))
    new_due = models.DateTimeField(_("新时限"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("诉求延期申请")
        verbose_name_plural = _("诉求延期申请")

    def __str__(self) -> str:
        return f"{self.demand.number} +{self.days}"


class RollupCounts(models.Model):
    """The counts every rollup row holds (see ``luoshi.demands.rollups``)."""

    received = models.PositiveIntegerField(default=0)
    response_due = models.PositiveIntegerField(default=0)
    responded_on_time = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DemandRollup(RollupCounts, Scoped):
    """Daily figures per handling unit, category, company and project (日汇总), kept as tickets change.

    Rates, rankings and the red/black list read these rows, so their cost grows with units and days,
    not with tickets. ``org_path`` is the handling unit's path (moved with the unit like every scoped row).
    At province scale there is about one row per ticket, so, like ``Demand``, it keeps only the indexes
    that queries use (a category with rows has tickets, which protect it from deletion).
    """

    org_path = PathField(_("组织路径"), editable=False)
    day = models.DateField(_("日期"))
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", db_index=False)
    company_key = models.PositiveBigIntegerField(_("企业编号（0 为无）"), default=0)
    project_key = models.PositiveBigIntegerField(_("项目编号（0 为无）"), default=0)

    class Meta:
        verbose_name = _("诉求日汇总")
        verbose_name_plural = _("诉求日汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit", "category", "company_key", "project_key"], name="unique_demand_rollup"
            )
        ]
        indexes = [
            models.Index(fields=["org_path"], name="demand_rollup_path"),
            models.Index(fields=["day", "org_path"]),
            models.Index(fields=["company_key", "day"]),
            models.Index(fields=["project_key", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.org_path}"


class DemandMonthRollup(RollupCounts, Scoped):
    """Monthly figures of a unit's whole subtree (月汇总), kept with the daily rows.

    One row per unit and month: the tickets held by the unit or any unit below it, whatever their
    category or company. A ranking of child units over whole months reads one row per child.
    """

    month = models.DateField(_("月份（当月第一天）"))
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("诉求月汇总")
        verbose_name_plural = _("诉求月汇总")
        constraints = [models.UniqueConstraint(fields=["month", "unit"], name="unique_demand_month_rollup")]
        indexes = [models.Index(fields=["month", "org_path"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.org_path}"


class DemandRateConfig(TimeStamped):
    """The weights of the composite score and the red/black thresholds set on the settings page (三率参数).

    One row (``SINGLETON``), in percent; fields are named ``<part>_<rate>`` after ``rates.DEFAULTS``.
    ``rates.RateSettings.current()`` lets it override ``settings.DEMAND_RATES``.
    """

    SINGLETON = 1

    weights_timeliness = models.DecimalField(_("响应及时率权重"), max_digits=5, decimal_places=2)
    weights_resolution = models.DecimalField(_("问题解决率权重"), max_digits=5, decimal_places=2)
    weights_satisfaction = models.DecimalField(_("群众满意率权重"), max_digits=5, decimal_places=2)
    black_below_timeliness = models.DecimalField(_("响应及时率黑榜线（%）"), max_digits=5, decimal_places=2)
    black_below_resolution = models.DecimalField(_("问题解决率黑榜线（%）"), max_digits=5, decimal_places=2)
    black_below_satisfaction = models.DecimalField(_("群众满意率黑榜线（%）"), max_digits=5, decimal_places=2)
    red_from_timeliness = models.DecimalField(_("响应及时率红榜线（%）"), max_digits=5, decimal_places=2)
    red_from_resolution = models.DecimalField(_("问题解决率红榜线（%）"), max_digits=5, decimal_places=2)
    red_from_satisfaction = models.DecimalField(_("群众满意率红榜线（%）"), max_digits=5, decimal_places=2)
    updated_by = models.ForeignKey(
        USER, verbose_name=_("修改人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("三率参数")
        verbose_name_plural = _("三率参数")

    def __str__(self) -> str:
        return str(_("三率权重与红黑榜阈值"))
