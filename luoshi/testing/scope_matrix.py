"""The scope matrix: every URL of the project, the district-A objects it can reach, and who may reach them.

``routes()`` walks the whole URLconf. Every named route is either in one of the registries below
(``PAGE_OBJECTS``, ``PAGE_LISTS``, ``API_OBJECTS``, ``API_LISTS``) or in ``EXEMPT`` with the reason;
``tests/test_meta.py`` fails when a route is in neither, so a new view cannot ship without a scope test.

Objects are made through the real services by ``Seed`` (东城区 = district A); users of 西城区
(district B) must find none of them, and their attempts must leave ``database_footprint()`` as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.http.response import HttpResponseBase
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.accounts import services as account_services
from luoshi.analysis import services as analysis_services
from luoshi.analysis.models import MonthlySnapshot
from luoshi.audit.models import AuditEvent, ChainHead
from luoshi.campaigns import services as campaign_services
from luoshi.campaigns.models import Campaign
from luoshi.collection import services as collection_services
from luoshi.collection.models import CollectionRound, CollectionTemplate, Submission, SubmissionFile
from luoshi.demands import services as demand_services
from luoshi.demands.models import Category as DemandCategory
from luoshi.demands.models import Demand, DemandChannel, DemandExtension
from luoshi.extract.types import Extraction, Mention
from luoshi.jobs.models import Job, JobStatus
from luoshi.jobs.runner import create_job
from luoshi.livelihood import services as livelihood_services
from luoshi.livelihood.models import LivelihoodProject, ProjectEvidence, ProjectMilestone, ProjectProposal, ProjectTask
from luoshi.notices import delivery as notice_delivery
from luoshi.notices import services as notice_services
from luoshi.notices.models import Delivery, GroupKind, NoticeKind, Notification, UnitChannel
from luoshi.orgs import services as org_services
from luoshi.orgs.jobs import IMPORT_KIND
from luoshi.orgs.models import Unit
from luoshi.problems import services as problem_services
from luoshi.problems.models import Evidence, ExtensionRequest, Measure, Problem, ProblemClass
from luoshi.rankings import periods as ranking_periods
from luoshi.rankings import services as ranking_services
from luoshi.rankings.models import Ranking, RankingScheme
from luoshi.reports import services as report_services
from luoshi.reports.models import ClaimRule, Figure, Report
from luoshi.supervision import models as supervision_models
from luoshi.supervision import reports as supervision_reports
from luoshi.supervision import services as supervision_services
from luoshi.supervision.models import ReportVersion, SupervisionGroup, SupervisionReport
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Milestone as TaskMilestone
from luoshi.tasks.models import TaskAssignment, TaskEvidence, TaskExtension
from luoshi.tasks.tests.factory import in_state as task_in_state
from luoshi.testing.footprint import stored_files
from luoshi.testing.problems import closed, new_problem, pending_review, png, rectifying
from luoshi.testing.world import PASSWORD, World, make_user
from luoshi.urging import services as urging_services
from luoshi.urging.models import Urge, UrgeLevel
from luoshi.visits import services as visits_services
from luoshi.visits.models import Visit

MISSING_ID = 987654321
NON_ID_PARAMS = frozenset({"kind", "format", "name"})
DISTRICT_B = ("office_b", "leader_b", "liaison_b")
# The inbox is per user: district B, the city and colleagues of the same district all see none of office_a's.
NOTICE_OUTSIDERS = (*DISTRICT_B, "office_city", "liaison_a")
EXTRA_USERS = {"secadmin_b": (Role.SECURITY_ADMIN, "district_b", "西城安全管理员")}

# Names only district-A objects carry; none may appear in an answer to a district-B user.
HIDDEN_UNIT = "秘密社区甲"
HIDDEN_TITLES = ("秘密问题待认领", "秘密问题整改中", "秘密问题待审核", "秘密问题已销号")
HIDDEN_MEASURE = "秘密措施甲"
HIDDEN_PROGRESS = "秘密进展甲"
HIDDEN_EXTENSION = "秘密延期理由甲"
HIDDEN_CLASS = "秘密类别甲"
HIDDEN_CAMPAIGN = "东城秘密专项整治"
HIDDEN_ASPECT = "秘密方面甲"
HIDDEN_JOB = "秘密导入任务甲"
HIDDEN_NOTICE = "秘密消息甲"
HIDDEN_COLLECTION = ("秘密报送模板甲", "秘密报送做法甲", "mimi-collection.png")  # 定期报送
HIDDEN_RANKING = "秘密排名方案甲"
HIDDEN_URGE = "秘密催办甲"
HIDDEN_ACCOUNT = ("mimi_a", "秘密账号甲")
HIDDEN_FILE = "mimi-evidence.png"
HIDDEN_DEMANDS = ("秘密诉求已受理", "秘密诉求已派单", "秘密诉求已签收", "秘密诉求已办结", "秘密诉求不满意")
HIDDEN_DEMAND_EXTENSION = "秘密诉求延期甲"
HIDDEN_REPORT = "秘密报告甲"
HIDDEN_FIGURE = "秘密数字甲"
HIDDEN_RULE = "秘密规则甲"
HIDDEN_TASKS = ("秘密任务待签收", "秘密任务进行中", "秘密任务申请办结", "秘密任务已办结")
HIDDEN_TASK_TEXTS = ("秘密任务进展甲", "秘密任务延期甲", "秘密任务节点甲", "mimi-task.png")
HIDDEN_LIVELIHOOD = (
    "秘密民生项目甲",
    "秘密节点甲",
    "秘密子项甲",
    "秘密子项进展甲",
    "mimi-livelihood.png",
    "秘密项目建议甲",
)
REPORT_TEXT = "共排查问题38个，已整改销号36个。"
DEMAND_VIEWERS_B = ("office_b", "handler_b")


# --- the URLconf -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One named URL pattern: its name (``namespace:name``), full route text and path parameters."""

    name: str
    route: str
    params: tuple[str, ...]
    callback: Callable[..., Any]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def id_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in NON_ID_PARAMS)

    @property
    def api_methods(self) -> tuple[str, ...]:
        """The HTTP methods a router route answers (``{"get": "list", "post": "create"}`` → get, post)."""
        actions: dict[str, str] = getattr(self.callback, "actions", None) or {"get": "get"}
        return tuple(m for m in actions if m not in ("head", "options"))


def _walk(patterns: Iterable[Any], prefix: str, namespace: str, params: tuple[str, ...]) -> Iterable[Route]:
    for pattern in patterns:
        own = tuple(pattern.pattern.regex.groupindex)
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, text, inner, params + own)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else text
            yield Route(name, text, params + own, pattern.callback)


def routes() -> dict[str, Route]:
    """Every route of the URLconf by name; format-suffix twins (``.json``) collapse into their route."""
    found: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns, "", "", ()):
        if route.name not in found or len(route.params) < len(found[route.name].params):
            found[route.name] = route
    return found


# --- what must not change ---------------------------------------------------------------------------


# Rate-limit windows count every request, refused ones included: that is their purpose, not a change of data.
COUNTING_MODELS = {"core.Counter"}


def project_models() -> list[type[models.Model]]:
    """Every concrete model of the project's apps (proxies share their table and are left out)."""
    return [m for m in apps.get_models() if m.__module__.startswith("luoshi.") and not m._meta.proxy]


def _table_picture(model: type[models.Model]) -> tuple[int, Any, str]:
    """(rows, highest id, digest of every row) of one table."""
    rows = list(model._default_manager.order_by("pk").values_list())
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    highest = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return len(rows), highest, digest


def database_footprint() -> dict[str, Any]:
    """Count, highest id and a digest of every row of every project table, API tokens, the audit chain head
    and the stored files; equal before and after means a refused request changed nothing."""
    tables = [model for model in project_models() if model._meta.label not in COUNTING_MODELS]
    picture: dict[str, Any] = {model._meta.label: _table_picture(model) for model in tables}
    picture["authtoken.Token"] = sorted(Token.objects.values_list("user_id", "key"))
    picture["audit head"] = ChainHead.objects.filter(id=1).values_list("seq", "hash").first()
    picture["files"] = stored_files()
    return picture


# --- reading any answer as text ---------------------------------------------------------------------

XLSX = "spreadsheetml"
DOCX = "wordprocessingml"


def _body(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        # Reading to the end closes the response (the test client's wrapper); closing it again here
        # would fire request_finished a second time and drop the test's database connection.
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    cells = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]
    book.close()
    return "\n".join(cells)


def _docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def response_text(response: HttpResponseBase) -> str:
    """What a user reads in the answer: HTML or JSON as text, and the cells of an Excel or Word file."""
    data = _body(response)
    content_type = response.get("Content-Type", "")
    if XLSX in content_type:
        return _xlsx_text(data)
    if DOCX in content_type:
        return _docx_text(data)
    if "json" in content_type and data:
        return json.dumps(json.loads(data), ensure_ascii=False)
    return data.decode("utf-8", "replace")


# --- district-A objects -----------------------------------------------------------------------------


class Seed:
    """District-A objects, each made through the real services the first time it is asked for."""

    def __init__(self, world: World):
        self.world = world

    def user(self, name: str) -> Any:
        """A user of the world, or one of ``EXTRA_USERS`` made on first use."""
        if name not in self.world.users:
            role, unit, display = EXTRA_USERS[name]
            self.world.users[name] = make_user(name, role, getattr(self.world, unit), display)
        return self.world.users[name]

    # 消息渠道 (luoshi/notices): district A's hidden unit's group robot, and an urge's e-mail to 东城领导 in the log.
    @cached_property
    def unit_channel(self) -> UnitChannel:
        return notice_services.save_unit_channel(
            self.world.office_a, unit=self.unit, kind=GroupKind.WECOM, webhook_url="https://qyapi.example/send?key=k"
        )

    @cached_property
    def notice_delivery(self) -> Delivery:
        leader = self.world.leader_a
        leader.email = "dongcheng-leader@example.com"
        leader.save(update_fields=["email"])
        with override_settings(LUOSHI_NOTICE_EMAIL=True):
            [urged] = notice_services.notify([leader], kind=NoticeKind.URGED, title="东城催办")
            return notice_delivery.plan([urged.pk])[0]

    @cached_property
    def unit(self) -> Unit:
        w = self.world
        street = w.street_a
        return org_services.create_unit(w.office_a, name=HIDDEN_UNIT, code="S001-M1", kind=street.kind, parent=street)

    @cached_property
    def waiting(self) -> Problem:
        return new_problem(self.world, unit=self.world.street_a, title=HIDDEN_TITLES[0])

    @cached_property
    def working(self) -> Problem:
        return rectifying(self.world, unit=self.world.street_a, title=HIDDEN_TITLES[1])

    @cached_property
    def reviewing(self) -> Problem:
        return pending_review(self.world, unit=self.world.street_a, title=HIDDEN_TITLES[2])

    @cached_property
    def done(self) -> Problem:
        return closed(self.world, unit=self.world.street_a, title=HIDDEN_TITLES[3])

    @cached_property
    def measure(self) -> Measure:
        w, problem = self.world, self.working
        return problem_services.add_measure(
            w.leader_a, problem, text=HIDDEN_MEASURE, owner_unit=w.district_a, deadline=problem.deadline
        )

    @cached_property
    def evidence(self) -> Evidence:
        entry = problem_services.report_progress(
            self.world.liaison_a, self.working, text=HIDDEN_PROGRESS, files=[png(HIDDEN_FILE)]
        )
        return entry.evidence.get()

    @cached_property
    def extension(self) -> ExtensionRequest:
        problem = self.working
        new_deadline = problem.deadline + dt.timedelta(days=20)
        return problem_services.request_extension(
            self.world.liaison_a, problem, new_deadline=new_deadline, reason=HIDDEN_EXTENSION
        )

    @cached_property
    def problem_class(self) -> ProblemClass:
        w = self.world
        return problem_services.create_problem_class(
            w.office_a, campaign=w.campaign, unit=w.district_a, name=HIDDEN_CLASS
        )

    @cached_property
    def campaign(self) -> Campaign:
        return campaign_services.create_campaign(
            self.world.office_a,
            unit=self.world.district_a,
            name=HIDDEN_CAMPAIGN,
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 9, 30),
            aspects=[HIDDEN_ASPECT],
        )

    @cached_property
    def channel_id(self) -> int:
        return self.campaign.channels.order_by("order").values_list("pk", flat=True)[0]

    @cached_property
    def notice(self) -> Notification:
        """A notification of district A's office: only that user ever sees or marks it."""
        office = self.world.office_a
        return notice_services.notify([office], kind=NoticeKind.OTHER, title=HIDDEN_NOTICE, url="/notices/")[0]

    @cached_property
    def job(self) -> Job:
        return create_job(HIDDEN_JOB, IMPORT_KIND, owner=self.world.office_a)

    @cached_property
    def export_job(self) -> Job:
        """A finished export of district A's office, its workbook kept for download."""
        job = create_job(HIDDEN_JOB, "demands.export", owner=self.world.office_a)
        stored = default_storage.save("exports/scope-matrix.xlsx", ContentFile(b"PK\x03\x04 workbook"))
        job.status, job.result = JobStatus.SUCCEEDED, {"file": stored, "name": "导出.xlsx", "rows": 1}
        job.save()
        return job

    @cached_property
    def account(self) -> Any:
        """A district-A account, managed by the city's security admin."""
        w, (username, display) = self.world, HIDDEN_ACCOUNT
        account = account_services.create_user(
            w.secadmin, username=username, password=PASSWORD, unit=w.district_a, display_name=display
        )
        account_services.assign_role(w.secadmin, account, Role.LIAISON, w.district_a)
        return account

    @cached_property
    def assignment(self) -> RoleAssignment:
        return RoleAssignment.objects.get(user=self.account)

    @cached_property
    def audit_seq(self) -> int:
        """The audit record of filing the waiting problem."""
        records = AuditEvent.objects.filter(object_type="problems.problem", object_id=str(self.waiting.pk))
        return records.order_by("seq").values_list("seq", flat=True)[0]

    @cached_property
    def own_problem(self) -> Problem:
        """District B's own problem, so its lists are not empty."""
        w = self.world
        return new_problem(w, unit=w.district_b, actor=w.liaison_b, title="西城自己的问题")

    def _demand(self, title: str) -> Demand:
        w = self.world
        return demand_services.receive_demand(
            w.dispatcher_city,
            channel=DemandChannel.objects.get(code="hotline"),
            category=DemandCategory.objects.get(name="物业服务"),
            title=title,
            content=title,
            citizen_name="秘密群众",
            citizen_phone="13800001111",
            intake_unit=w.district_a,
        )

    def _demand_signed(self, title: str) -> Demand:
        w = self.world
        demand = demand_services.dispatch(w.dispatcher_city, self._demand(title), unit=w.district_a)
        return demand_services.sign(w.handler_a, demand)

    def _demand_finished(self, title: str) -> Demand:
        demand = self._demand_signed(title)
        return demand_services.finish(self.world.handler_a, demand, outcome="resolved", explanation=title)

    @cached_property
    def demand_received(self) -> Demand:
        return self._demand(HIDDEN_DEMANDS[0])

    @cached_property
    def demand_dispatched(self) -> Demand:
        w = self.world
        return demand_services.dispatch(w.dispatcher_city, self._demand(HIDDEN_DEMANDS[1]), unit=w.district_a)

    @cached_property
    def demand_signed(self) -> Demand:
        return self._demand_signed(HIDDEN_DEMANDS[2])

    @cached_property
    def demand_finished(self) -> Demand:
        return self._demand_finished(HIDDEN_DEMANDS[3])

    @cached_property
    def demand_unsatisfied(self) -> Demand:
        demand = self._demand_finished(HIDDEN_DEMANDS[4])
        return demand_services.call_back(self.world.dispatcher_city, demand, satisfaction="unsatisfied")

    @cached_property
    def demand_extension(self) -> DemandExtension:
        return demand_services.request_extension(
            self.world.handler_a, self.demand_signed, days=3, reason=HIDDEN_DEMAND_EXTENSION
        )

    @cached_property
    def report(self) -> Report:
        """A processed report of district A's street in the city's campaign (which district B takes part in)."""
        w = self.world
        upload = SimpleUploadedFile("mimi-report.txt", REPORT_TEXT.encode(), content_type="text/plain")
        (report,) = report_services.upload_reports(w.liaison_a, w.campaign, w.street_a, [upload], title=HIDDEN_REPORT)
        start = REPORT_TEXT.index("36个")
        mention = Mention("36个", 36, "个", subject=HIDDEN_FIGURE, start=start, end=start + 3, sentence=REPORT_TEXT)
        return report_services.store_extraction(report, Extraction(REPORT_TEXT, "东城区", None, [mention]))

    @cached_property
    def figure(self) -> Figure:
        return self.report.figures.get()

    @cached_property
    def claim_rule(self) -> ClaimRule:
        return report_services.create_rule(
            self.world.office_a, self.campaign, pattern="秘密", measure="problems_total", note=HIDDEN_RULE
        )

    @cached_property
    def lh_project(self) -> LivelihoodProject:
        """A livelihood project led by district A's street, in the city's campaign."""
        w = self.world
        return livelihood_services.create_project(
            w.office_a,
            campaign=w.campaign,
            title=HIDDEN_LIVELIHOOD[0],
            lead_unit=w.street_a,
            deadline=dt.date(2099, 12, 31),
            leader_name="东城领导",
        )

    @cached_property
    def lh_milestone(self) -> ProjectMilestone:
        return livelihood_services.add_milestone(
            self.world.office_a, self.lh_project, name=HIDDEN_LIVELIHOOD[1], planned_on=dt.date(2026, 6, 30)
        )

    @cached_property
    def lh_task(self) -> ProjectTask:
        """A task of the project, in progress at district A's street."""
        w, project = self.world, self.lh_project
        task = livelihood_services.add_task(
            w.office_a, project, name=HIDDEN_LIVELIHOOD[2], owner_unit=w.street_a, deadline=project.deadline
        )
        return livelihood_services.start_task(w.liaison_a, task)

    @cached_property
    def lh_evidence(self) -> ProjectEvidence:
        report = livelihood_services.report_task_progress(
            self.world.liaison_a, self.lh_task, text=HIDDEN_LIVELIHOOD[3], percent=30, files=[png(HIDDEN_LIVELIHOOD[4])]
        )
        return report.evidence.get()

    @cached_property
    def lh_proposal(self) -> ProjectProposal:
        w = self.world
        return livelihood_services.submit_proposal(
            w.liaison_a, campaign=w.campaign, unit=w.street_a, title=HIDDEN_LIVELIHOOD[5], description="东城秘密建议"
        )

    def _task(self, state: str, title: str, unit: Unit) -> TaskAssignment:
        """An assignment of a task issued by district A's office in the city's campaign, in ``state``."""
        return task_in_state(self.world, state, title=title, unit=unit)

    @cached_property
    def task_waiting(self) -> TaskAssignment:
        return self._task("pending_sign", HIDDEN_TASKS[0], self.world.street_a)

    @cached_property
    def task_working(self) -> TaskAssignment:
        """In progress at district A itself, which may pass it down to its street."""
        return self._task("in_progress", HIDDEN_TASKS[1], self.world.district_a)

    @cached_property
    def task_finishing(self) -> TaskAssignment:
        return self._task("finish_requested", HIDDEN_TASKS[2], self.world.street_a)

    @cached_property
    def task_done(self) -> TaskAssignment:
        return self._task("done", HIDDEN_TASKS[3], self.world.street_a)

    @cached_property
    def task_evidence(self) -> TaskEvidence:
        report = task_services.report_progress(
            self.world.liaison_a,
            self.task_working,
            text=HIDDEN_TASK_TEXTS[0],
            percent=30,
            files=[png(HIDDEN_TASK_TEXTS[3])],
        )
        return report.evidence.get()

    @cached_property
    def task_extension(self) -> TaskExtension:
        item = TaskAssignment.objects.get(pk=self.task_working.pk)
        new_due = item.due_on + dt.timedelta(days=10)
        return task_services.request_extension(self.world.liaison_a, item, new_due=new_due, reason=HIDDEN_TASK_TEXTS[1])

    @cached_property
    def task_milestone(self) -> TaskMilestone:
        task = self.task_working.task
        return task_services.add_milestone(self.world.office_a, task, name=HIDDEN_TASK_TEXTS[2], due_on=task.due_on)

    # 月度分析报告 (luoshi/analysis): a report of district A's own campaign, its document stored.
    @cached_property
    def monthly_report(self) -> MonthlySnapshot:
        return analysis_services.generate_report(self.world.office_a, self.campaign, dt.date(2026, 4, 1))

    # 催办: a 督办 of district A's street problem, which its liaison acknowledges.
    @cached_property
    def urge(self) -> Urge:
        made = urging_services.urge(self.world.office_a, [self.waiting], message=HIDDEN_URGE, level=UrgeLevel.SUPERVISE)
        return made[0]

    # 晾晒排名 (luoshi/rankings): district A's office ranks its streets in district A's own campaign.
    @cached_property
    def ranking_scheme(self) -> RankingScheme:
        w = self.world
        return ranking_services.create_scheme(
            w.office_a, campaign=self.campaign, name=HIDDEN_RANKING, unit=w.district_a, weights={"closure_rate": 100}
        )

    @cached_property
    def ranking(self) -> Ranking:
        period = ranking_periods.month(2026, 4)
        return ranking_services.publish(self.world.office_a, self.ranking_scheme, period=period)

    # 定期报送 (luoshi/collection): district A's office collects from its streets in the city's campaign; 东城街道
    # submitted its values with a file.
    @cached_property
    def collection_template(self) -> CollectionTemplate:
        w = self.world
        fields: list[dict[str, Any]] = [
            {"key": "found", "label": "本周新排查问题数", "kind": "integer", "required": True},
            {"key": "practice", "label": "主要做法", "kind": "text", "required": True},
            {"key": "proof", "label": "佐证", "kind": "file"},
        ]
        return collection_services.create_template(
            w.office_a,
            campaign=w.campaign,
            unit=w.district_a,
            name=HIDDEN_COLLECTION[0],
            fields=fields,
            target_kind=w.street_a.kind,
        )

    @cached_property
    def collection_round(self) -> CollectionRound:
        return collection_services.open_round(
            self.world.office_a,
            self.collection_template,
            period_label="2026年第14周",
            period_start=dt.date(2026, 3, 30),
            period_end=dt.date(2026, 4, 5),
            deadline=dt.date(2099, 4, 6),
        )

    @cached_property
    def collection_submission(self) -> Submission:
        item = Submission.objects.get(round=self.collection_round, unit=self.world.street_a)
        values = {"found": 3, "practice": HIDDEN_COLLECTION[1]}
        files = {"proof": [png(HIDDEN_COLLECTION[2])]}
        return collection_services.submit(self.world.liaison_a, item, values=values, files=files)

    @cached_property
    def collection_file(self) -> SubmissionFile:
        return SubmissionFile.objects.get(submission=self.collection_submission)

    # [scope:visits]
    # 走访报备 (luoshi/visits): district A's office files a visit of 11 people to 东城街道 in its own campaign, past
    # the party-size warning with a reason.
    @cached_property
    def visit(self) -> Visit:
        w = self.world
        return visits_services.file_visit(
            w.office_a, campaign=self.campaign, unit=w.street_a, date=dt.date(2026, 5, 6), headcount=11,
            team=HIDDEN_VISIT[1], organiser=HIDDEN_VISIT[0], kinds=["looks"], override_reason=HIDDEN_VISIT[2],
        )  # fmt: skip

    # [scope:supervision]
    # 督导组 (luoshi/supervision): district A's office sends a group led by 东城领导 (with 东城副职) to 东城街道 in its
    # own campaign; a recorded visit with a score and a photo, a planned visit, a draft finding, a checklist item.
    @cached_property
    def sup_group(self) -> SupervisionGroup:
        w = self.world
        group = supervision_services.create_group(
            w.office_a, campaign=self.campaign, unit=w.district_a, name=HIDDEN_SUPERVISION[0]
        )
        supervision_services.add_member(w.office_a, group, w.leader_a, "leader")
        return group

    @cached_property
    def sup_member(self) -> supervision_models.GroupMember:
        return supervision_services.add_member(self.world.office_a, self.sup_group, self.world.leader_a2, "member")

    @cached_property
    def sup_assignment(self) -> supervision_models.GroupAssignment:
        w = self.world
        return supervision_services.assign_unit(w.office_a, self.sup_group, w.street_a, dt.date(2026, 3, 1))

    def _sup_leader(self) -> Any:
        """东城领导 as a new request finds them: their scope by assignment not cached yet."""
        _assigned, leader = self.sup_assignment, self.world.leader_a
        return type(leader)._default_manager.get(pk=leader.pk)

    @cached_property
    def sup_checklist_item(self) -> supervision_models.ChecklistItem:
        return supervision_services.add_checklist_item(
            self.world.office_a, self.campaign, text=HIDDEN_SUPERVISION[1], max_score="10"
        )

    def _sup_plan(self, day: dt.date) -> Any:
        w = self.world
        return supervision_services.plan_visit(
            self._sup_leader(), self.sup_group, unit=w.street_a, date=day, headcount=3, team="督导组", kinds=["checks"],
            override_reason="督导需要",
        )  # fmt: skip

    @cached_property
    def sup_record(self) -> supervision_models.VisitRecord:
        visit, item = self._sup_plan(dt.date(2026, 4, 15)), self.sup_checklist_item
        return supervision_services.record_visit(
            self._sup_leader(), visit, self.sup_group, HIDDEN_SUPERVISION[2], scores={item.pk: "8"},
            files=[png(HIDDEN_SUPERVISION[3])],
        )  # fmt: skip

    @cached_property
    def sup_visit(self) -> Any:
        return self._sup_plan(dt.date(2026, 4, 20))

    @cached_property
    def sup_file(self) -> supervision_models.VisitFile:
        return supervision_models.VisitFile.objects.get(record=self.sup_record)

    @cached_property
    def sup_finding(self) -> supervision_models.Finding:
        w = self.world
        return supervision_services.record_finding(
            self._sup_leader(), self.sup_group, unit=w.street_a, title=HIDDEN_SUPERVISION[4], description="秘密",
            aspect=self.campaign.aspects.get(), due_date=dt.date(2026, 9, 1), visit_record=self.sup_record,
        )  # fmt: skip

    # 督导反馈报告 (luoshi/supervision reports): district A's office sends a group to 东城街道 and issues its report.
    @cached_property
    def report_group(self) -> SupervisionGroup:
        w = self.world
        group = supervision_services.create_group(
            w.office_a, campaign=w.campaign, unit=w.district_a, name=HIDDEN_SUPERVISION_REPORT
        )
        supervision_services.assign_unit(w.office_a, group, w.street_a, dt.date(2026, 1, 1))
        return group

    @cached_property
    def supervision_report(self) -> SupervisionReport:
        made = supervision_reports.generate_report(self.world.office_a, self.report_group, self.world.street_a)
        return supervision_reports.issue_report(self.world.office_a, made.report)

    @cached_property
    def supervision_report_version(self) -> ReportVersion:
        return ReportVersion.objects.get(report=self.supervision_report)

    # [scope:research]
    # 调查研究 (luoshi/research): a direction and a counter-example topic of district A's own campaign, and plans of
    # 东城街道 by district A's liaison, led by 东城领导, one in each state an action starts from.
    @cached_property
    def research_direction(self) -> Any:
        from luoshi.research import services as research_services

        w = self.world
        return research_services.create_direction(w.office_a, campaign=self.campaign, name=HIDDEN_RESEARCH[0])

    @cached_property
    def research_topic(self) -> Any:
        from luoshi.research import services as research_services

        return research_services.create_topic(
            self.world.office_a, campaign=self.campaign, direction=self.research_direction, title=HIDDEN_RESEARCH[1],
            is_counter_example=True,
        )  # fmt: skip

    def _research_plan(self, state: str) -> Any:
        from luoshi.research import services as research_services

        w, rs = self.world, research_services
        plan = rs.create_plan(
            w.liaison_a, campaign=self.campaign, topic=self.research_topic, unit=w.street_a,
            title=f"{HIDDEN_RESEARCH[2]}{state}", questions=["秘密问题一", "秘密问题二"], team="秘密调研组",
            due_date=dt.date(2026, 9, 1), leader=w.leader_a,
        )  # fmt: skip
        steps = [
            lambda p: rs.submit_plan(w.liaison_a, p),
            lambda p: rs.approve_plan(w.office_a, p, comments="同意"),
            lambda p: rs.start_fieldwork(w.liaison_a, p),
            lambda p: rs.report_result(w.liaison_a, p, summary=HIDDEN_RESEARCH[4], files=[png(HIDDEN_RESEARCH[3])]),
        ]
        order = ("draft", "submitted", "approved", "fieldwork", "reported")
        for step in steps[: order.index(state)]:
            plan = step(type(plan)._default_manager.get(pk=plan.pk))
        return plan

    @cached_property
    def research_draft(self) -> Any:
        return self._research_plan("draft")

    @cached_property
    def research_submitted(self) -> Any:
        return self._research_plan("submitted")

    @cached_property
    def research_approved(self) -> Any:
        return self._research_plan("approved")

    @cached_property
    def research_fieldwork(self) -> Any:
        return self._research_plan("fieldwork")

    @cached_property
    def research_reported(self) -> Any:
        return self._research_plan("reported")

    @cached_property
    def research_file(self) -> Any:
        return self.research_reported.files.get()

    # [scope:members]
    # 党员干部名册 (luoshi/members): a member of 东城街道 with a phone, added by district A's liaison.
    @cached_property
    def member(self) -> Any:
        from luoshi.members import services as member_services

        return member_services.create_member(
            self.world.liaison_a, unit=self.world.street_a, number="MIMI-0001", name=HIDDEN_MEMBER,
            position="秘密职务甲", phone="13800003333",
        )  # fmt: skip

    # [scope:study]
    # 学习班次 (luoshi/study): district A's 读书班 in its own campaign organised by 东城街道, one half-day with the
    # register's member on the roster and present, a pending leave request filed by district A's office, and a
    # rotation over district A.
    @cached_property
    def study_class(self) -> Any:
        from luoshi.study import services as study_services

        w = self.world
        return study_services.create_class(w.liaison_a, campaign=self.campaign, unit=w.street_a, topic=HIDDEN_STUDY[0])

    @cached_property
    def study_session(self) -> Any:
        from luoshi.study import services as study_services

        w = self.world
        made = study_services.add_session(
            w.liaison_a, self.study_class, date=dt.date(2026, 5, 4), place=HIDDEN_STUDY[1]
        )
        study_services.roster_from_numbers(w.liaison_a, self.study_class, [self.member.number])
        study_services.mark_attendance(w.liaison_a, made, {self.member.pk: "present"})
        return made

    @cached_property
    def study_leave(self) -> Any:
        from luoshi.study import services as study_services

        return study_services.request_leave(
            self.world.office_a, self.study_session, self.member, reason=HIDDEN_STUDY[2]
        )

    @cached_property
    def study_rotation(self) -> Any:
        from luoshi.study import rotations as study_rotations

        return study_rotations.create_rotation(
            self.world.office_a, campaign=self.campaign, unit=self.world.district_a, title=HIDDEN_STUDY[3]
        )

    # [scope:studysignin]
    # 开放式学习小组 (luoshi/study groups): an open group hosted by 东城街道 in district A's own campaign, with the
    # register's member joined and one meeting (a session with its sign-in code).
    @cached_property
    def study_group(self) -> Any:
        from luoshi.study import groups as study_groups

        w = self.world
        group = study_groups.create_group(
            w.liaison_a, campaign=self.campaign, unit=w.street_a, name=HIDDEN_STUDY_GROUP[0], topic="秘密主题",
            address=HIDDEN_STUDY_GROUP[1],
        )  # fmt: skip
        study_groups.join_group(w.liaison_a, group, self.member)
        return group

    @cached_property
    def study_group_meeting(self) -> Any:
        from luoshi.study import groups as study_groups

        return study_groups.add_meeting(self.world.liaison_a, self.study_group, date=dt.date(2026, 5, 9))

    # [scope:studyplans]
    # 学习计划 (luoshi/study/plans): plans of district A's leadership group in its own campaign, drafted by its
    # liaison and reviewed by its office, one in each state an action starts from.
    def _study_plan(self, state: str) -> Any:
        from luoshi.study import plans as study_plans

        w = self.world
        item = {"topic": HIDDEN_STUDY_PLAN[1], "planned_date": dt.date(2026, 5, 6), "half_days": 2}
        plan = study_plans.create_plan(
            w.liaison_a, campaign=self.campaign, unit=w.district_a, title=f"{HIDDEN_STUDY_PLAN[0]}{state}",
            due_date=dt.date(2026, 9, 1), items=[item],
        )  # fmt: skip
        if state != "draft":
            plan = study_plans.submit_plan(w.liaison_a, plan)
        if state == "approved":
            plan = study_plans.approve_plan(w.office_a, plan, comments="同意")
        return plan

    @cached_property
    def study_plan_draft(self) -> Any:
        return self._study_plan("draft")

    @cached_property
    def study_plan_submitted(self) -> Any:
        return self._study_plan("submitted")

    @cached_property
    def study_plan_approved(self) -> Any:
        return self._study_plan("approved")

    # [scope:lectures]
    # 宣讲菜单 (luoshi/lectures): a category and an item of district A's own campaign, spoken by a member of
    # district A whose login ``lecture_speaker_a`` is 宣讲员 there; orders of 东城街道 by district A's liaison, one
    # in each state an action starts from (dispatched by district A's office, the campaign's office).
    @cached_property
    def lecture_speaker(self) -> Any:
        from luoshi.access.roles import Role
        from luoshi.members.services import create_member

        w = self.world
        w.users["lecture_speaker_a"] = make_user("lecture_speaker_a", Role.SPEAKER, w.district_a, "东城宣讲员")
        user = w.users["lecture_speaker_a"]
        return create_member(None, unit=w.district_a, number="MIMI-L001", name=HIDDEN_LECTURES[3], user=user)

    @cached_property
    def lecture_category(self) -> Any:
        from luoshi.lectures import services as lecture_services

        return lecture_services.create_category(self.world.office_a, campaign=self.campaign, name=HIDDEN_LECTURES[0])

    @cached_property
    def lecture_item(self) -> Any:
        from luoshi.lectures import services as lecture_services

        return lecture_services.create_item(
            self.world.office_a, campaign=self.campaign, category=self.lecture_category, title=HIDDEN_LECTURES[1],
            speaker=self.lecture_speaker, minutes=90,
        )  # fmt: skip

    def _lecture_order(self, state: str, day: int) -> Any:
        from luoshi.lectures import services as ls

        w = self.world
        order = ls.order_lecture(
            w.liaison_a, item=self.lecture_item, unit=w.street_a, wished_date=dt.date(2026, 4, day), wished_half="am",
            audience=HIDDEN_LECTURES[2],
        )  # fmt: skip
        speaker = self.world.users["lecture_speaker_a"]
        steps = [
            lambda o: ls.dispatch_order(w.office_a, o),
            lambda o: ls.accept_order(speaker, o),
            lambda o: ls.hold_order(speaker, o, listeners=88),
            lambda o: ls.rate_order(w.liaison_a, o, rating=5, comment=HIDDEN_LECTURES[4]),
        ]
        order_of_states = ("ordered", "dispatched", "accepted", "held", "rated")
        for step in steps[: order_of_states.index(state)]:
            order = step(type(order)._default_manager.get(pk=order.pk))
        return order

    @cached_property
    def lecture_ordered(self) -> Any:
        return self._lecture_order("ordered", 1)

    @cached_property
    def lecture_dispatched(self) -> Any:
        return self._lecture_order("dispatched", 2)

    @cached_property
    def lecture_accepted(self) -> Any:
        return self._lecture_order("accepted", 3)

    @cached_property
    def lecture_held(self) -> Any:
        return self._lecture_order("held", 4)

    @cached_property
    def lecture_rated(self) -> Any:
        return self._lecture_order("rated", 5)

    # [scope:suggestions]
    # 建言献策 (luoshi/suggestions): suggestions of district A's own campaign, one public (submitted), one by district
    # A's liaison (triaged), one referred to 东城街道 with a private note, one answered, one overdue; a group and an
    # answer template of the campaign.
    def _suggestion(self, title: str, state: str) -> Any:
        from luoshi.suggestions import intake
        from luoshi.suggestions import services as sg

        w, campaign, content = self.world, self.campaign, HIDDEN_SUGGESTIONS[1]
        if state == "submitted":
            made, _code = intake.submit_public_suggestion(
                campaign=campaign, category="livelihood", topic="秘密主题甲", title=title, content=content,
                name="秘密建议人", phone="13800004444", anonymous=False,
            )  # fmt: skip
            return made
        made = intake.submit_member_suggestion(
            w.liaison_a, campaign=campaign, category="livelihood", topic="秘密主题甲", title=title, content=content
        )
        made = sg.triage_suggestion(w.office_a, made, category="livelihood", topic="秘密主题甲")
        if state == "triaged":
            return made
        deadline = sg.today() + dt.timedelta(days=10)
        made = sg.refer_suggestion(w.office_a, made, unit=w.street_a, deadline=deadline)
        if state == "answered":
            return sg.answer_suggestion(w.liaison_a, made, text=HIDDEN_SUGGESTIONS[2])
        return made

    @cached_property
    def sg_submitted(self) -> Any:
        return self._suggestion(f"{HIDDEN_SUGGESTIONS[0]}待研判", "submitted")

    @cached_property
    def sg_triaged(self) -> Any:
        return self._suggestion(f"{HIDDEN_SUGGESTIONS[0]}已研判", "triaged")

    @cached_property
    def sg_referred(self) -> Any:
        from luoshi.suggestions import services as sg

        made = self._suggestion(f"{HIDDEN_SUGGESTIONS[0]}已转办", "referred")
        sg.add_note(self.world.office_a, made, text=HIDDEN_SUGGESTIONS[3])
        return type(made)._default_manager.get(pk=made.pk)

    @cached_property
    def sg_answered(self) -> Any:
        return self._suggestion(f"{HIDDEN_SUGGESTIONS[0]}已答复", "answered")

    @cached_property
    def sg_overdue(self) -> Any:
        made = self._suggestion(f"{HIDDEN_SUGGESTIONS[0]}逾期", "referred")
        type(made)._default_manager.filter(pk=made.pk).update(deadline=dt.date(2026, 1, 5), light="red")
        return type(made)._default_manager.get(pk=made.pk)

    @cached_property
    def sg_group(self) -> Any:
        from luoshi.suggestions import services as sg

        group = sg.create_group(self.world.office_a, campaign=self.campaign, title=HIDDEN_SUGGESTIONS[4])
        sg.add_to_group(self.world.office_a, self.sg_referred, group)
        return group

    @cached_property
    def sg_template(self) -> Any:
        from luoshi.suggestions import services as sg

        w = self.world
        title, text = HIDDEN_SUGGESTIONS[5], "秘密答复模板内容"
        return sg.create_template(w.office_a, campaign=self.campaign, title=title, text=text)

    # [scope:suggestionspublic]
    # [scope:fourlists]
    # 四张清单 (luoshi/fourlists): a plain study item of district A in its own campaign.
    @cached_property
    def list_item(self) -> Any:
        from luoshi.fourlists import services as fourlists_services

        return fourlists_services.add_item(
            self.world.office_a,
            campaign=self.campaign,
            unit=self.world.district_a,
            kind="study",
            title="秘密清单事项甲",
            owner="东城书记",
        )

    def everything(self) -> Seed:
        """Make every object at once, for the pages that list them."""
        for name in EVERYTHING:
            getattr(self, name)
        return self

    def markers(self) -> list[str]:
        """Texts that only district-A objects produce: their names and the addresses of their pages."""
        texts = [HIDDEN_UNIT, *HIDDEN_TITLES, HIDDEN_MEASURE, HIDDEN_PROGRESS, HIDDEN_EXTENSION, HIDDEN_CLASS]
        texts += [HIDDEN_CAMPAIGN, HIDDEN_ASPECT, HIDDEN_JOB, *HIDDEN_ACCOUNT, HIDDEN_FILE, "东城街道", "东城领导"]
        texts += [HIDDEN_NOTICE]
        texts += [f"/problems/{p.pk}/" for p in (self.waiting, self.working, self.reviewing, self.done)]
        texts += [f"/orgs/{self.unit.pk}/", f"/campaigns/{self.campaign.pk}/", f"/jobs/{self.job.pk}/"]
        texts += [f"/problems/classes/{self.problem_class.pk}/", f"/accounts/users/{self.account.pk}/"]
        texts += [*HIDDEN_DEMANDS, HIDDEN_DEMAND_EXTENSION, "13800001111", "秘密群众"]
        texts += [f"/demands/{d.pk}/" for d in (self.demand_received, self.demand_signed, self.demand_unsatisfied)]
        texts += [HIDDEN_REPORT, HIDDEN_FIGURE, HIDDEN_RULE, f"/reports/{self.report.pk}/"]
        texts += [*HIDDEN_LIVELIHOOD, f"/livelihood/{self.lh_project.pk}/", f"/livelihood/tasks/{self.lh_task.pk}/"]
        texts += [f"/livelihood/proposals/{self.lh_proposal.pk}/"]
        items = (self.task_waiting, self.task_working, self.task_finishing, self.task_done)
        texts += [*HIDDEN_TASKS, *HIDDEN_TASK_TEXTS, *(f"/tasks/{a.task_id}/" for a in items)]
        texts += [f"/tasks/assignments/{a.pk}/" for a in items]
        texts += [HIDDEN_RANKING, f"/rankings/{self.ranking.pk}/", f"/rankings/schemes/{self.ranking_scheme.pk}/"]
        texts += [HIDDEN_URGE, f"/urging/{self.urge.pk}/"]
        texts += [*HIDDEN_COLLECTION, f"/collection/rounds/{self.collection_round.pk}/"]
        texts += [f"/collection/submissions/{self.collection_submission.pk}/"]
        # [scope:visits]
        texts += [*HIDDEN_VISIT, f"/visits/{self.visit.pk}/"]
        # [scope:supervision]
        texts += [*HIDDEN_SUPERVISION, f"/supervision/groups/{self.sup_group.pk}/"]
        texts += [f"/supervision/findings/{self.sup_finding.pk}/", f"/supervision/records/{self.sup_record.pk}/"]
        texts += [HIDDEN_SUPERVISION_REPORT, f"/supervision/reports/{self.supervision_report.pk}/"]
        # [scope:research]
        texts += [*HIDDEN_RESEARCH, f"/research/plans/{self.research_draft.pk}/"]
        texts += [f"/research/plans/{self.research_reported.pk}/", f"/research/files/{self.research_file.pk}/"]
        # [scope:members]
        texts += [HIDDEN_MEMBER, "秘密职务甲", f"/members/{self.member.pk}/"]
        # [scope:study]
        texts += [*HIDDEN_STUDY, f"/study/classes/{self.study_class.pk}/"]
        texts += [f"/study/rotations/{self.study_rotation.pk}/"]
        # [scope:studysignin]
        texts += [*HIDDEN_STUDY_GROUP, f"/study/groups/{self.study_group.pk}/"]
        # [scope:studyplans]
        texts += [*HIDDEN_STUDY_PLAN, f"/study/plans/{self.study_plan_draft.pk}/"]
        # [scope:lectures]
        texts += [*HIDDEN_LECTURES, f"/lectures/items/{self.lecture_item.pk}/"]
        texts += [f"/lectures/orders/{self.lecture_ordered.pk}/", f"/lectures/orders/{self.lecture_rated.pk}/"]
        # [scope:suggestions]
        texts += [*HIDDEN_SUGGESTIONS, f"/suggestions/{self.sg_referred.pk}/", f"/suggestions/{self.sg_submitted.pk}/"]
        # [scope:suggestionspublic]
        # [scope:fourlists]
        texts += [self.list_item.title, f"/fourlists/items/{self.list_item.pk}/"]
        return texts

    def ids(self) -> SeedIds:
        """District-A ids for the query strings of list cases, each object made only when a query names it."""
        return SeedIds(self)


EVERYTHING: tuple[str, ...] = ("unit", "waiting", "measure", "evidence", "extension", "reviewing", "done")
EVERYTHING += ("problem_class", "campaign", "job", "account", "own_problem")
EVERYTHING += ("demand_received", "demand_dispatched", "demand_finished", "demand_unsatisfied", "demand_extension")
EVERYTHING += ("report", "claim_rule")
EVERYTHING += ("lh_project", "lh_milestone", "lh_task", "lh_evidence", "lh_proposal")

EVERYTHING += ("task_waiting", "task_working", "task_finishing", "task_done", "task_evidence", "task_extension")
EVERYTHING += ("task_milestone",)
EVERYTHING += ("notice",)
EVERYTHING += ("collection_template", "collection_round", "collection_submission", "collection_file")  # 定期报送
EVERYTHING += ("unit_channel", "notice_delivery")
EVERYTHING += ("ranking_scheme", "ranking")  # 晾晒排名
EVERYTHING += ("urge",)
# [scope:visits]
HIDDEN_VISIT = ("秘密走访组甲", "秘密走访人员甲", "秘密走访理由甲")  # 走访报备
EVERYTHING += ("visit",)
# [scope:supervision]
HIDDEN_SUPERVISION = ("秘密督导组甲", "秘密评分项甲", "秘密走访情况甲", "mimi-visit.png", "秘密督导发现甲")  # 督导组
EVERYTHING += ("sup_group", "sup_member", "sup_assignment", "sup_checklist_item", "sup_record", "sup_visit")
EVERYTHING += ("sup_file", "sup_finding")
HIDDEN_SUPERVISION_REPORT = "秘密督导报告组甲"  # 督导反馈报告: the group's name shows on every report
EVERYTHING += ("report_group", "supervision_report", "supervision_report_version")
# [scope:research]
# 调查研究
HIDDEN_RESEARCH = ("秘密调研方向甲", "秘密调研课题甲", "秘密调研方案甲", "mimi-research.png", "秘密调研成果甲")
EVERYTHING += ("research_direction", "research_topic", "research_draft", "research_submitted", "research_approved")
EVERYTHING += ("research_fieldwork", "research_reported", "research_file")
# [scope:members]
HIDDEN_MEMBER = "秘密党员甲"  # 党员干部名册
EVERYTHING += ("member",)
# [scope:study]
HIDDEN_STUDY = ("秘密读书班甲", "秘密学习地点甲", "秘密请假事由甲", "秘密轮训甲")  # 学习班次
EVERYTHING += ("study_class", "study_session", "study_leave", "study_rotation")
# [scope:studysignin]
HIDDEN_STUDY_GROUP = ("秘密学习小组甲", "秘密小组地点甲")  # 开放式学习小组
EVERYTHING += ("study_group", "study_group_meeting")
# [scope:studyplans]
HIDDEN_STUDY_PLAN = ("秘密学习计划甲", "秘密学习专题甲")  # 学习计划
EVERYTHING += ("study_plan_draft", "study_plan_submitted", "study_plan_approved")
# [scope:lectures]
# 宣讲菜单
HIDDEN_LECTURES = ("秘密宣讲类别甲", "秘密宣讲题目甲", "秘密宣讲对象甲", "秘密宣讲员甲", "秘密宣讲评价甲")
EVERYTHING += ("lecture_category", "lecture_item", "lecture_ordered", "lecture_dispatched", "lecture_accepted")
EVERYTHING += ("lecture_held", "lecture_rated")
# [scope:suggestions]
# 建言献策: titles, content, an answer, a private note, a group and an answer template of district A
HIDDEN_SUGGESTIONS: tuple[str, ...] = (
    "秘密建议甲",
    "秘密建议内容甲甲甲甲甲",
    "秘密答复甲",
    "秘密内部备注甲",
    "秘密同类建议甲",
)
HIDDEN_SUGGESTIONS += ("秘密答复模板甲",)
EVERYTHING += ("sg_submitted", "sg_triaged", "sg_referred", "sg_answered", "sg_overdue", "sg_group", "sg_template")
# [scope:suggestionspublic]
# [scope:fourlists]
EVERYTHING += ("list_item",)  # 四张清单


class SeedIds(Mapping[str, int]):
    """``{unit}``, ``{street}``, ``{campaign}``, ``{problem}``, ``{class}`` of a query string."""

    KEYS: ClassVar[dict[str, Callable[[Seed], int]]] = {
        "unit": lambda s: s.world.district_a.pk,
        "street": lambda s: s.world.street_a.pk,
        "campaign": lambda s: s.campaign.pk,
        "problem": lambda s: s.working.pk,
        "class": lambda s: s.problem_class.pk,
        "demand": lambda s: s.demand_signed.pk,
        "city_campaign": lambda s: s.world.campaign.pk,
        "task": lambda s: s.task_working.task_id,
    }

    def __init__(self, seed: Seed):
        self.seed = seed

    def __getitem__(self, key: str) -> int:
        return self.KEYS[key](self.seed)

    def __iter__(self) -> Iterator[str]:
        return iter(self.KEYS)

    def __len__(self) -> int:
        return len(self.KEYS)


# --- cases -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectCase:
    """A URL that names one district-A object.

    ``insider`` holds the right role over the object and must not be refused; each of ``outsiders``
    must get ``refused`` (404: out of scope looks exactly like missing) and change nothing.
    ``data`` is the body of writes.
    """

    kwargs: dict[str, Any]
    insider: str
    outsiders: tuple[str, ...] = DISTRICT_B
    data: dict[str, Any] = field(default_factory=dict)
    refused: int = 404


@dataclass(frozen=True)
class ListCase:
    """A page without object ids (list, search, export, form, dashboard).

    No answer to ``viewers`` may carry a district-A marker, for any of ``queries`` (``{unit}`` etc. are
    filled with district-A ids). ``insider`` sees at least one marker, which proves the page would
    show them; None for a page that shows no district data at all.
    """

    insider: str | None
    viewers: tuple[str, ...] = DISTRICT_B
    queries: tuple[str, ...] = ("",)


@dataclass(frozen=True)
class ApiListCase:
    """An API collection: ``rows`` are district-A ids the insider's list shows and no outsider's list may.

    A POST ``data`` naming district-A objects in ``refs`` must be answered as if they did not exist.
    """

    rows: Callable[[Seed], set[int]]
    insider: str
    outsiders: tuple[str, ...] = DISTRICT_B
    data: Callable[[Seed], dict[str, Any]] | None = None
    refs: tuple[str, ...] = ()
    filters: Callable[[Seed], dict[str, int]] = lambda s: {}


ObjectBuilder = Callable[[Seed], ObjectCase]

# The body of a page POST: every field any form of the project asks for, with values that would pass.
FORM_DATA: dict[str, Any] = {
    "version": "1",
    "title": "越权写入",
    "text": "越权写入",
    "summary": "越权写入",
    "reason": "越权写入",
    "note": "越权写入",
    "name": "越权写入",
    "code": "HACK-1",
    "member_count": "0",
    "parent_code": "D002",
    "new_deadline": "2099-01-01",
    "deadline": "2099-01-01",
    "starts_on": "2026-04-01",
    "ends_on": "2026-05-01",
    "display_name": "越权写入",
    "unit": "D002",
    "role": Role.OFFICE,
    "new_password1": "Hack-attempt-2026!",
    "new_password2": "Hack-attempt-2026!",
    "active": "0",
    "direction": "up",
}


def _problem(attr: str, insider: str) -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": getattr(s, attr).pk}, insider)


def _unit(insider: str = "office_a") -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": s.unit.pk}, insider, data={"kind": s.unit.kind_id, "version": 1})


def _item(kind: str) -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": s.campaign.pk, "kind": kind, "item_pk": s.channel_id}, "office_a")


def _account() -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": s.account.pk}, "secadmin", outsiders=("secadmin_b",))


def _demand(attr: str, insider: str, **data: Any) -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": getattr(s, attr).pk}, insider, data=data)


def _demand_extension() -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": s.demand_signed.pk, "extension_pk": s.demand_extension.pk}, "dispatcher_city")


def _extension(insider: str = "office_a") -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": s.working.pk, "extension_pk": s.extension.pk}, insider)


def _job() -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": s.job.pk}, "office_a", outsiders=(*DISTRICT_B, "office_city"))


def _lh(attr: str, insider: str) -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": getattr(s, attr).pk}, insider)


# 民生实事: the pages of a project, of a task and of a proposal, by the role that takes each action.
LH_PROJECT_PAGES = {"detail": "liaison_a", "edit": "office_a", "add_milestone": "office_a", "add_task": "office_a"}
LH_PROJECT_PAGES |= {"report_progress": "liaison_a", "complete": "office_a", "evaluate": "office_a", "stop": "office_a"}
LH_TASK_PAGES = {"task_detail": "liaison_a", "task_start": "liaison_a", "task_finish": "liaison_a"}
LH_TASK_PAGES |= {"task_progress": "liaison_a", "task_close": "office_a", "task_reopen": "office_a"}
LH_PROPOSAL_PAGES = {"proposal_detail": "liaison_a", "shortlist": "office_a", "decline": "office_a"}
LH_PROPOSAL_PAGES |= {"reveal_contact": "office_a"}


def _task_page(attr: str, insider: str) -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": getattr(s, attr).pk}, insider)


TASK_PAGES = {"assignment": ("task_working", "liaison_a"), "sign": ("task_waiting", "liaison_a")}
TASK_PAGES |= {"report_progress": ("task_working", "liaison_a"), "request_finish": ("task_working", "liaison_a")}
TASK_PAGES |= {"pass_down": ("task_working", "liaison_a"), "request_extension": ("task_working", "liaison_a")}
TASK_PAGES |= {"accept": ("task_finishing", "office_a"), "send_back": ("task_finishing", "office_a")}
TASK_PAGES |= {"revoke": ("task_working", "office_a"), "reopen": ("task_done", "office_a")}


def _collection(attr: str, insider: str) -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": getattr(s, attr).pk}, insider, data={"message": "越权催办"})


COLLECTION_PAGES = {
    "template": ("collection_template", "liaison_a"),
    "series_export": ("collection_template", "office_a"),
    "template_revise": ("collection_template", "office_a"),
    "round_open": ("collection_template", "office_a"),
    "round": ("collection_round", "liaison_a"),
    "round_urge": ("collection_round", "office_a"),
    "round_export": ("collection_round", "office_a"),
    "round_import": ("collection_round", "liaison_a"),
    "round_fill_template": ("collection_round", "liaison_a"),
    "submission": ("collection_submission", "liaison_a"),
    "file": ("collection_file", "liaison_a"),
    "accept": ("collection_submission", "office_a"),
    "return": ("collection_submission", "office_a"),
}


def _sup(attr: str, insider: str) -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": getattr(s, attr).pk}, insider, data={"direction": "up", "on": "2026-08-01"})


SUPERVISION_PAGES = {
    "group": ("sup_group", "liaison_a"),
    "group_edit": ("sup_group", "office_a"),
    "member_add": ("sup_group", "office_a"),
    "member_remove": ("sup_member", "office_a"),
    "assign": ("sup_group", "office_a"),
    "assignment_end": ("sup_assignment", "office_a"),
    "visit_plan": ("sup_group", "leader_a"),
    "visit_record": ("sup_visit", "leader_a"),
    "record": ("sup_record", "liaison_a"),
    "file": ("sup_file", "liaison_a"),
    "finding_new": ("sup_group", "leader_a"),
    "finding": ("sup_finding", "liaison_a"),
    "confirm": ("sup_finding", "leader_a"),
    "transfer": ("sup_finding", "office_a"),
    "dismiss": ("sup_finding", "office_a"),
    "checklist_edit": ("sup_checklist_item", "office_a"),
    "checklist_move": ("sup_checklist_item", "office_a"),
}

PAGE_OBJECTS: dict[str, ObjectBuilder] = {
    # [scope:visits]
    # 走访报备: district A's visit; its office cancels it.
    "visits:detail": lambda s: ObjectCase({"pk": s.visit.pk}, "liaison_a"),
    "visits:cancel": lambda s: ObjectCase({"pk": s.visit.pk}, "office_a"),
    # [scope:supervision]
    # 督导组: district A's group, its office's forms, its leader's visit and finding pages, a finding's actions.
    **{f"supervision:{n}": _sup(a, u) for n, (a, u) in SUPERVISION_PAGES.items()},
    # 督导反馈报告: district A's issued report of 东城街道, its version; actions for its office or liaison.
    "supervision:report": lambda s: ObjectCase({"pk": s.supervision_report.pk}, "liaison_a"),
    "supervision:report_issue": lambda s: ObjectCase({"pk": s.supervision_report.pk}, "office_a"),
    "supervision:report_regenerate": lambda s: ObjectCase({"pk": s.supervision_report.pk}, "office_a"),
    "supervision:report_withdraw": lambda s: ObjectCase({"pk": s.supervision_report.pk}, "office_a"),
    "supervision:report_acknowledge": lambda s: ObjectCase({"pk": s.supervision_report.pk}, "liaison_a"),
    "supervision:report_version": lambda s: ObjectCase({"pk": s.supervision_report_version.pk}, "liaison_a"),
    # [scope:research]
    # 调查研究: district A's direction and topic (its office edits them), its plans by the role taking each action.
    "research:direction_edit": lambda s: ObjectCase({"pk": s.research_direction.pk}, "office_a"),
    "research:topic_edit": lambda s: ObjectCase({"pk": s.research_topic.pk}, "office_a"),
    "research:plan": lambda s: ObjectCase({"pk": s.research_draft.pk}, "liaison_a"),
    "research:plan_edit": lambda s: ObjectCase({"pk": s.research_draft.pk}, "liaison_a"),
    "research:submit": lambda s: ObjectCase({"pk": s.research_draft.pk}, "leader_a"),
    "research:return": lambda s: ObjectCase({"pk": s.research_submitted.pk}, "office_a"),
    "research:approve": lambda s: ObjectCase({"pk": s.research_submitted.pk}, "office_a"),
    "research:start": lambda s: ObjectCase({"pk": s.research_approved.pk}, "liaison_a"),
    "research:visit": lambda s: ObjectCase({"pk": s.research_approved.pk}, "leader_a"),
    "research:report": lambda s: ObjectCase({"pk": s.research_fieldwork.pk}, "liaison_a"),
    "research:convert_task": lambda s: ObjectCase({"pk": s.research_reported.pk}, "office_a"),
    "research:convert_problem": lambda s: ObjectCase({"pk": s.research_reported.pk}, "liaison_a"),
    "research:file": lambda s: ObjectCase({"pk": s.research_file.pk}, "leader_a"),
    # [scope:members]
    # 党员干部名册: district A's member; its liaison sees, edits and takes it off the register.
    "members:detail": lambda s: ObjectCase({"pk": s.member.pk}, "liaison_a"),
    "members:edit": lambda s: ObjectCase({"pk": s.member.pk}, "liaison_a"),
    "members:deactivate": lambda s: ObjectCase({"pk": s.member.pk}, "liaison_a"),
    # [scope:study]
    # 学习班次: district A's class, its half-day and leave request, its rotation; leaders see, organisers act.
    "study:class": lambda s: ObjectCase({"pk": s.study_class.pk}, "leader_a"),
    "study:class_edit": lambda s: ObjectCase({"pk": s.study_class.pk}, "liaison_a"),
    "study:session_new": lambda s: ObjectCase({"pk": s.study_class.pk}, "liaison_a"),
    "study:roster": lambda s: ObjectCase({"pk": s.study_class.pk}, "liaison_a"),
    "study:session": lambda s: ObjectCase({"pk": s.study_session.pk}, "liaison_a"),
    "study:session_export": lambda s: ObjectCase({"pk": s.study_session.pk}, "liaison_a"),
    "study:leave_new": lambda s: ObjectCase({"pk": s.study_session.pk}, "liaison_a"),
    "study:leave_decide": lambda s: ObjectCase({"pk": s.study_leave.pk}, "liaison_a", data={"decision": "approve"}),
    "study:rotation": lambda s: ObjectCase({"pk": s.study_rotation.pk}, "leader_a"),
    "study:rotation_edit": lambda s: ObjectCase({"pk": s.study_rotation.pk}, "office_a"),
    "study:batch_new": lambda s: ObjectCase({"pk": s.study_rotation.pk}, "office_a"),
    "study:rotation_export": lambda s: ObjectCase({"pk": s.study_rotation.pk}, "office_a"),
    # [scope:studysignin]
    # 开放式学习小组: district A's group and meeting; leaders see them, organisers edit, add members and meetings,
    # mark attendance and show the meeting's 签到码.
    "study:group_detail": lambda s: ObjectCase({"pk": s.study_group.pk}, "leader_a"),
    "study:group_edit": lambda s: ObjectCase({"pk": s.study_group.pk}, "liaison_a"),
    "study:group_members": lambda s: ObjectCase({"pk": s.study_group.pk}, "liaison_a", data={"number": "NOPE-1"}),
    "study:group_meeting_new": lambda s: ObjectCase({"pk": s.study_group.pk}, "liaison_a"),
    "study:group_meeting": lambda s: ObjectCase({"pk": s.study_group_meeting.pk}, "leader_a"),
    "study:signin_code": lambda s: ObjectCase({"pk": s.study_group_meeting.pk}, "liaison_a"),
    "study:signin_code_panel": lambda s: ObjectCase({"pk": s.study_session.pk}, "liaison_a"),
    # [scope:studyplans]
    # 学习计划: drafted and carried out by district A's liaison, reviewed by its office.
    "study:plan_detail": lambda s: ObjectCase({"pk": s.study_plan_draft.pk}, "liaison_a"),
    "study:plan_edit": lambda s: ObjectCase({"pk": s.study_plan_draft.pk}, "liaison_a"),
    "study:plan_submit": lambda s: ObjectCase({"pk": s.study_plan_draft.pk}, "liaison_a"),
    "study:plan_return": lambda s: ObjectCase({"pk": s.study_plan_submitted.pk}, "office_a"),
    "study:plan_approve": lambda s: ObjectCase({"pk": s.study_plan_submitted.pk}, "office_a"),
    "study:plan_complete": lambda s: ObjectCase({"pk": s.study_plan_approved.pk}, "liaison_a"),
    "study:plan_item_done": lambda s: ObjectCase(
        {"pk": s.study_plan_approved.pk, "item": s.study_plan_approved.items.get().pk}, "liaison_a"
    ),
    # [scope:lectures]
    # 宣讲菜单: the menu's category and item by its office, the orders by the role taking each action.
    "lectures:category_edit": lambda s: ObjectCase({"pk": s.lecture_category.pk}, "office_a"),
    "lectures:item": lambda s: ObjectCase({"pk": s.lecture_item.pk}, "liaison_a"),
    "lectures:item_edit": lambda s: ObjectCase({"pk": s.lecture_item.pk}, "office_a"),
    "lectures:order_new": lambda s: ObjectCase({"pk": s.lecture_item.pk}, "liaison_a"),
    "lectures:order": lambda s: ObjectCase({"pk": s.lecture_ordered.pk}, "liaison_a"),
    "lectures:dispatch": lambda s: ObjectCase({"pk": s.lecture_ordered.pk}, "office_a"),
    "lectures:cancel": lambda s: ObjectCase({"pk": s.lecture_ordered.pk}, "liaison_a"),
    "lectures:accept": lambda s: ObjectCase({"pk": s.lecture_dispatched.pk}, "lecture_speaker_a"),
    "lectures:decline": lambda s: ObjectCase({"pk": s.lecture_dispatched.pk}, "lecture_speaker_a"),
    "lectures:hold": lambda s: ObjectCase({"pk": s.lecture_accepted.pk}, "lecture_speaker_a"),
    "lectures:record": lambda s: ObjectCase({"pk": s.lecture_accepted.pk}, "office_a"),
    "lectures:rate": lambda s: ObjectCase({"pk": s.lecture_held.pk}, "liaison_a"),
    # [scope:suggestions]
    "suggestions:detail": lambda s: ObjectCase({"pk": s.sg_referred.pk}, "liaison_a"),
    "suggestions:triage": lambda s: ObjectCase({"pk": s.sg_submitted.pk}, "office_a"),
    "suggestions:refer": lambda s: ObjectCase({"pk": s.sg_triaged.pk}, "office_a"),
    "suggestions:answer": lambda s: ObjectCase({"pk": s.sg_referred.pk}, "liaison_a"),
    "suggestions:decide": lambda s: ObjectCase({"pk": s.sg_answered.pk}, "office_a"),
    "suggestions:dismiss": lambda s: ObjectCase({"pk": s.sg_submitted.pk}, "office_a"),
    "suggestions:note": lambda s: ObjectCase({"pk": s.sg_referred.pk}, "liaison_a"),
    "suggestions:group_set": lambda s: ObjectCase({"pk": s.sg_submitted.pk}, "office_a"),
    "suggestions:convert_task": lambda s: ObjectCase({"pk": s.sg_referred.pk}, "office_a"),
    "suggestions:convert_problem": lambda s: ObjectCase({"pk": s.sg_referred.pk}, "office_a"),
    "suggestions:convert_proposal": lambda s: ObjectCase({"pk": s.sg_referred.pk}, "office_a"),
    "suggestions:group": lambda s: ObjectCase({"pk": s.sg_group.pk}, "office_a"),
    "suggestions:group_edit": lambda s: ObjectCase({"pk": s.sg_group.pk}, "office_a"),
    "suggestions:template_edit": lambda s: ObjectCase({"pk": s.sg_template.pk}, "office_a"),
    "suggestions:template_delete": lambda s: ObjectCase({"pk": s.sg_template.pk}, "office_a"),
    # [scope:suggestionspublic]
    # [scope:fourlists]
    # 四张清单: district A's plain item (its office and liaison keep it); marking 创新举措 on district A's key task
    # (its office) and measure (its leader).
    "fourlists:item_edit": lambda s: ObjectCase({"pk": s.list_item.pk}, "liaison_a"),
    "fourlists:item_delete": lambda s: ObjectCase({"pk": s.list_item.pk}, "office_a"),
    "fourlists:mark_task": lambda s: ObjectCase({"pk": s.task_working.task_id}, "office_a", data={"innovation": "1"}),
    "fourlists:mark_measure": lambda s: ObjectCase({"pk": s.measure.pk}, "leader_a", data={"innovation": "1"}),
    # 定期报送: district A's template, round, 东城街道's submitted values and file; forms for its office or liaison.
    **{f"collection:{n}": _collection(a, u) for n, (a, u) in COLLECTION_PAGES.items()},
    # 晾晒排名: district A's scheme and published ranking; drafts, schemes' forms and publishing for its office.
    "rankings:detail": lambda s: ObjectCase({"pk": s.ranking.pk}, "liaison_a"),
    "rankings:export": lambda s: ObjectCase({"pk": s.ranking.pk}, "office_a"),
    "rankings:scheme_edit": lambda s: ObjectCase({"pk": s.ranking_scheme.pk}, "office_a"),
    "rankings:preview": lambda s: ObjectCase({"pk": s.ranking_scheme.pk}, "office_a"),
    "rankings:publish": lambda s: ObjectCase({"pk": s.ranking_scheme.pk}, "office_a", data={"period": "2026-05"}),
    # 催办督办
    "urging:detail": lambda s: ObjectCase({"pk": s.urge.pk}, "liaison_a"),
    "urging:acknowledge": lambda s: ObjectCase({"pk": s.urge.pk}, "liaison_a", data={"reply": "越权签收"}),
    "accounts:user_detail": _account(),
    "accounts:user_edit": _account(),
    "accounts:user_reset_password": _account(),
    "accounts:user_reset_two_factor": _account(),
    "accounts:user_set_active": _account(),
    "accounts:user_unlock": _account(),
    "accounts:role_assign": _account(),
    "accounts:role_revoke": lambda s: ObjectCase(
        {"pk": s.account.pk, "assignment_pk": s.assignment.pk}, "secadmin", outsiders=("secadmin_b",)
    ),
    # The audit log covers the whole platform: only an auditor on a top-level unit reads it, anyone
    # else is refused the whole area (403) whatever the record.
    "audit:detail": lambda s: ObjectCase(
        {"seq": s.audit_seq}, "auditor", outsiders=("office_city", "office_b", "secadmin"), refused=403
    ),
    "campaigns:detail": lambda s: ObjectCase({"pk": s.campaign.pk}, "liaison_a"),
    "campaigns:edit": lambda s: ObjectCase({"pk": s.campaign.pk}, "office_a"),
    "campaigns:item_add": lambda s: ObjectCase({"pk": s.campaign.pk, "kind": "aspects"}, "office_a"),
    "campaigns:item_update": _item("channels"),
    "campaigns:item_move": _item("channels"),
    "campaigns:item_delete": _item("channels"),
    # 月度分析报告 (luoshi/analysis): district A's campaign and its report; readers of the campaign's unit only.
    "analysis:campaign": lambda s: ObjectCase({"pk": s.campaign.pk}, "liaison_a"),
    "analysis:generate": lambda s: ObjectCase({"pk": s.campaign.pk}, "office_a", data={"month": "2026-04"}),
    "analysis:download": lambda s: ObjectCase({"pk": s.monthly_report.pk}, "liaison_a"),
    "jobs:detail": _job(),
    "jobs:status": _job(),
    # 消息提醒: per user, not per district. Everyone else, even a colleague of the same district, gets 404.
    "notices:open": lambda s: ObjectCase({"pk": s.notice.pk}, "office_a", outsiders=NOTICE_OUTSIDERS),
    # 单位群机器人 (luoshi/notices): the office over the unit edits its robot; anyone else gets 404.
    "notices:unit_channel_edit": lambda s: ObjectCase({"pk": s.unit_channel.pk}, "office_a"),
    "jobs:download": lambda s: ObjectCase({"pk": s.export_job.pk}, "office_a", outsiders=(*DISTRICT_B, "office_city")),
    "orgs:detail": _unit("liaison_a"),
    "orgs:children": _unit("liaison_a"),
    "orgs:create_child": _unit(),
    "orgs:edit": _unit(),
    "orgs:move": _unit(),
    "problems:detail": _problem("working", "liaison_a"),
    "problems:edit": _problem("working", "liaison_a"),
    "problems:claim": _problem("waiting", "leader_a"),
    "problems:add_measure": _problem("working", "leader_a"),
    "problems:complete_measure": lambda s: ObjectCase({"pk": s.working.pk, "measure_pk": s.measure.pk}, "liaison_a"),
    "problems:report_progress": _problem("working", "liaison_a"),
    "problems:request_closure": _problem("working", "leader_a"),
    "problems:approve_closure": _problem("reviewing", "office_a"),
    "problems:send_back": _problem("reviewing", "office_a"),
    "problems:reopen": _problem("done", "office_a"),
    "problems:request_extension": _problem("working", "liaison_a"),
    "problems:approve_extension": _extension(),
    "problems:reject_extension": _extension(),
    "problems:evidence": lambda s: ObjectCase({"pk": s.evidence.pk}, "leader_a"),
    "problems:class_detail": lambda s: ObjectCase({"pk": s.problem_class.pk}, "office_a"),
    "demands:detail": _demand("demand_signed", "office_a"),
    "demands:reveal": _demand("demand_signed", "handler_a"),
    "demands:dispatch": _demand("demand_received", "dispatcher_city"),
    "demands:sign": _demand("demand_dispatched", "handler_a"),
    "demands:respond": _demand("demand_signed", "handler_a"),
    "demands:finish": _demand("demand_signed", "handler_a", outcome="resolved", explanation="越权办结"),
    "demands:return": _demand("demand_dispatched", "handler_a"),
    "demands:call_back": _demand("demand_finished", "dispatcher_city", satisfaction="satisfied"),
    "demands:redo": _demand("demand_unsatisfied", "dispatcher_city"),
    "demands:archive": _demand("demand_unsatisfied", "dispatcher_city"),
    "demands:escalate": _demand("demand_signed", "dispatcher_city"),
    "demands:request_extension": _demand("demand_signed", "handler_a", days=2),
    "demands:approve_extension": _demand_extension(),
    "demands:reject_extension": _demand_extension(),
    "demands:link_problem": _demand("demand_signed", "office_a", number="WT000001"),
    "reports:detail": lambda s: ObjectCase({"pk": s.report.pk}, "leader_a"),
    "reports:reprocess": lambda s: ObjectCase({"pk": s.report.pk}, "liaison_a"),
    "reports:figure_edit": lambda s: ObjectCase({"pk": s.report.pk, "figure_pk": s.figure.pk}, "liaison_a"),
    "reports:unit_claims": lambda s: ObjectCase({"pk": s.unit.pk}, "leader_a"),
    "reports:rule_edit": lambda s: ObjectCase(
        {"pk": s.claim_rule.pk}, "office_a", data={"pattern": "越权", "measure": "problems_total"}
    ),
    "reports:rule_delete": lambda s: ObjectCase({"pk": s.claim_rule.pk}, "office_a"),
    # 重点任务: a task of district A's office in the city's campaign, and its assignments by the role acting on each.
    **{f"tasks:{name}": _task_page(attr, insider) for name, (attr, insider) in TASK_PAGES.items()},
    "tasks:detail": lambda s: ObjectCase({"pk": s.task_working.task_id}, "liaison_a"),
    "tasks:assign": lambda s: ObjectCase({"pk": s.task_working.task_id}, "office_a"),
    "tasks:milestone_new": lambda s: ObjectCase({"pk": s.task_working.task_id}, "office_a"),
    "tasks:milestone_reach": lambda s: ObjectCase(
        {"pk": s.task_working.task_id, "milestone_pk": s.task_milestone.pk}, "office_a"
    ),
    "tasks:approve_extension": lambda s: ObjectCase(
        {"pk": s.task_working.pk, "extension_pk": s.task_extension.pk}, "office_a"
    ),
    "tasks:reject_extension": lambda s: ObjectCase(
        {"pk": s.task_working.pk, "extension_pk": s.task_extension.pk}, "office_a"
    ),
    "tasks:evidence": lambda s: ObjectCase({"pk": s.task_evidence.pk}, "leader_a"),
    **{f"livelihood:{name}": _lh("lh_project", insider) for name, insider in LH_PROJECT_PAGES.items()},
    **{f"livelihood:{name}": _lh("lh_task", insider) for name, insider in LH_TASK_PAGES.items()},
    **{f"livelihood:{name}": _lh("lh_proposal", insider) for name, insider in LH_PROPOSAL_PAGES.items()},
    "livelihood:reach_milestone": lambda s: ObjectCase(
        {"pk": s.lh_project.pk, "milestone_pk": s.lh_milestone.pk}, "office_a"
    ),
    "livelihood:evidence": _lh("lh_evidence", "liaison_a"),
}

DEMAND_HOSTILE = "q=秘密&unit={unit}&state=signed&late=true&escalated=false"
HOSTILE = "q=秘密&unit={unit}&campaign={campaign}&problem={problem}&problem_class={class}"
ADMINS_B = ("secadmin_b",)
RATE_QUERIES = ("", "unit={unit}", "unit={street}&month=2026-10")
RATE_LIST_QUERIES = ("", "kind=companies", "unit={unit}&kind=projects", "unit={street}&kind=units")

LH_HOSTILE = "q=秘密&unit={unit}&campaign={city_campaign}"

PAGE_LISTS: dict[str, ListCase] = {
    # [scope:visits]
    # 走访报备: the list and its Excel, the calendars, the heat, the overrides; district A's own campaign is 404 to B.
    "visits:list": ListCase("liaison_a", DISTRICT_B, ("", "campaign={campaign}", "unit={unit}&from=2026-05-01")),
    "visits:export": ListCase("office_a", DISTRICT_B, ("", "campaign={campaign}", "unit={street}")),
    "visits:new": ListCase(None, DISTRICT_B, ("", "campaign={campaign}")),
    "visits:unit_calendar": ListCase("liaison_a", DISTRICT_B, ("unit={street}&month=2026-05", "", "unit={unit}")),
    "visits:county_calendar": ListCase(
        "liaison_a", DISTRICT_B, ("unit={unit}&month=2026-05", "", "unit={street}&campaign={campaign}")
    ),
    "visits:heat": ListCase(
        "office_a", DISTRICT_B, ("campaign={campaign}", "", "campaign={city_campaign}&unit={unit}")
    ),
    "visits:overrides": ListCase("office_a", DISTRICT_B, ("", "campaign={campaign}")),
    "visits:rules": ListCase(None, DISTRICT_B, ("", "campaign={campaign}")),
    # [scope:supervision]
    # 督导组: a campaign's groups, the checklist and the ranking; district A's own campaign is 404 to district B.
    "supervision:groups": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "", "campaign={city_campaign}")),
    "supervision:group_new": ListCase("office_a", DISTRICT_B, ("", "campaign={campaign}")),
    "supervision:checklist": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "supervision:ranking": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "", "campaign={city_campaign}")),
    "supervision:ranking_export": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    # 督导反馈报告: the reports list, the unit's 我的督导报告, and the generate form (404 without a group it sees).
    "supervision:reports": ListCase("liaison_a", DISTRICT_B, ("", "unit={street}", "state=issued")),
    "supervision:reports_mine": ListCase("liaison_a", DISTRICT_B, ("", "todo=0")),
    "supervision:report_generate": ListCase(None, DISTRICT_B, ("", "unit={street}")),
    # [scope:research]
    # 调查研究: district A's own campaign is 404 to district B; the plans' lists, 我的调研 and the export.
    "research:index": ListCase("liaison_a", DISTRICT_B, ("campaign={campaign}", "", "campaign={city_campaign}")),
    "research:settings": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "research:direction_new": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "research:topic_new": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "research:topic_import": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "research:topic_template": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "research:topic_export": ListCase("liaison_a", DISTRICT_B, ("campaign={campaign}", "")),
    "research:plans": ListCase("liaison_a", DISTRICT_B, ("", "campaign={campaign}&unit={unit}", "q=秘密")),
    "research:mine": ListCase("leader_a", DISTRICT_B, ("", "state=draft", "unit={street}")),
    "research:plan_export": ListCase("office_a", DISTRICT_B, ("", "campaign={campaign}", "q=秘密&unit={unit}")),
    "research:plan_new": ListCase("liaison_a", DISTRICT_B, ("campaign={campaign}", "")),
    # [scope:members]
    # 党员干部名册: the list and its export by unit, keyword and kind; the forms and the template show no members.
    "members:list": ListCase("liaison_a", DISTRICT_B, ("", "unit={unit}", "q=秘密", "kind=party&unit={street}")),
    "members:export": ListCase("office_a", DISTRICT_B, ("", "unit={unit}", "q=秘密&status=all")),
    "members:new": ListCase(None, DISTRICT_B, ("",)),
    "members:import": ListCase(None, DISTRICT_B, ("",)),
    "members:import_template": ListCase(None, DISTRICT_B, ("",)),
    # [scope:study]
    # 学习班次: district A's own campaign is 404 to district B; coverage of district A's unit too.
    "study:index": ListCase(
        "liaison_a",
        DISTRICT_B,
        ("campaign={campaign}", "", "campaign={city_campaign}", "campaign={campaign}&kind=reading"),
    ),
    "study:below": ListCase("liaison_a", DISTRICT_B, ("campaign={campaign}", "")),
    "study:class_new": ListCase("liaison_a", DISTRICT_B, ("campaign={campaign}", "")),
    "study:leaves": ListCase("liaison_a", DISTRICT_B),
    "study:mine": ListCase(None, DISTRICT_B),
    "study:coverage": ListCase(
        "liaison_a", DISTRICT_B, ("campaign={campaign}", "campaign={city_campaign}&unit={unit}", "")
    ),
    "study:coverage_export": ListCase("liaison_a", DISTRICT_B, ("campaign={campaign}", "campaign={city_campaign}")),
    "study:rotations": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "study:rotation_new": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    # [scope:studysignin]
    # 开放式学习小组: the list by unit, campaign, keyword and room left; the form; 附近的学习小组 (the caller's member).
    "study:group_list": ListCase(
        "liaison_a", DISTRICT_B, ("", "unit={unit}", "campaign={campaign}&q=秘密", "unit={street}&space=1")
    ),
    "study:group_new": ListCase(None, DISTRICT_B, ("",)),
    "study:group_near": ListCase(None, DISTRICT_B, ("",)),
    # [scope:studyplans]
    # 学习计划: district A's campaign is not district B's.
    "study:plan_list": ListCase("liaison_a", DISTRICT_B, ("", "campaign={campaign}&unit={unit}", "state=draft")),
    "study:plan_export": ListCase("liaison_a", DISTRICT_B, ("", "campaign={campaign}", "unit={unit}")),
    "study:plan_new": ListCase("liaison_a", DISTRICT_B, ("campaign={campaign}", "")),
    # [scope:lectures]
    # 宣讲菜单
    "lectures:index": ListCase("liaison_a", DISTRICT_B, ("campaign={campaign}", "", "campaign={city_campaign}")),
    "lectures:category_new": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "lectures:item_new": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "lectures:menu_import": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "lectures:menu_template": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "lectures:menu_export": ListCase("liaison_a", DISTRICT_B, ("campaign={campaign}", "")),
    "lectures:orders": ListCase("liaison_a", DISTRICT_B, ("", "campaign={campaign}&unit={unit}", "q=秘密")),
    "lectures:mine": ListCase("lecture_speaker_a", DISTRICT_B, ("", "state=dispatched", "unit={street}")),
    "lectures:calendar": ListCase("office_a", DISTRICT_B, ("all=1", "")),
    "lectures:order_export": ListCase("office_a", DISTRICT_B, ("", "campaign={campaign}", "q=秘密&unit={unit}")),
    # [scope:suggestions]
    "suggestions:index": ListCase(
        "office_a", DISTRICT_B, ("", "campaign={campaign}&unit={unit}", "q=秘密", "state=referred&overdue=true")
    ),
    "suggestions:mine": ListCase("liaison_a", DISTRICT_B, ("", "state=triaged")),
    "suggestions:to_answer": ListCase("liaison_a", DISTRICT_B, ("", "unit={street}")),
    "suggestions:overdue": ListCase("office_a", DISTRICT_B, ("", "campaign={campaign}")),
    "suggestions:export": ListCase("office_a", DISTRICT_B, ("", "campaign={campaign}", "q=秘密&unit={unit}")),
    "suggestions:new": ListCase("liaison_a", DISTRICT_B, ("",)),
    "suggestions:groups": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "suggestions:group_new": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "suggestions:templates": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "suggestions:template_new": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "")),
    "suggestions:bulk_answer": ListCase(None, DISTRICT_B, ("",)),
    # [scope:suggestionspublic]
    # 建议办理率: the rates of a unit's subtree for a campaign, drilled down to its children (东城街道 is a child of
    # district A); district A's unit and its own campaign are 404 to district B.
    "suggestions:rates": ListCase(
        "office_a", DISTRICT_B, ("", "campaign={campaign}", "campaign={city_campaign}&unit={unit}", "unit={street}")
    ),
    "suggestions:rates_export": ListCase(
        "office_a", DISTRICT_B, ("", "campaign={campaign}", "campaign={city_campaign}&unit={unit}", "unit={street}")
    ),
    # [scope:fourlists]
    # 四张清单: a unit's lists in a campaign (district A's unit and campaign are 404 to district B), its workbook and
    # the new-item form.
    "fourlists:page": ListCase(
        "liaison_a", DISTRICT_B, ("", "campaign={campaign}", "unit={unit}", "campaign={city_campaign}&unit={street}")
    ),
    "fourlists:export": ListCase("office_a", DISTRICT_B, ("", "campaign={campaign}&unit={unit}", "unit={street}")),
    "fourlists:item_new": ListCase("office_a", DISTRICT_B, ("campaign={campaign}&unit={unit}", "unit={unit}")),
    # 定期报送: district A's rounds lie in the city's campaign, which district B takes part in.
    "collection:rounds": ListCase("liaison_a", DISTRICT_B, ("", "campaign={city_campaign}")),
    "collection:templates": ListCase("liaison_a", DISTRICT_B, ("", "campaign={city_campaign}")),
    "collection:template_new": ListCase("office_a", DISTRICT_B, ("", "campaign={city_campaign}")),
    "collection:mine": ListCase("liaison_a", DISTRICT_B, ("state=submitted", "todo=to_review", "unit={unit}")),
    # 晾晒排名: the published rankings and the schemes of a campaign; district A's campaign is not district B's.
    "rankings:list": ListCase("liaison_a", DISTRICT_B, ("campaign={campaign}", "", "campaign={city_campaign}")),
    "rankings:schemes": ListCase("liaison_a", DISTRICT_B, ("campaign={campaign}", "", "campaign={city_campaign}")),
    "rankings:scheme_new": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "campaign={city_campaign}")),
    # 催办督办 and 到期提醒
    "urging:list": ListCase("liaison_a", DISTRICT_B, ("", "show=all", "show=all&level=supervise")),
    "urging:new": ListCase("office_a", DISTRICT_B, ("type=problems.problem&ids={problem}",)),
    "urging:supervised": ListCase("office_a"),
    "reminders:rule": ListCase(None, DISTRICT_B, ("", "campaign={campaign}", "campaign={city_campaign}")),
    "home": ListCase(None),
    "accounts:no_role": ListCase(None),
    "accounts:password_change": ListCase(None),
    "accounts:two_factor": ListCase(None),
    "accounts:two_factor_enrol": ListCase(None),
    "accounts:api_token": ListCase(None),
    "accounts:users": ListCase("secadmin", ADMINS_B, ("", "q=mimi", "q=秘密&role=liaison")),
    "accounts:user_create": ListCase(None, ADMINS_B),
    "accounts:unit_search": ListCase("secadmin", ADMINS_B, ("unit=秘密", "unit=S001")),
    "audit:list": ListCase("auditor", ("office_city", "office_b", "secadmin")),
    "audit:verify": ListCase(None, ("office_city", "office_b", "secadmin")),
    "audit:export": ListCase("auditor", ("office_city", "office_b", "secadmin")),
    "jobs:list": ListCase("office_a", (*DISTRICT_B, "office_city")),
    "notices:inbox": ListCase("office_a", NOTICE_OUTSIDERS, ("", "show=all", "show=all&kind=other")),
    "notices:read_all": ListCase(None, NOTICE_OUTSIDERS),
    # 消息设置 is the caller's own; 单位群机器人 and 送达记录 list the office's subtree (luoshi/notices).
    "notices:preferences": ListCase(None, NOTICE_OUTSIDERS),
    "notices:unit_channels": ListCase("office_a"),
    "notices:deliveries": ListCase("office_a", DISTRICT_B, ("", "channel=email&status=queued", "status=sent")),
    "orgs:tree": ListCase("office_a", DISTRICT_B, ("", "q=秘密", "q=S001")),
    "orgs:kinds": ListCase(None),
    "orgs:import": ListCase("office_a"),
    "orgs:import_template": ListCase(None),
    "orgs:export": ListCase("office_a", DISTRICT_B, ("", "unit={unit}", "unit={street}")),
    "campaigns:list": ListCase("liaison_a"),
    "campaigns:create": ListCase("office_a"),
    "problems:list": ListCase("liaison_a", DISTRICT_B, ("", HOSTILE, "q=秘密")),
    "problems:dashboard": ListCase("office_a", DISTRICT_B, ("", "unit={unit}", "campaign={campaign}")),
    "problems:new": ListCase("office_a", DISTRICT_B, ("", "campaign={campaign}")),
    "problems:unit_choices": ListCase(
        "office_a", DISTRICT_B, ("unit_q=秘密", "perm=file_problem&unit_q=秘密&campaign={campaign}")
    ),
    "problems:classes": ListCase("office_a"),
    "problems:class_new": ListCase("office_a"),
    "ledger:index": ListCase("office_a"),
    "ledger:template": ListCase("office_a", DISTRICT_B, ("campaign={campaign}",)),
    "ledger:export": ListCase("liaison_a", DISTRICT_B, ("", HOSTILE)),
    "demands:list": ListCase("office_a", DISTRICT_B, ("", DEMAND_HOSTILE, "q=秘密")),
    "demands:export": ListCase("office_a", DISTRICT_B, ("", DEMAND_HOSTILE)),
    # 工单导入: an upload form and a template; neither shows district data. A file naming district-A
    # units is refused row by row (tested in luoshi/demands/tests/test_imports_scope.py).
    "demands:import": ListCase(None),
    "demands:import_template": ListCase(None),
    # 三率排名 / 红黑榜: the children of a unit in the viewer's demand scope; district-A ids answer 404.
    "demand_rates:ranking": ListCase("office_a", (*DISTRICT_B, "handler_b"), RATE_QUERIES),
    "demand_rates:ranking_export": ListCase("office_a", (*DISTRICT_B, "handler_b"), RATE_QUERIES),
    "demand_rates:lists": ListCase("office_a", (*DISTRICT_B, "handler_b"), RATE_LIST_QUERIES),
    "demand_rates:lists_export": ListCase("office_a", (*DISTRICT_B, "handler_b"), RATE_LIST_QUERIES),
    # 三率参数: platform-wide numbers, no district data; only a top-level office may change them.
    "demand_rates:settings": ListCase(None, (*DISTRICT_B, "handler_b")),
    # 工作报告: district A's report lies in the city's campaign, which district B takes part in too.
    "reports:list": ListCase("liaison_a", DISTRICT_B, ("", "campaign={city_campaign}", "unit={unit}&status=done")),
    "reports:upload": ListCase("office_a"),
    "reports:export": ListCase("office_a", DISTRICT_B, ("campaign={city_campaign}",)),
    "reports:rules": ListCase("office_a", DISTRICT_B, ("campaign={campaign}",)),
    # 重点任务: district A's tasks lie in the city's campaign, which district B takes part in.
    "tasks:overview": ListCase("liaison_a", DISTRICT_B, ("", "campaign={city_campaign}")),
    "tasks:new": ListCase("office_a", DISTRICT_B, ("", "campaign={city_campaign}")),
    "tasks:sources": ListCase("office_a", DISTRICT_B, ("campaign={campaign}", "campaign={city_campaign}")),
    "tasks:export": ListCase("office_a", DISTRICT_B, ("campaign={city_campaign}",)),
    "tasks:import": ListCase("office_a"),
    "tasks:import_template": ListCase("office_a", DISTRICT_B, ("campaign={campaign}",)),
    "tasks:assignments": ListCase("liaison_a", DISTRICT_B, ("", "task={task}&unit={unit}", "q=秘密&state=in_progress")),
    "tasks:assignments_export": ListCase("liaison_a", DISTRICT_B, ("", "task={task}", "campaign={city_campaign}")),
    # 民生实事: district A's project, task and proposal lie in the city's campaign, which district B takes part in.
    "livelihood:list": ListCase("liaison_a", DISTRICT_B, ("", LH_HOSTILE, "state=in_progress&light=green")),
    "livelihood:export": ListCase("office_a", DISTRICT_B, ("", LH_HOSTILE)),
    "livelihood:new": ListCase("office_a", DISTRICT_B, ("", "campaign={city_campaign}")),
    "livelihood:import": ListCase(None),
    "livelihood:import_template": ListCase(None, DISTRICT_B, ("campaign={city_campaign}",)),
    "livelihood:settings": ListCase(None, DISTRICT_B, ("campaign={city_campaign}",)),
    "livelihood:proposals": ListCase("liaison_a", DISTRICT_B, ("", "q=秘密&campaign={city_campaign}")),
    "livelihood:proposal_new": ListCase("liaison_a", DISTRICT_B, ("", "campaign={city_campaign}")),
    "livelihood:vote": ListCase(None, DISTRICT_B, ("campaign={city_campaign}",)),
}


def _problem_api(attr: str, insider: str, **data: Any) -> ObjectBuilder:
    return lambda s: ObjectCase({"pk": getattr(s, attr).pk}, insider, data=data)


def _demand_api(attr: str, insider: str, **data: Any) -> ObjectBuilder:
    """Outsiders of the demand API are district B's demand viewers; the others are refused the whole area (403)."""
    return lambda s: ObjectCase({"pk": getattr(s, attr).pk}, insider, DEMAND_VIEWERS_B, data=data)


API_OBJECTS: dict[str, ObjectBuilder] = {
    # [scope:visits]
    # 走访报备: district A's visit; its office cancels it.
    "visit-detail": lambda s: ObjectCase({"pk": s.visit.pk}, "liaison_a"),
    "visit-cancel": lambda s: ObjectCase({"pk": s.visit.pk}, "office_a", data={"reason": "越权取消"}),
    # [scope:supervision]
    # 督导组 and 督导发现: the office manages the group; it dismisses the finding.
    "supervision-group-detail": lambda s: ObjectCase({"pk": s.sup_group.pk}, "office_a", data={"name": "越权改名"}),
    "supervision-group-members": lambda s: ObjectCase(
        {"pk": s.sup_group.pk}, "office_a", data={"user": s.world.liaison_a.pk, "role": "liaison"}
    ),
    "supervision-group-remove-member": lambda s: ObjectCase(
        {"pk": s.sup_group.pk}, "office_a", data={"member": s.sup_member.pk}
    ),
    "supervision-group-assign": lambda s: ObjectCase(
        {"pk": s.sup_group.pk}, "office_a", data={"unit": s.unit.pk, "starts_on": "2026-05-01"}
    ),
    "supervision-group-end-assignment": lambda s: ObjectCase(
        {"pk": s.sup_group.pk}, "office_a", data={"assignment": s.sup_assignment.pk, "on": "2026-08-01"}
    ),
    "finding-detail": lambda s: ObjectCase({"pk": s.sup_finding.pk}, "liaison_a"),
    "finding-actions": lambda s: ObjectCase(
        {"pk": s.sup_finding.pk, "name": "dismiss"}, "office_a", data={"reason": "越权排除"}
    ),
    # 督导反馈报告
    "supervision-report-detail": lambda s: ObjectCase({"pk": s.supervision_report.pk}, "liaison_a"),
    "supervision-report-actions": lambda s: ObjectCase(
        {"pk": s.supervision_report.pk, "name": "acknowledge"}, "liaison_a", data={"note": "越权签收"}
    ),
    "supervision-report-download": lambda s: ObjectCase({"pk": s.supervision_report.pk}, "liaison_a"),
    "supervision-report-urge": lambda s: ObjectCase(
        {"pk": s.supervision_report.pk}, "office_a", data={"message": "越权催办"}
    ),
    # [scope:research]
    # 调查研究: district A's topic (its office renames it), direction and draft plan (its liaison edits and submits).
    "research-direction-detail": lambda s: ObjectCase({"pk": s.research_direction.pk}, "liaison_a"),
    "research-topic-detail": lambda s: ObjectCase({"pk": s.research_topic.pk}, "office_a", data={"title": "越权改名"}),
    "research-plan-detail": lambda s: ObjectCase(
        {"pk": s.research_draft.pk},
        "liaison_a",
        data={"topic": s.research_topic.pk, "title": "越权修改", "due_date": "2026-09-01"},
    ),
    "research-plan-actions": lambda s: ObjectCase({"pk": s.research_draft.pk, "name": "submit"}, "liaison_a"),
    "research-plan-urge": lambda s: ObjectCase({"pk": s.research_draft.pk}, "office_a", data={"message": "越权催办"}),
    # [scope:members]
    # 党员干部名册: district A's member; its liaison renames it.
    "member-detail": lambda s: ObjectCase({"pk": s.member.pk}, "liaison_a", data={"name": "越权改名"}),
    # [scope:study]
    # 学习班次
    "study-class-detail": lambda s: ObjectCase({"pk": s.study_class.pk}, "liaison_a"),
    "study-session-detail": lambda s: ObjectCase({"pk": s.study_session.pk}, "liaison_a"),
    "study-session-attendance": lambda s: ObjectCase(
        {"pk": s.study_session.pk}, "liaison_a", data={"marks": [{"member": s.member.pk, "status": "late"}]}
    ),
    # [scope:studysignin]
    # 开放式学习小组
    "study-group-detail": lambda s: ObjectCase({"pk": s.study_group.pk}, "leader_a"),
    # [scope:studyplans]
    # 学习计划
    "study-plan-detail": lambda s: ObjectCase(
        {"pk": s.study_plan_draft.pk}, "liaison_a", data={"title": "越权修改", "due_date": "2026-09-01"}
    ),
    "study-plan-actions": lambda s: ObjectCase({"pk": s.study_plan_draft.pk, "name": "submit"}, "liaison_a"),
    "study-plan-urge": lambda s: ObjectCase({"pk": s.study_plan_draft.pk}, "office_a", data={"message": "越权催办"}),
    # [scope:lectures]
    # 宣讲菜单
    "lecture-item-detail": lambda s: ObjectCase(
        {"pk": s.lecture_item.pk},
        "office_a",
        data={"category": s.lecture_category.pk, "title": "越权改名", "speaker_number": s.lecture_speaker.number},
    ),
    "lecture-order-detail": lambda s: ObjectCase({"pk": s.lecture_rated.pk}, "liaison_a"),
    "lecture-order-actions": lambda s: ObjectCase({"pk": s.lecture_ordered.pk, "name": "dispatch"}, "office_a"),
    # [scope:suggestions]
    "suggestion-detail": lambda s: ObjectCase({"pk": s.sg_referred.pk}, "liaison_a"),
    "suggestion-act": lambda s: ObjectCase(
        {"pk": s.sg_referred.pk, "name": "note"}, "office_a", data={"text": "越权备注"}
    ),
    "suggestion-template-detail": lambda s: ObjectCase(
        {"pk": s.sg_template.pk}, "office_a", data={"title": "越权改名", "text": "越权答复"}
    ),
    # [scope:suggestionspublic]
    # [scope:fourlists]
    "list-item-detail": lambda s: ObjectCase({"pk": s.list_item.pk}, "office_a", data={"status": "done"}),
    "innovation-task-detail": lambda s: ObjectCase({"pk": s.task_working.task_id}, "liaison_a"),
    "innovation-task-mark": lambda s: ObjectCase({"pk": s.task_working.task_id}, "office_a", data={"innovation": True}),
    "innovation-measure-detail": lambda s: ObjectCase({"pk": s.measure.pk}, "leader_a"),
    "innovation-measure-mark": lambda s: ObjectCase({"pk": s.measure.pk}, "leader_a", data={"innovation": True}),
    # 定期报送
    "collection-template-detail": lambda s: ObjectCase({"pk": s.collection_template.pk}, "liaison_a"),
    "collection-template-new-version": lambda s: ObjectCase(
        {"pk": s.collection_round.template_id},
        "office_a",
        data={"name": "越权改版", "fields": [{"key": "a", "label": "甲", "kind": "text"}]},
    ),
    "collection-round-detail": lambda s: ObjectCase({"pk": s.collection_round.pk}, "liaison_a"),
    "collection-submission-detail": lambda s: ObjectCase({"pk": s.collection_submission.pk}, "liaison_a"),
    "collection-submission-actions": lambda s: ObjectCase(
        {"pk": s.collection_submission.pk, "name": "return"}, "office_a", data={"reason": "越权退回"}
    ),
    # 晾晒排名
    "ranking-detail": lambda s: ObjectCase({"pk": s.ranking.pk}, "liaison_a"),
    "ranking-scheme-detail": lambda s: ObjectCase({"pk": s.ranking_scheme.pk}, "liaison_a"),
    # 催办督办: the urges, and the urge action of each tracked item
    "urge-detail": lambda s: ObjectCase({"pk": s.urge.pk}, "liaison_a"),
    "urge-acknowledge": lambda s: ObjectCase({"pk": s.urge.pk}, "liaison_a", data={"reply": "越权签收"}),
    "problem-urge": lambda s: ObjectCase({"pk": s.working.pk}, "office_a", data={"message": "越权催办"}),
    "demand-urge": _demand_api("demand_signed", "office_a", message="越权催办"),
    "task-assignment-urge": lambda s: ObjectCase({"pk": s.task_working.pk}, "office_a", data={"message": "越权催办"}),
    "collection-submission-urge": lambda s: ObjectCase(
        {"pk": s.collection_submission.pk}, "office_a", data={"message": "越权催办"}
    ),
    "livelihood-project-urge": lambda s: ObjectCase({"pk": s.lh_project.pk}, "office_a", data={"message": "越权催办"}),
    "notification-read": lambda s: ObjectCase({"pk": s.notice.pk}, "office_a", outsiders=NOTICE_OUTSIDERS),
    "unit-detail": lambda s: ObjectCase({"pk": s.unit.pk}, "liaison_a"),
    "campaign-detail": lambda s: ObjectCase({"pk": s.campaign.pk}, "liaison_a"),
    "problem-detail": lambda s: ObjectCase(
        {"pk": s.working.pk}, "liaison_a", data={"version": s.working.version, "title": "越权改名"}
    ),
    "problem-claim": _problem_api("waiting", "leader_a"),
    "problem-request-closure": _problem_api("working", "leader_a", summary="越权申请"),
    "problem-approve-closure": _problem_api("reviewing", "office_a", note="越权同意"),
    "problem-send-back": _problem_api("reviewing", "office_a", reason="越权退回"),
    "problem-reopen": _problem_api("done", "office_a", reason="越权重开"),
    "problem-extensions": _problem_api("working", "liaison_a", new_deadline="2099-01-01", reason="越权延期"),
    "problem-progress": _problem_api("working", "liaison_a", text="越权进展"),
    "problem-events": _problem_api("working", "liaison_a"),
    "measure-detail": lambda s: ObjectCase({"pk": s.measure.pk}, "liaison_a"),
    "measure-complete": lambda s: ObjectCase({"pk": s.measure.pk}, "liaison_a"),
    "extension-detail": lambda s: ObjectCase({"pk": s.extension.pk}, "office_a"),
    "extension-approve": lambda s: ObjectCase({"pk": s.extension.pk}, "office_a", data={"note": "越权同意"}),
    "extension-reject": lambda s: ObjectCase({"pk": s.extension.pk}, "office_a", data={"note": "越权驳回"}),
    "problem-class-detail": lambda s: ObjectCase({"pk": s.problem_class.pk}, "office_a"),
    "demand-detail": _demand_api("demand_signed", "office_a"),
    "demand-dispatch": lambda s: ObjectCase(
        {"pk": s.demand_received.pk}, "dispatcher_city", DEMAND_VIEWERS_B, data={"unit": s.world.district_a.pk}
    ),
    "demand-sign": _demand_api("demand_dispatched", "handler_a"),
    "demand-respond": _demand_api("demand_signed", "handler_a", note="越权联系"),
    "demand-finish": _demand_api("demand_signed", "handler_a", outcome="resolved", explanation="越权办结"),
    "demand-return": _demand_api("demand_dispatched", "handler_a", reason="越权退单"),
    "demand-call-back": _demand_api("demand_finished", "dispatcher_city", satisfaction="satisfied"),
    "demand-redo": _demand_api("demand_unsatisfied", "dispatcher_city", reason="越权重办"),
    "demand-archive": _demand_api("demand_unsatisfied", "dispatcher_city"),
    "demand-escalate": _demand_api("demand_signed", "dispatcher_city", reason="越权督办"),
    "demand-extensions": _demand_api("demand_signed", "handler_a", days=2, reason="越权延期"),
    "demand-reveal": _demand_api("demand_signed", "handler_a"),
    "demand-link-problem": lambda s: ObjectCase(
        {"pk": s.demand_signed.pk}, "office_a", DEMAND_VIEWERS_B, data={"problem": s.working.pk}
    ),
    "demand-events": _demand_api("demand_signed", "handler_a"),
    "demand-extension-detail": lambda s: ObjectCase({"pk": s.demand_extension.pk}, "handler_a", DEMAND_VIEWERS_B),
    "demand-extension-approve": lambda s: ObjectCase(
        {"pk": s.demand_extension.pk}, "dispatcher_city", DEMAND_VIEWERS_B
    ),
    "demand-extension-reject": lambda s: ObjectCase(
        {"pk": s.demand_extension.pk}, "dispatcher_city", DEMAND_VIEWERS_B, data={"note": "越权驳回"}
    ),
    "report-detail": lambda s: ObjectCase({"pk": s.report.pk}, "leader_a"),
    "figure-detail": lambda s: ObjectCase({"pk": s.figure.pk}, "liaison_a", data={"version": 1, "value": 37}),
    "task-detail": lambda s: ObjectCase({"pk": s.task_working.task_id}, "liaison_a"),
    "task-assign": lambda s: ObjectCase(
        {"pk": s.task_working.task_id}, "office_a", data={"unit": s.world.street_a.pk, "due_on": "2099-01-01"}
    ),
    "task-assignment-detail": lambda s: ObjectCase({"pk": s.task_working.pk}, "liaison_a"),
    "task-assignment-actions": lambda s: ObjectCase({"pk": s.task_waiting.pk, "name": "sign"}, "liaison_a"),
    "task-assignment-progress": lambda s: ObjectCase(
        {"pk": s.task_working.pk}, "liaison_a", data={"text": "越权进展", "percent": 10}
    ),
    "livelihood-project-detail": lambda s: ObjectCase({"pk": s.lh_project.pk}, "liaison_a"),
    "livelihood-project-actions": lambda s: ObjectCase(
        {"pk": s.lh_project.pk, "name": "stop"}, "office_a", data={"reason": "越权终止"}
    ),
}


def _new_demand_body(s: Seed) -> dict[str, Any]:
    return {
        "channel": DemandChannel.objects.get(code="hotline").pk,
        "category": DemandCategory.objects.get(name="物业服务").pk,
        "title": "越权受理",
        "content": "越权受理",
        "intake_unit": s.world.district_a.pk,
    }


def _demand_filters(s: Seed) -> dict[str, int]:
    return {"unit": s.world.district_a.pk}


def _new_problem_body(s: Seed) -> dict[str, Any]:
    w = s.world
    return {
        "campaign": w.campaign.pk,
        "title": "越权登记",
        "channel": w.channels[0].pk,
        "aspect": w.aspects[0].pk,
        "unit": w.street_a.pk,
        "found_on": "2026-05-01",
        "deadline": "2099-01-01",
    }


def _new_measure_body(s: Seed) -> dict[str, Any]:
    return {"problem": s.working.pk, "text": "越权措施", "owner_unit": s.world.district_a.pk, "deadline": "2099-01-01"}


def _problem_filters(s: Seed) -> dict[str, int]:
    """Every filter of the problem list that takes an id, each naming a district-A object."""
    w = s.world
    return {
        "unit": w.district_a.pk,
        "campaign": s.campaign.pk,
        "aspect": s.campaign.aspects.get().pk,
        "leader": w.leader_a.pk,
        "problem_class": s.problem_class.pk,
    }


API_LISTS: dict[str, ApiListCase] = {
    # [scope:visits]
    # 走访报备
    "visit-list": ApiListCase(
        lambda s: {s.visit.pk},
        "liaison_a",
        data=lambda s: {
            "campaign": s.campaign.pk,
            "unit": s.world.street_a.pk,
            "date": "2026-05-07",
            "headcount": 3,
            "team": "越权",
            "organiser": "越权",
            "kinds": ["looks"],
        },
        refs=("campaign", "unit"),
        filters=lambda s: {"campaign": s.campaign.pk, "unit": s.world.street_a.pk},
    ),
    # [scope:supervision]
    # 督导组 and 督导发现
    "supervision-group-list": ApiListCase(
        lambda s: {s.sup_group.pk},
        "office_a",
        data=lambda s: {"campaign": s.campaign.pk, "unit": s.world.district_a.pk, "name": "越权督导组"},
        refs=("campaign", "unit"),
        filters=lambda s: {"campaign": s.campaign.pk},
    ),
    "finding-list": ApiListCase(
        lambda s: {s.sup_finding.pk},
        "leader_a",
        data=lambda s: {
            "group": s.sup_assignment.group_id,
            "unit": s.world.street_a.pk,
            "title": "越权发现",
            "description": "越权",
        },
        refs=("group", "unit"),
        filters=lambda s: {"group": s.sup_group.pk, "unit": s.world.street_a.pk},
    ),
    # 督导反馈报告
    "supervision-report-list": ApiListCase(
        lambda s: {s.supervision_report.pk},
        "liaison_a",
        filters=lambda s: {"group": s.report_group.pk, "unit": s.world.street_a.pk},
    ),
    # [scope:research]
    # 调查研究
    "research-direction-list": ApiListCase(
        lambda s: {s.research_direction.pk},
        "office_a",
        data=lambda s: {"campaign": s.campaign.pk, "name": "越权方向"},
        refs=("campaign",),
        filters=lambda s: {"campaign": s.campaign.pk},
    ),
    "research-topic-list": ApiListCase(
        lambda s: {s.research_topic.pk},
        "office_a",
        data=lambda s: {"campaign": s.campaign.pk, "direction": s.research_direction.pk, "title": "越权课题"},
        refs=("campaign", "direction"),
        filters=lambda s: {"campaign": s.campaign.pk, "direction": s.research_direction.pk},
    ),
    "research-plan-list": ApiListCase(
        lambda s: {s.research_draft.pk, s.research_reported.pk},
        "liaison_a",
        data=lambda s: {
            "campaign": s.campaign.pk,
            "topic": s.research_topic.pk,
            "unit": s.world.street_a.pk,
            "title": "越权方案",
            "due_date": "2026-09-01",
        },
        refs=("campaign", "topic", "unit"),
        filters=lambda s: {
            "campaign": s.campaign.pk,
            "topic": s.research_topic.pk,
            "direction": s.research_direction.pk,
            "unit": s.world.street_a.pk,
        },
    ),
    # [scope:members]
    # 党员干部名册
    "member-list": ApiListCase(
        lambda s: {s.member.pk},
        "liaison_a",
        data=lambda s: {"unit": s.world.street_a.pk, "number": "HACK-0001", "name": "越权党员"},
        refs=("unit",),
        filters=lambda s: {"unit": s.world.street_a.pk},
    ),
    # [scope:study]
    # 学习班次
    "study-class-list": ApiListCase(
        lambda s: {s.study_class.pk},
        "liaison_a",
        data=lambda s: {"campaign": s.campaign.pk, "unit": s.world.street_a.pk, "topic": "越权班次"},
        refs=("campaign", "unit"),
        filters=lambda s: {"campaign": s.campaign.pk, "rotation": s.study_rotation.pk},
    ),
    "study-session-list": ApiListCase(
        lambda s: {s.study_session.pk},
        "liaison_a",
        data=lambda s: {"study_class": s.study_class.pk, "date": "2026-06-01", "half": "pm"},
        refs=("study_class",),
        filters=lambda s: {"study_class": s.study_class.pk},
    ),
    # [scope:studysignin]
    # 开放式学习小组
    "study-group-list": ApiListCase(
        lambda s: {s.study_group.pk},
        "liaison_a",
        data=lambda s: {
            "campaign": s.campaign.pk,
            "unit": s.world.street_a.pk,
            "name": "越权小组",
            "topic": "越权",
            "address": "越权地点",
        },
        refs=("campaign", "unit"),
        filters=lambda s: {"campaign": s.campaign.pk, "unit": s.world.street_a.pk},
    ),
    # [scope:studyplans]
    # 学习计划
    "study-plan-list": ApiListCase(
        lambda s: {s.study_plan_draft.pk, s.study_plan_approved.pk},
        "liaison_a",
        data=lambda s: {
            "campaign": s.campaign.pk,
            "unit": s.world.district_a.pk,
            "title": "越权计划",
            "due_date": "2026-09-01",
        },
        refs=("campaign", "unit"),
        filters=lambda s: {"campaign": s.campaign.pk, "unit": s.world.district_a.pk},
    ),
    # [scope:lectures]
    # 宣讲菜单
    "lecture-item-list": ApiListCase(
        lambda s: {s.lecture_item.pk},
        "office_a",
        data=lambda s: {
            "category": s.lecture_category.pk,
            "title": "越权宣讲",
            "speaker_number": s.lecture_speaker.number,
        },
        refs=("category",),
        filters=lambda s: {"campaign": s.campaign.pk, "category": s.lecture_category.pk},
    ),
    "lecture-order-list": ApiListCase(
        lambda s: {s.lecture_ordered.pk, s.lecture_rated.pk},
        "liaison_a",
        data=lambda s: {
            "item": s.lecture_item.pk,
            "unit": s.world.street_a.pk,
            "wished_date": "2026-05-06",
            "wished_half": "pm",
        },
        refs=("item", "unit"),
        filters=lambda s: {
            "campaign": s.campaign.pk,
            "item": s.lecture_item.pk,
            "speaker": s.lecture_speaker.pk,
            "unit": s.world.street_a.pk,
        },
    ),
    # [scope:suggestions]
    "suggestion-list": ApiListCase(
        lambda s: {s.sg_submitted.pk, s.sg_referred.pk},
        "office_a",
        data=lambda s: {
            "campaign": s.campaign.pk,
            "category": "other",
            "title": "越权建议标题",
            "content": "这是一条越权提出的建议内容。",
        },
        refs=("campaign",),
        filters=lambda s: {"campaign": s.campaign.pk, "unit": s.world.district_a.pk, "group": s.sg_group.pk},
    ),
    "suggestion-template-list": ApiListCase(
        lambda s: {s.sg_template.pk},
        "office_a",
        data=lambda s: {"campaign": s.campaign.pk, "title": "越权模板", "text": "越权答复"},
        refs=("campaign",),
        filters=lambda s: {"campaign": s.campaign.pk},
    ),
    # [scope:suggestionspublic]
    # 建议办理率: the insider's rows are district A's children; an outside campaign or unit is 404 like a missing one.
    "suggestion-rates-list": ApiListCase(
        lambda s: {s.world.street_a.pk},
        "office_a",
        filters=lambda s: {"campaign": s.campaign.pk, "unit": s.world.district_a.pk},
    ),
    # [scope:fourlists]
    "list-item-list": ApiListCase(
        lambda s: {s.list_item.pk},
        "liaison_a",
        data=lambda s: {
            "campaign": s.campaign.pk,
            "unit": s.world.district_a.pk,
            "kind": "study",
            "title": "越权事项",
            "owner": "越权",
        },
        refs=("campaign", "unit"),
        filters=lambda s: {"campaign": s.campaign.pk, "unit": s.world.district_a.pk},
    ),
    "four-lists-list": ApiListCase(
        lambda s: {s.list_item.pk},
        "office_a",
        filters=lambda s: {"campaign": s.campaign.pk, "unit": s.world.district_a.pk},
    ),
    # 定期报送
    "collection-template-list": ApiListCase(
        lambda s: {s.collection_template.pk},
        "office_a",
        data=lambda s: {
            "campaign": s.world.campaign.pk,
            "unit": s.world.district_a.pk,
            "name": "越权模板",
            "fields": [{"key": "a", "label": "甲", "kind": "text"}],
        },
        refs=("unit",),
        filters=lambda s: {"campaign": s.world.campaign.pk, "family": s.collection_template.pk},
    ),
    "collection-round-list": ApiListCase(
        lambda s: {s.collection_round.pk},
        "office_a",
        data=lambda s: {"template": s.collection_round.template_id},
        refs=("template",),
        filters=lambda s: {"template": s.collection_template.pk, "family": s.collection_template.pk},
    ),
    "collection-submission-list": ApiListCase(
        lambda s: {s.collection_submission.pk},
        "liaison_a",
        filters=lambda s: {"round": s.collection_round.pk, "unit": s.world.district_a.pk, "todo": 0},
    ),
    # 晾晒排名
    "ranking-list": ApiListCase(
        lambda s: {s.ranking.pk},
        "liaison_a",
        filters=lambda s: {"campaign": s.campaign.pk, "scheme": s.ranking_scheme.pk},
    ),
    "ranking-scheme-list": ApiListCase(
        lambda s: {s.ranking_scheme.pk}, "liaison_a", filters=lambda s: {"campaign": s.campaign.pk}
    ),
    "urge-list": ApiListCase(
        rows=lambda s: {s.urge.pk},
        insider="office_a",
        data=lambda s: {"object_type": "problems.problem", "ids": [s.working.pk], "message": "越权催办"},
        refs=("ids",),
    ),
    "unit-list": ApiListCase(
        lambda s: {s.unit.pk, s.world.district_a.pk, s.world.street_a.pk},
        "liaison_a",
        filters=lambda s: {"within": s.world.district_a.pk, "parent": s.world.district_a.pk},
    ),
    "campaign-list": ApiListCase(lambda s: {s.campaign.pk}, "liaison_a"),
    "problem-list": ApiListCase(
        lambda s: {s.waiting.pk, s.working.pk, s.reviewing.pk, s.done.pk},
        "liaison_a",
        data=_new_problem_body,
        refs=("unit",),
        filters=_problem_filters,
    ),
    "measure-list": ApiListCase(
        lambda s: {s.measure.pk},
        "leader_a",
        data=_new_measure_body,
        refs=("problem",),
        filters=lambda s: {"problem": s.working.pk},
    ),
    "extension-list": ApiListCase(lambda s: {s.extension.pk}, "office_a", filters=lambda s: {"problem": s.working.pk}),
    "problem-class-list": ApiListCase(
        lambda s: {s.problem_class.pk},
        "office_a",
        data=lambda s: {"campaign": s.world.campaign.pk, "unit": s.world.district_a.pk, "name": "越权类别"},
        refs=("unit",),
        filters=lambda s: {"campaign": s.campaign.pk},
    ),
    "demand-list": ApiListCase(
        lambda s: {s.demand_received.pk, s.demand_signed.pk, s.demand_unsatisfied.pk},
        "dispatcher_city",
        DEMAND_VIEWERS_B,
        data=_new_demand_body,
        refs=("intake_unit",),
        filters=_demand_filters,
    ),
    "demand-extension-list": ApiListCase(
        lambda s: {s.demand_extension.pk},
        "handler_a",
        DEMAND_VIEWERS_B,
        filters=lambda s: {"demand": s.demand_signed.pk},
    ),
    "report-list": ApiListCase(
        lambda s: {s.report.pk},
        "liaison_a",
        filters=lambda s: {"campaign": s.campaign.pk, "unit": s.world.district_a.pk},
    ),
    "task-list": ApiListCase(
        lambda s: {a.task_id for a in (s.task_waiting, s.task_working, s.task_finishing, s.task_done)},
        "office_a",
        data=lambda s: {
            "campaign": s.world.campaign.pk,
            "unit": s.world.district_a.pk,
            "title": "越权任务",
            "source": "会议部署",
            "due_on": "2099-01-01",
        },
        refs=("unit",),
        filters=lambda s: {"campaign": s.campaign.pk, "parent": s.task_working.task_id},
    ),
    "task-assignment-list": ApiListCase(
        lambda s: {s.task_waiting.pk, s.task_working.pk, s.task_finishing.pk, s.task_done.pk},
        "liaison_a",
        filters=lambda s: {"task": s.task_working.task_id, "unit": s.world.district_a.pk, "campaign": s.campaign.pk},
    ),
    "figure-list": ApiListCase(
        lambda s: {s.figure.pk}, "liaison_a", filters=lambda s: {"report": s.report.pk, "campaign": s.world.campaign.pk}
    ),
    "notification-list": ApiListCase(lambda s: {s.notice.pk}, "office_a", outsiders=NOTICE_OUTSIDERS),
    "livelihood-project-list": ApiListCase(
        lambda s: {s.lh_project.pk}, "liaison_a", filters=lambda s: {"unit": s.world.district_a.pk}
    ),
}

# Routes with no scope case, each with the reason.
EXEMPT: dict[str, str] = {
    # [scope:visits]
    "visit-check": "POST only: a dry run of the calendar's rules for a campaign and unit named in the body; either "
    "outside the caller's scope is answered as a missing one (400), tested in luoshi/visits/tests/test_api.py",
    "visit-rule-list": "a campaign's four rule settings (no district data) by ?campaign=; a campaign outside the "
    "caller's scope is 404 and only its office may PUT, tested in luoshi/visits/tests/test_api.py",
    # [scope:supervision]
    "supervision-report-generate": "POST only: generates a report for a group and a unit named in the body; a group "
    "or unit outside the caller's scope is answered as a missing one (400), tested in "
    "luoshi/supervision/tests/test_report_api.py",
    # [scope:research]
    # [scope:members]
    # [scope:study]
    "study-coverage": "figures (no rows, no ids) of a campaign in a unit named by ?campaign=&unit=; a campaign or "
    "unit outside the caller's scope is 404 and bad numbers 400, tested in luoshi/study/tests/test_classes_api.py",
    # [scope:studysignin]
    "study_public:signin": "the public phone page behind a session's QR code (no login): it answers only with the "
    "current rotating code of that session and shows the session's title alone; tested in "
    "luoshi/study/tests/test_signin_pages.py",
    "study_public:group_feed": "a group's public .ics feed (no login): the unguessable feed token in the address is "
    "the key, any other token is 404; tested in luoshi/study/tests/test_groups.py",
    "study:group_membership": "POST only: the caller's own member (Member.user) joins or leaves an open group of any "
    "district, as mobile party members join where they are; no member or no open group is 404; tested in "
    "luoshi/study/tests/test_groups.py",
    "study-group-join": "POST only: the caller's own member joins an open group of any district (mobile party "
    "members join where they are); tested in luoshi/study/tests/test_groups_api.py",
    "study-group-leave": "POST only: the caller's own member leaves an open group; tested in "
    "luoshi/study/tests/test_groups_api.py",
    # [scope:studyplans]
    # [scope:lectures]
    # [scope:suggestions]
    # [scope:suggestionspublic]
    # 建言献策的公开页面: no login by design; the tracking code is the key to a suggestion, nothing personal shown.
    "suggestions_public:file": "public suggestion form; creates a suggestion at an active campaign's unit, reads "
    "nothing but the active campaigns' names",
    "suggestions_public:filed": "shows the caller's own new suggestion number and code once, from their session",
    "suggestions_public:track": "public progress page; needs the suggestion's number and tracking code, shows no "
    "personal data and no private notes",
    "suggestions_public:answers": "the answers their units chose to make public, without the suggesters' names or "
    "phones; tested in luoshi/suggestions/tests/test_public.py",
    # [scope:fourlists]
    "accounts:login": "the public login page; shows no data",
    "accounts:logout": "ends the caller's own session (POST); shows no data",
    "healthz": "liveness probe answering a plain 'ok'",
    "favicon.ico": "the site icon, a static image",
    "set_language": "Django's language switch: stores the caller's language choice",
    "api-schema": "the OpenAPI description of the API; no data",
    "api-docs": "Swagger UI over the schema; no data",
    "api-token": "obtains a token for a username and password; the login of the API",
    "api-root": "the routers' index of endpoint addresses; no data",
    "notification-read-all": "POST only: marks the caller's own notifications read, shows nothing; that it never "
    "touches another user's is tested in luoshi/notices/tests/test_api.py",
    "notification-preferences": "the caller's own channel preferences (GET/PUT), no ids; that it never shows or "
    "changes another user's is tested in luoshi/notices/tests/test_channel_pages.py",
    # The citizens' side (群众端) and Open311: no login by design; the tracking code is the key to a ticket.
    "public:home": "public landing page for citizens; shows no data",
    "public:file": "public filing form; creates a ticket at the intake unit, reads nothing",
    "public:filed": "shows the caller's own new ticket number once, from their session",
    "public:track": "public progress page; needs the ticket's number and tracking code, shows no personal data",
    "public:rate": "public rating of a finished ticket; needs the ticket looked up by number and tracking code",
    "open311:discovery": "Open311 discovery document; no data",
    "open311:services": "Open311 service list: the demand categories, no ticket data",
    "open311:service": "Open311 service definition of one category; no ticket data",
    "open311:requests": "Open311 requests: public, without personal data or reports; POST needs an API key",
    "open311:request": "Open311 request by id: public, without personal data or reports",
    "open311:token": "Open311 token look-up: the token is the ticket's tracking code",
    # 民生实事的公开页面: no login by design; only campaigns their office marked public, never personal data.
    "public_livelihood:index": "public list of the campaigns marked public; names and links only",
    "public_livelihood:campaign": "public projects of a campaign marked public (others 404); no personal data",
    "public_livelihood:propose": "public proposal form; creates a proposal at a collecting public campaign's unit",
    "public_livelihood:proposed": "shows the caller's own new proposal number once, from their session",
}


# --- areas, for role separation (三权分立) --------------------------------------------------------------

CAMPAIGN_DATA = "campaign data"
ACCOUNTS_ADMIN = "account administration"
AUDIT = "audit log"
OWN = "own account and jobs"

OWN_NAMES = frozenset(
    {
        "home",
        "accounts:no_role",
        "accounts:password_change",
        "accounts:two_factor",
        "accounts:two_factor_enrol",
        "accounts:api_token",
        "jobs:list",
        "notices:inbox",
        "notices:open",
        "notices:read_all",
        "notification-list",
        "notification-read",
        "notification-read-all",
        "notices:preferences",
        "notification-preferences",
    }
)


def area_of(name: str) -> str:
    """Which area a route belongs to; every route not named otherwise holds campaign data."""
    if name in EXEMPT or name in OWN_NAMES:
        return OWN
    if name.startswith("audit:"):
        return AUDIT
    if name.startswith("accounts:"):
        return ACCOUNTS_ADMIN
    return CAMPAIGN_DATA


# Areas each role separated from campaign work may not enter.
CLOSED_AREAS: dict[str, frozenset[str]] = {
    "secadmin": frozenset({CAMPAIGN_DATA, AUDIT}),
    "auditor": frozenset({CAMPAIGN_DATA, ACCOUNTS_ADMIN}),
}


def missing_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The same URL with every object id replaced by one that does not exist."""
    return {k: (MISSING_ID if k not in NON_ID_PARAMS else v) for k, v in kwargs.items()}
