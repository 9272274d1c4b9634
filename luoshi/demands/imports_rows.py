"""Checking the rows of a hotline export (工单导入): every lookup made once, then each row checked
without a query and turned into the values of one ticket, or into errors naming its row and column.

A ticket's state follows from the last step with a time; its time limits and whether it was
responded to and finished on time are computed with ``luoshi.demands.timers`` exactly as the
services compute them when the same steps happen live.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from luoshi.core import crypto, paths
from luoshi.core.excel import QUOTE, restore
from luoshi.core.imports import shown_value
from luoshi.demands import rollups, timers
from luoshi.demands.choices import DemandKind, DemandState, Outcome, Satisfaction
from luoshi.demands.imports import (
    EXAMPLE_MARK,
    HEADER_POSITION,
    HEADERS,
    PERSONAL_COLUMNS,
    ErrorList,
    importer_tops,
)
from luoshi.demands.imports_store import TICKET_COLUMNS
from luoshi.demands.models import Category, Company, DemandChannel, Project
from luoshi.demands.services import PHONE, TRACKING_ALPHABET
from luoshi.orgs.models import Unit

# Choice labels of the export format are fixed Chinese texts (the codes are accepted too).
KIND_BY_LABEL = {"咨询": DemandKind.INQUIRY, "求助": DemandKind.HELP, "投诉": DemandKind.COMPLAINT}
KIND_BY_LABEL |= {"举报": DemandKind.REPORT, "建议": DemandKind.SUGGESTION}
OUTCOME_BY_LABEL = {"已解决": Outcome.RESOLVED, "未解决": Outcome.UNRESOLVED}
SATISFACTION_BY_LABEL = {"满意": Satisfaction.SATISFIED, "基本满意": Satisfaction.BASIC}
SATISFACTION_BY_LABEL |= {"不满意": Satisfaction.UNSATISFIED}
YES = frozenset({"是", "紧急", "1", "y", "yes", "true"})
NO = frozenset({"", "否", "不紧急", "一般", "0", "n", "no", "false"})
STEPS = ("受理时间", "派单时间", "签收时间", "首次联系时间", "办结时间", "回访时间", "归档时间")
NEEDS = {"签收时间": "派单时间", "首次联系时间": "签收时间", "办结时间": "签收时间", "回访时间": "办结时间"}
NEEDS |= {"归档时间": "办结时间"}
STATE_OF_STEP = {
    "派单时间": DemandState.DISPATCHED,
    "签收时间": DemandState.SIGNED,
    "首次联系时间": DemandState.RESPONDED,
    "办结时间": DemandState.FINISHED,
    "回访时间": DemandState.CALLED_BACK,
    "归档时间": DemandState.ARCHIVED,
}
STEP_CELLS: tuple[tuple[str, int], ...] = (("派单时间", 16), ("签收时间", 17), ("首次联系时间", 18), ("办结时间", 19))
STEP_CELLS += (("回访时间", 22), ("归档时间", 24))
LOOSE_TIME = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.(\d{1,6}))?)?\s*秒?)?$"
)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
CLOCK_SKEW = dt.timedelta(minutes=10)
SIX_PLACES = Decimal("0.000001")
CODE_TABLE = bytes(ord(TRACKING_ALPHABET[b % len(TRACKING_ALPHABET)]) for b in range(256))
CODE_LENGTH = 10
MISSING = 10**9  # the index of a column the file does not have: it reads as empty


def text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        value = value.strip()
        return restore(value).strip() if value[:1] == QUOTE else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_time(value: Any, zone: dt.tzinfo) -> dt.datetime | None:
    """An aware moment from a cell: an Excel date, an Excel serial number or text; None if unreadable."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        converted = from_excel(value) if 1 <= value < 2958466 else None
        if not isinstance(converted, dt.datetime):
            return None
        moment = converted
    else:
        found = _time_from_text(text(value))
        if found is None:
            return None
        moment = found
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _time_from_text(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        pass
    match = LOOSE_TIME.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        return dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:
        return None


class Lookups:
    """Every name and code a row may use, read once: channels, categories with their limits, units, companies."""

    def __init__(self) -> None:
        self.channels: dict[str, int] = {}
        for pk, code, name in DemandChannel.objects.values_list("pk", "code", "name"):
            self.channels[code] = self.channels[name] = pk
        self._categories()
        self.units = {code: (pk, path) for code, pk, path in Unit.objects.values_list("code", "pk", "path")}
        self._companies()

    def _categories(self) -> None:
        nodes = {c.pk: c for c in Category.objects.all()}
        for node in nodes.values():
            node.parent = nodes.get(node.parent_id) if node.parent_id else None
        self.limits = {pk: timers.limits_for(node) for pk, node in nodes.items()}
        self.categories: dict[str, int | None] = {}
        for pk, node in nodes.items():
            names: list[str] = []
            walker: Category | None = node
            while walker is not None:
                names.insert(0, walker.name)
                walker = walker.parent
            self.categories["/".join(names)] = pk
        for pk, node in nodes.items():
            if "/" in node.name or (node.name in self.categories and self.categories[node.name] != pk):
                continue
            short = [p for p, n in nodes.items() if n.name == node.name]
            self.categories[node.name] = pk if len(short) == 1 else None

    def _companies(self) -> None:
        self.companies: dict[str, int | None] = {}
        for pk, code, name in Company.objects.values_list("pk", "credit_code", "name"):
            self.companies[code.upper()] = pk
            self.companies[name] = None if name in self.companies else pk
        self.projects: dict[tuple[int, str], int] = {}
        self.project_names: dict[str, tuple[int, int] | None] = {}
        for pk, company_id, name in Project.objects.values_list("pk", "company_id", "name"):
            self.projects[(company_id, name)] = pk
            self.project_names[name] = None if name in self.project_names else (pk, company_id)


class RowChecker:
    """Checks rows one by one; each call returns the staged values of one ticket (see ``imports_store``)."""

    def __init__(self, actor: Any, positions: dict[str, int], errors: ErrorList):
        self.actor, self.errors = actor, errors
        self.index = [positions.get(h, MISSING) for h in HEADERS]
        self.rows = self.valid = self.examples = 0
        self.zone = timezone.get_current_timezone()
        self.rollup_zone = rollups.local_zone()
        self.latest = timezone.now() + CLOCK_SKEW
        self.calendar = timers.Calendar()
        self.days: dict[tuple[dt.date, int], tuple[dt.date, bool]] = {}
        self.look = Lookups()
        tops = importer_tops(actor)
        self.tops = [(p, pk) for p, pk in Unit.objects.filter(path__in=tops).values_list("path", "pk")]
        self.tops.sort(key=lambda t: (len(t[0]), t[0]))
        self.intake_path, self.intake_id = self.tops[0]
        self.unit_cache: dict[str, tuple[int, str, int] | str] = {}
        self.codes = b""
        self.texts: list[str] = []

    # --- small helpers ---------------------------------------------------------------------------

    def fail(self, row: int, column: str, message: str) -> None:
        position = HEADER_POSITION.get(column)
        held = self.texts[position] if position is not None and column not in PERSONAL_COLUMNS else ""
        self.errors.add(row, column, message, shown_value(held, message))

    def tracking_code(self) -> str:
        if len(self.codes) < CODE_LENGTH:
            self.codes = secrets.token_bytes(CODE_LENGTH * 4096).translate(CODE_TABLE)
        code, self.codes = self.codes[:CODE_LENGTH], self.codes[CODE_LENGTH:]
        return code.decode()

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """``timers.add_working_days``, with the target day remembered per (start day, days)."""
        local = start if start.tzinfo is self.zone else start.astimezone(self.zone)
        key = (local.date(), days)
        found = self.days.get(key)
        if found is None:
            midnight = dt.datetime.combine(key[0], dt.time(), self.zone)
            found = (timers.add_working_days(midnight, days, self.calendar).date(), self.calendar.is_workday(key[0]))
            self.days[key] = found
        target, workday = found
        if not workday:
            return dt.datetime.combine(target, dt.time(), self.zone)
        return local.replace(year=target.year, month=target.month, day=target.day)

    # --- one row ---------------------------------------------------------------------------------

    def check(self, row: int, values: Sequence[Any]) -> tuple[Any, ...] | None:
        n = len(values)
        cells = [values[i] if i < n else None for i in self.index]
        if not any(cells):
            return None
        texts = self.texts = [c.strip() if type(c) is str else text(c) for c in cells]
        if not any(texts):
            return None
        number = texts[0]
        if number.startswith(EXAMPLE_MARK):
            self.examples += 1
            return None
        self.rows += 1
        before = self.errors.count
        ticket = self._ticket(row, number, cells, texts)
        if ticket is None or self.errors.count > before:
            return (row, False, None, None, number if 0 < len(number) <= 24 else None)
        self.valid += 1
        return ticket

    def _ticket(self, row: int, number: str, c: list[Any], t: list[str]) -> tuple[Any, ...] | None:
        self._number(row, number)
        received = self._time(row, "受理时间", c[1], t[1], required=True)
        channel_id = self._named(row, "渠道", t[2], self.look.channels)
        category_id = self._category(row, t[3])
        kind = self._choice(row, "诉求类型", t[4], KIND_BY_LABEL, required=True)
        urgent = self._urgent(row, t[5])
        title, content = self._texts(row, t[6], t[7])
        address, latitude, longitude = self._place(row, t[8], t[10], t[9])
        name, phone = self._citizen(row, t[11], t[12])
        unit = self._unit(row, t[13])
        company_id, project_id = self._company(row, t[14], t[15])
        times = self._steps(row, received, c, t)
        results = self._results(row, times, t[20], t[21], t[23])
        if received is None or channel_id is None or category_id is None or times is None or results is None:
            return None
        ticket = {
            "number": number,
            "channel_id": channel_id,
            "category_id": category_id,
            "kind": kind,
            "urgent": urgent,
            "title": title,
            "content": content,
            "address": address,
            "latitude": latitude,
            "longitude": longitude,
        }
        ticket.update(self._personal(name, phone))
        ticket.update(self._handling(unit, company_id, project_id))
        ticket.update(self._lifecycle(category_id, kind, urgent, times, results))
        return self._staged(row, received, ticket)

    # --- single fields ---------------------------------------------------------------------------

    def _number(self, row: int, number: str) -> None:
        if not number:
            self.fail(row, "工单编号", _("工单编号不能为空。"))
        elif len(number) > 24 or len(number.split()) != 1:
            self.fail(
                row, "工单编号", _("工单编号「{number}」应为不超过 24 个字符且不含空格。").format(number=number[:40])
            )

    def _time(self, row: int, column: str, value: Any, value_text: str, required: bool = False) -> dt.datetime | None:
        if not value_text:
            if required:
                self.fail(row, column, _("{column}不能为空。").format(column=column))
            return None
        moment = self._parse(value, value_text)
        if moment is None:
            self.fail(
                row,
                column,
                _("「{value}」不是有效时间，请写成 2026-03-01 08:30:00 这样的格式。").format(value=value_text[:40]),
            )
        elif moment > self.latest:
            self.fail(row, column, _("{column}晚于当前时间。").format(column=column))
        elif moment < EARLIEST:
            self.fail(row, column, _("{column}早于 2000 年，请检查。").format(column=column))
        else:
            return moment
        return None

    def _parse(self, value: Any, value_text: str) -> dt.datetime | None:
        """``parse_time``, with the usual text cell read by ``fromisoformat`` straight away."""
        if type(value) is str:
            try:
                moment = dt.datetime.fromisoformat(value_text)
            except ValueError:
                return parse_time(value_text, self.zone)
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.zone)
        return parse_time(value, self.zone)

    def _named(self, row: int, column: str, value: str, options: dict[str, int]) -> int | None:
        if not value:
            self.fail(row, column, _("{column}不能为空。").format(column=column))
            return None
        found = options.get(value)
        if found is None:
            self.fail(row, column, _("没有名称或代码为「{value}」的{column}。").format(value=value[:40], column=column))
        return found

    def _category(self, row: int, value: str) -> int | None:
        if not value:
            self.fail(row, "诉求类别", _("诉求类别不能为空。"))
            return None
        key = "/".join(part.strip() for part in value.replace("／", "/").split("/"))
        if key not in self.look.categories:
            self.fail(row, "诉求类别", _("没有名为「{value}」的诉求类别。").format(value=value[:60]))
            return None
        found = self.look.categories[key]
        if found is None:
            message = _("有多个名为「{value}」的诉求类别，请写出上级分类，如 物业管理/物业服务。")
            self.fail(row, "诉求类别", message.format(value=value[:60]))
        return found

    def _choice(self, row: int, column: str, value: str, options: Mapping[str, str], required: bool = False) -> str:
        if not value:
            if required:
                self.fail(row, column, _("{column}不能为空。").format(column=column))
            return ""
        found = options.get(value) or (value if value in options.values() else "")
        if not found:
            message = _("「{value}」不是有效的{column}，可选：{options}。")
            self.fail(row, column, message.format(value=value[:40], column=column, options=_("、").join(options)))
        return found

    def _urgent(self, row: int, value: str) -> bool:
        lowered = value.lower()
        if lowered in NO:
            return False
        if lowered not in YES:
            self.fail(row, "是否紧急", _("「{value}」应为“是”或“否”。").format(value=value[:20]))
        return True

    def _texts(self, row: int, title: str, content: str) -> tuple[str, str]:
        if not content:
            self.fail(row, "诉求内容", _("诉求内容不能为空。"))
        elif len(content) > 5000:
            self.fail(row, "诉求内容", _("诉求内容有 {length} 字，不能超过 5000 字。").format(length=len(content)))
        if len(title) > 200:
            self.fail(row, "诉求标题", _("诉求标题不能超过 200 字。"))
        first_line = next((line.strip() for line in content.splitlines() if line.strip()), "")
        return title or first_line[:60], content

    def _place(self, row: int, address: str, latitude: str, longitude: str) -> tuple[str, Any, Any]:
        if len(address) > 200:
            self.fail(row, "地址", _("地址不能超过 200 字。"))
        if not latitude and not longitude:
            return address, None, None
        if not latitude or not longitude:
            self.fail(row, "纬度" if not latitude else "经度", _("经度和纬度须同时填写。"))
            return address, None, None
        lat = self._degrees(row, "纬度", latitude, 90)
        lon = self._degrees(row, "经度", longitude, 180)
        return address, lat, lon

    def _degrees(self, row: int, column: str, value: str, limit: int) -> Decimal | None:
        try:
            degrees = Decimal(value).quantize(SIX_PLACES)
        except (InvalidOperation, ValueError):
            degrees = None
        if degrees is None or not degrees.is_finite():
            self.fail(row, column, _("「{value}」不是有效的{column}。").format(value=value[:20], column=column))
            return None
        if not -limit <= degrees <= limit:
            self.fail(row, column, _("{column}应在 -{limit} 至 {limit} 之间。").format(column=column, limit=limit))
            return None
        return degrees

    def _citizen(self, row: int, name: str, phone: str) -> tuple[str, str]:
        if len(name) > 40:
            self.fail(row, "联系人", _("群众姓名不能超过 40 个字。"))
        if phone and not PHONE.match(phone):
            self.fail(row, "联系电话", _("联系电话「{phone}」格式不对。").format(phone=crypto.mask_phone(phone)))
        return name, phone

    def _unit(self, row: int, code: str) -> tuple[int, str, int] | None:
        if not code:
            return None
        found = self.unit_cache.get(code)
        if found is None:
            found = self._find_unit(code)
            self.unit_cache[code] = found
        if isinstance(found, str):
            self.fail(row, "承办单位编码", found)
            return None
        return found

    def _find_unit(self, code: str) -> tuple[int, str, int] | str:
        unit = self.look.units.get(code)
        if unit is None:
            return _("找不到编码为「{code}」的单位。").format(code=code[:40])
        pk, path = unit
        top = next((t for t in self.tops if paths.is_within(path, t[0])), None)
        if top is None:
            return _("单位「{code}」不在您可受理、派单的范围内。").format(code=code)
        return pk, path, top[1]

    def _company(self, row: int, company: str, project: str) -> tuple[int | None, int | None]:
        company_id = None
        if company:
            company_id = self.look.companies.get(company.upper(), self.look.companies.get(company, 0))
            if company_id == 0:
                self.fail(
                    row, "物业企业", _("找不到统一社会信用代码或名称为「{value}」的企业。").format(value=company[:60])
                )
            elif company_id is None:
                self.fail(
                    row, "物业企业", _("有多家名为「{value}」的企业，请填写统一社会信用代码。").format(value=company)
                )
            if not company_id:
                return None, None
        if not project:
            return company_id, None
        return self._project(row, company_id, project)

    def _project(self, row: int, company_id: int | None, project: str) -> tuple[int | None, int | None]:
        if company_id is not None:
            found = self.look.projects.get((company_id, project))
            if found is None:
                self.fail(row, "项目（小区）", _("该企业没有名为「{value}」的项目。").format(value=project[:60]))
            return company_id, found
        if project not in self.look.project_names:
            self.fail(row, "项目（小区）", _("找不到名为「{value}」的项目。").format(value=project[:60]))
            return None, None
        named = self.look.project_names[project]
        if named is None:
            self.fail(row, "项目（小区）", _("有多个名为「{value}」的项目，请同时填写物业企业。").format(value=project))
            return None, None
        return named[1], named[0]

    # --- the steps -------------------------------------------------------------------------------

    def _steps(self, row: int, received: dt.datetime | None, c: list[Any], t: list[str]) -> dict[str, Any] | None:
        """The time of each filled step, checked for order and gaps; None if any is wrong."""
        before = self.errors.count
        has_unit = bool(t[13])
        times: dict[str, Any] = {"受理时间": received}
        filled = set()
        for column, index in STEP_CELLS:
            times[column] = self._time(row, column, c[index], t[index]) if t[index] else None
            if t[index]:
                filled.add(column)
        for column, needed in NEEDS.items():
            if column in filled and needed not in filled:
                self.fail(row, column, _("已填写{column}，但{needed}为空。").format(column=column, needed=needed))
        if has_unit != ("派单时间" in filled):
            if has_unit:
                self.fail(row, "派单时间", _("已填写承办单位编码，派单时间不能为空。"))
            else:
                self.fail(row, "承办单位编码", _("已派单的工单须填写承办单位编码。"))
        if self.errors.count > before:
            return None
        self._order(row, times)
        return times if self.errors.count == before else None

    def _order(self, row: int, times: dict[str, Any]) -> None:
        previous: tuple[str, dt.datetime] | None = None
        for column in STEPS:
            moment = times.get(column)
            if moment is None:
                continue
            if previous is not None and moment < previous[1]:
                message = _("{column} {time} 早于{previous} {previous_time}，步骤顺序不对。").format(
                    column=column,
                    time=f"{timezone.localtime(moment, self.zone):%Y-%m-%d %H:%M}",
                    previous=previous[0],
                    previous_time=f"{timezone.localtime(previous[1], self.zone):%Y-%m-%d %H:%M}",
                )
                self.fail(row, column, message)
            previous = (column, moment)

    def _results(
        self, row: int, times: dict[str, Any] | None, outcome: str, explanation: str, satisfaction: str
    ) -> tuple[str, str, str] | None:
        before = self.errors.count
        finished = bool(times and times["办结时间"])
        called_back = bool(times and times["回访时间"])
        outcome_code = self._choice(row, "办理结果", outcome, OUTCOME_BY_LABEL)
        satisfaction_code = self._choice(row, "满意度", satisfaction, SATISFACTION_BY_LABEL)
        pairs = (
            ("办理结果", outcome, finished, "办结时间"),
            ("办结说明", explanation, finished, "办结时间"),
            ("满意度", satisfaction, called_back, "回访时间"),
        )
        for column, value, step_done, step in pairs:
            if times is not None and step_done and not value:
                self.fail(row, column, _("已填写{step}，{column}不能为空。").format(step=step, column=column))
            elif times is not None and value and not step_done:
                self.fail(row, column, _("未填写{step}，不能填写{column}。").format(step=step, column=column))
        if self.errors.count > before:
            return None
        return outcome_code, explanation, satisfaction_code

    # --- the ticket's values ---------------------------------------------------------------------

    def _personal(self, name: str, phone: str) -> dict[str, str]:
        return {
            "citizen_name_enc": crypto.encrypt(name),
            "citizen_phone_enc": crypto.encrypt(phone),
            "citizen_phone_index": crypto.blind_index(phone) if phone else "",
            "citizen_phone_masked": crypto.mask_phone(phone),
        }

    def _handling(
        self, unit: tuple[int, str, int] | None, company_id: int | None, project_id: int | None
    ) -> dict[str, Any]:
        if unit is None:
            held_by: dict[str, Any] = {"dispatcher_unit_id": self.intake_id, "handling_unit_id": None}
            held_by |= {"org_path": self.intake_path, "unit_hops": 0}
        else:
            pk, path, dispatcher_id = unit
            held_by = {"dispatcher_unit_id": dispatcher_id, "handling_unit_id": pk, "org_path": path, "unit_hops": 1}
        return {**held_by, "company_id": company_id, "project_id": project_id}

    def _lifecycle(
        self, category_id: int, kind: str, urgent: bool, times: dict[str, Any], results: tuple[str, str, str]
    ) -> dict[str, Any]:
        """State, timestamps, time limits and on-time judgements, as the services would have set them."""
        state = DemandState.RECEIVED
        for column, step_state in STATE_OF_STEP.items():
            if times[column] is not None:
                state = step_state
        dispatched, finished = times["派单时间"], times["办结时间"]
        responded = times["首次联系时间"] or finished
        limits = self.look.limits[category_id]
        values: dict[str, Any] = {"state": state, "received_at": times["受理时间"], "dispatched_at": dispatched}
        values |= {"signed_at": times["签收时间"], "responded_at": responded, "finished_at": finished}
        values |= {"called_back_at": times["回访时间"], "archived_at": times["归档时间"]}
        values |= dict.fromkeys(("sign_due", "respond_due", "resolve_due", "callback_due"))
        values |= {"responded_on_time": None, "finished_on_time": None}
        if dispatched is not None:
            values["sign_due"] = dispatched + dt.timedelta(hours=limits.sign_hours)
            values["respond_due"] = dispatched + dt.timedelta(hours=limits.contact(urgent))
            values["resolve_due"] = self.add_working_days(dispatched, limits.resolve(kind))
        if responded is not None:
            values["responded_on_time"] = responded <= values["respond_due"]
        if finished is not None:
            values["finished_on_time"] = finished <= values["resolve_due"]
            values["callback_due"] = self.add_working_days(finished, limits.callback_days)
        outcome, explanation, satisfaction = results
        return {**values, "outcome": outcome, "explanation": explanation, "satisfaction": satisfaction}

    def _staged(self, row: int, received: dt.datetime, ticket: dict[str, Any]) -> tuple[Any, ...]:
        ticket["tracking_code"] = self.tracking_code()
        day = received.astimezone(self.rollup_zone).date()
        return (row, True, day, day.replace(day=1), *map(ticket.__getitem__, TICKET_COLUMNS))
