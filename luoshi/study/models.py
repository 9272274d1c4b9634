"""Study (学习): classes and their half-day sessions, attendance, leave, rotations, open groups and study plans.

A class (读书班, 专题学习, 集中学习, 轮训班) belongs to a campaign and an organiser unit and has sessions of one
half-day each with a date and place and a roster of the members expected. Attendance is one row per session
and member (signed in from the roster or by scanning the session's rotating code); its ``org_path`` is the
member's unit, so coverage of a subtree counts distinct members there. A training rotation (轮训) groups
batches (classes of kind 轮训班) and names its target group. An open study group (开放式学习小组) has a place,
a schedule and members who join it where they are; its meetings are sessions too. A study plan (学习计划) of a
leadership group runs on the tracked-work engine and feeds the study list of the four lists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.members.choices import MemberKind
from luoshi.study.choices import AttendanceStatus, ClassKind, HalfDay, PlanEventKind, PlanState, SignInMethod
from luoshi.tracking.models import DecidedRequest, TimelineEvent, TrackedItem

USER = settings.AUTH_USER_MODEL


class TrainingRotation(TimeStamped, Scoped):
    """A training rotation (轮训) over a target group, e.g. every branch secretary of a county; batches are classes.

    A person of the target group is trained (完成) once they attended ``required_half_days`` half-days of the
    rotation's batches. ``org_path`` is the unit whose subtree holds the target group.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="rotations"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("轮训名称"), max_length=200)
    target_kind = models.CharField(_("对象类别"), max_length=10, choices=MemberKind.choices, blank=True)
    target_position = models.CharField(_("对象职务"), max_length=100, blank=True)
    required_half_days = models.PositiveSmallIntegerField(_("完成所需半天数"), default=1)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("轮训")
        verbose_name_plural = _("轮训")

    def __str__(self) -> str:
        return self.title


class StudyClass(TimeStamped, Scoped):
    """A class (学习班次): 读书班, 专题学习, 集中学习 or a rotation batch; ``org_path`` is the organiser unit's."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="study_classes"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=ClassKind.choices, default=ClassKind.READING)
    topic = models.CharField(_("主题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    min_half_days = models.PositiveSmallIntegerField(_("最少半天数"), default=0)
    rotation = models.ForeignKey(
        TrainingRotation,
        verbose_name=_("所属轮训"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("学习班次")
        verbose_name_plural = _("学习班次")
        indexes = [models.Index(fields=["campaign", "kind"], name="study_class_campaign_kind")]

    def __str__(self) -> str:
        return self.topic


class ClassMember(Scoped):
    """A member expected at a class (应参学人员); ``org_path`` is the member's unit."""

    study_class = models.ForeignKey(StudyClass, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="roster")
    member = models.ForeignKey("members.Member", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("应参学人员")
        verbose_name_plural = _("应参学人员")
        constraints = [models.UniqueConstraint(fields=["study_class", "member"], name="study_roster_unique")]


class StudyGroup(TimeStamped, Scoped):
    """An open study group (开放式学习小组) that members join where they are; ``org_path`` is the host unit's."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="study_groups"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("依托单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("小组名称"), max_length=100)
    topic = models.CharField(_("学习主题"), max_length=200)
    schedule = models.CharField(_("学习安排"), max_length=200, blank=True)
    address = models.CharField(_("地点"), max_length=200)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    capacity = models.PositiveIntegerField(_("容量"), default=30)
    is_open = models.BooleanField(_("开放加入"), default=True)
    feed_token = models.CharField(_("日历订阅码"), max_length=40, unique=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("开放式学习小组")
        verbose_name_plural = _("开放式学习小组")

    def __str__(self) -> str:
        return self.name


class GroupMembership(TimeStamped, Scoped):
    """A member in an open study group; ``org_path`` is the group's unit (the group sees its members)."""

    group = models.ForeignKey(StudyGroup, verbose_name=_("学习小组"), on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey("members.Member", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")
        constraints = [models.UniqueConstraint(fields=["group", "member"], name="study_group_member_unique")]


class StudySession(TimeStamped, Scoped):
    """One half-day session (学习场次) of a class or a meeting of an open group; ``org_path`` is the organiser's.

    ``secret`` seeds the rotating sign-in code shown at the session; it never leaves the server.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="study_sessions"
    )
    study_class = models.ForeignKey(
        StudyClass, verbose_name=_("班次"), null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
    group = models.ForeignKey(
        StudyGroup, verbose_name=_("学习小组"), null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("内容"), max_length=200, blank=True)
    date = models.DateField(_("日期"))
    half = models.CharField(_("时段"), max_length=2, choices=HalfDay.choices, default=HalfDay.MORNING)
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    secret = models.CharField(_("签到密钥"), max_length=64, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["date", "half", "id"]
        verbose_name = _("学习场次")
        verbose_name_plural = _("学习场次")
        constraints = [
            models.CheckConstraint(
                condition=Q(study_class__isnull=False, group__isnull=True)
                | Q(study_class__isnull=True, group__isnull=False),
                name="study_session_class_or_group",
            )
        ]
        indexes = [models.Index(fields=["campaign", "date"], name="study_session_campaign_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_half_display()} {self.title}".strip()


class Attendance(Scoped):
    """One member at one session (考勤): present, late, absent or on leave; ``org_path`` is the member's unit.

    ``campaign`` is copied from the session so coverage of a campaign in a subtree is one index range.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        StudySession, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="attendances", db_index=False
    )
    member = models.ForeignKey("members.Member", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("考勤"), max_length=10, choices=AttendanceStatus.choices)
    method = models.CharField(_("签到方式"), max_length=10, choices=SignInMethod.choices, default=SignInMethod.ROSTER)
    at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="study_attendance_unique")]
        indexes = [models.Index(fields=["campaign", "org_path", "member", "status"], name="study_att_coverage")]


class SignInChallenge(models.Model):
    """A one-time SMS code sent to a member signing in at a session by scan; used once, then spent."""

    session = models.ForeignKey(StudySession, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)

    class Meta:
        verbose_name = _("签到验证码")
        verbose_name_plural = _("签到验证码")
        indexes = [models.Index(fields=["session", "member"], name="study_challenge_lookup")]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.member_id}"


class LeaveRequest(DecidedRequest):
    """A leave request (请假) of a member for a session; approved, the attendance is marked 请假."""

    session = models.ForeignKey(StudySession, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="leaves")
    member = models.ForeignKey("members.Member", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("请假事由"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("请假申请")
        verbose_name_plural = _("请假申请")


class StudyPlan(TrackedItem):
    """A leadership group's study plan (学习计划); ``org_path`` is the unit's. Its items feed the study list."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="study_plans"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("计划名称"), max_length=200)
    due_date = models.DateField(_("完成时限"))
    state = models.CharField(_("状态"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT)
    review_note = models.TextField(_("审核意见"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("学习计划")
        verbose_name_plural = _("学习计划")
        indexes = [models.Index(fields=["campaign", "state"], name="study_plan_campaign_state")]

    def __str__(self) -> str:
        return self.title


class StudyPlanItem(Scoped):
    """One item of a study plan (学习内容): topic, planned date, half-days, form; marked done when held."""

    plan = models.ForeignKey(StudyPlan, verbose_name=_("学习计划"), on_delete=models.CASCADE, related_name="items")
    topic = models.CharField(_("学习专题"), max_length=200)
    planned_date = models.DateField(_("计划时间"), null=True, blank=True)
    half_days = models.PositiveSmallIntegerField(_("半天数"), default=1)
    form = models.CharField(_("学习形式"), max_length=10, choices=ClassKind.choices, default=ClassKind.CENTRAL)
    done = models.BooleanField(_("已完成"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "order", "id"]
        verbose_name = _("学习内容")
        verbose_name_plural = _("学习内容")

    def __str__(self) -> str:
        return self.topic


class StudyPlanEvent(TimelineEvent):
    """One entry of a study plan's timeline."""

    plan = models.ForeignKey(StudyPlan, verbose_name=_("学习计划"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=30, choices=PlanEventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=PlanState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=PlanState.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "at", "id"]
        verbose_name = _("学习计划记录")
        verbose_name_plural = _("学习计划记录")
