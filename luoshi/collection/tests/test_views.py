"""The collection pages, as the office and the units' liaisons use them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.collection import services
from luoshi.collection.choices import State
from luoshi.collection.models import CollectionRound, CollectionTemplate, Submission
from luoshi.collection.tests.factory import FIELDS, GOOD, fresh, in_state, make_template, open_round, submission
from luoshi.orgs.models import UnitKind
from luoshi.tasks.tests.factory import streets
from luoshi.testing.problems import png
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
FIELD_LINES = (
    "found | 本周新排查问题数 | 整数 | 是 | 0\nfixed | 本周整改完成数 | 整数 | 是 | 0\npractice | 主要做法 | 文本 | 是"
)


def as_user(client: Client, user: Any) -> Client:
    verified_login(client, user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def test_the_office_creates_a_template_from_field_lines(client: Client, world: World) -> None:
    as_user(client, world.office_a)
    url = reverse("collection:template_new")
    assert client.get(url, {"campaign": world.campaign.pk}).status_code == 200
    data = {
        "campaign": world.campaign.pk,
        "unit": world.district_a.pk,
        "name": "每周工作调度表",
        "cycle": "weekly",
        "target_kind": UnitKind.objects.get(code="street").pk,
        "fields_text": FIELD_LINES,
        "rules_text": "fixed <= found",
    }
    response = client.post(url, data)
    template = CollectionTemplate.objects.get()
    assert response.status_code == 302
    assert [f["key"] for f in template.fields] == ["found", "fixed", "practice"]
    assert template.rules == [{"kind": "lte", "left": "fixed", "right": "found"}]
    bad = client.post(url, {**data, "rules_text": "fixed <= nothing"})
    assert "不存在的字段" in text(bad)
    assert client.post(url, {**data, "fields_text": "a | 甲 | 金额"}).status_code == 200
    assert CollectionTemplate.objects.count() == 1
    page = client.get(reverse("collection:templates"), {"campaign": world.campaign.pk})
    assert "每周工作调度表" in text(page)


def test_revising_a_used_template_makes_a_new_version(client: Client, world: World) -> None:
    template = make_template(world)
    open_round(world, template)
    as_user(client, world.office_a)
    url = reverse("collection:template_revise", args=[template.pk])
    page = client.get(url)
    assert "保存后将生成新版本" in text(page)
    assert "found | 本周新排查问题数 | 整数 | 是 | 0" in text(page)
    response = client.post(url, {"name": "每周调度表（新）", "cycle": "weekly", "fields_text": FIELD_LINES})
    revised = CollectionTemplate.objects.get(is_current=True)
    assert response.status_code == 302
    assert revised.number == 2
    detail = text(client.get(reverse("collection:template", args=[revised.pk])))
    assert "v2" in detail
    assert "v1" in detail
    old = client.get(url)  # the old version is no longer revised: its current one is
    assert old["Location"] == reverse("collection:template_revise", args=[revised.pk])
    as_user(client, world.liaison_a)
    assert client.get(reverse("collection:template_revise", args=[revised.pk])).status_code == 404


def test_opening_a_round_proposes_the_next_period(client: Client, world: World) -> None:
    template = make_template(world)
    as_user(client, world.office_a)
    url = reverse("collection:round_open", args=[template.pk])
    page = text(client.get(url))
    assert "年第" in page
    data = {
        "period_label": "2026年第49周",
        "period_start": "2026-11-30",
        "period_end": "2026-12-06",
        "deadline": "2026-12-07",
    }
    response = client.post(url, data)
    round_ = CollectionRound.objects.get()
    assert response["Location"] == reverse("collection:round", args=[round_.pk])
    assert Submission.objects.filter(round=round_).count() == 1
    assert "已开启过" in text(client.post(url, data))


def test_the_round_page_shows_counts_late_marks_values_and_sums(client: Client, world: World) -> None:
    extra = streets(world, 2)
    round_ = open_round(world)
    services.submit(world.liaison_a, submission(world, round_), values=GOOD)
    services.submit(world.liaison_a, submission(world, round_, extra[0]), values={**GOOD, "found": 9})
    page = text(as_user(client, world.office_a).get(reverse("collection:round", args=[round_.pk])))
    assert 'data-state="submitted">2<' in page
    assert 'data-state="pending">1<' in page
    assert "逐级汇总" in page
    assert ">14<" in page  # 5 + 9 new problems summed
    assert "入户走访" in page
    assert "催办未填报单位" in page
    assert as_user(client, world.office_b).get(reverse("collection:round", args=[round_.pk])).status_code == 404


def test_a_liaison_saves_then_submits_and_errors_name_the_field(client: Client, world: World) -> None:
    item = submission(world)
    as_user(client, world.liaison_a)
    url = reverse("collection:submission", args=[item.pk])
    assert "本周新排查问题数" in text(client.get(url))
    saved = client.post(url, {"action": "save", "version": item.version, "f_found": "4"})
    assert saved.status_code == 302
    assert fresh(item).state == State.DRAFT
    refused = client.post(url, {"action": "submit", "version": fresh(item).version, "f_found": "4", "f_fixed": "5"})
    assert "「本周整改完成数」不能大于「本周新排查问题数」" in text(refused) or "「主要做法」为必填项" in text(refused)
    assert fresh(item).state == State.DRAFT
    values = {"f_found": "4", "f_fixed": "2", "f_practice": "入户走访", "f_level": "好"}
    done = client.post(url, {"action": "submit", "version": fresh(item).version, **values})
    assert done.status_code == 302
    assert fresh(item).state == State.SUBMITTED
    assert "已报送" in text(client.get(url))
    assert client.post(url, {"action": "hack"}).status_code == 400


def test_the_office_returns_with_a_reason_then_accepts(client: Client, world: World) -> None:
    item = in_state(world, State.SUBMITTED)
    as_user(client, world.office_a)
    page = text(client.get(reverse("collection:submission", args=[item.pk])))
    assert reverse("collection:return", args=[item.pk]) in page
    url = reverse("collection:return", args=[item.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": item.version, "reason": "数据与台账不符"}).status_code == 302
    assert fresh(item).state == State.RETURNED
    as_user(client, world.liaison_a)
    assert "数据与台账不符" in text(client.get(reverse("collection:submission", args=[item.pk])))
    assert client.get(url).status_code == 403
    services.submit(world.liaison_a, fresh(item))
    as_user(client, world.office_a)
    accept = reverse("collection:accept", args=[item.pk])
    assert client.post(accept, {"version": fresh(item).version, "note": "好"}).status_code == 302
    assert fresh(item).state == State.ACCEPTED


def test_my_submissions_lists_the_open_ones_of_my_units(client: Client, world: World) -> None:
    item = submission(world)
    done = in_state(world, State.SUBMITTED)
    page = text(as_user(client, world.liaison_a).get(reverse("collection:mine")))
    assert reverse("collection:submission", args=[item.pk]) in page
    assert reverse("collection:submission", args=[done.pk]) not in page
    review = text(as_user(client, world.office_a).get(reverse("collection:mine"), {"todo": "to_review"}))
    assert reverse("collection:submission", args=[done.pk]) in review
    assert as_user(client, world.office_a).get(reverse("collection:mine"), {"unit": "0.5"}).status_code == 200


def test_bad_numbers_in_query_strings_are_never_a_server_error(client: Client, world: World) -> None:
    as_user(client, world.office_a)
    for name in ("collection:rounds", "collection:templates", "collection:template_new"):
        for bad in ("abc", "1.5", "9" * 30, "-1"):
            assert client.get(reverse(name), {"campaign": bad}).status_code in (400, 404)


def test_urging_from_the_round_page(client: Client, world: World) -> None:
    round_ = open_round(world)
    as_user(client, world.office_a)
    url = reverse("collection:round_urge", args=[round_.pk])
    assert round_.period_label in text(client.get(url))
    assert client.post(url, {"message": "请尽快报送"}).status_code == 302
    as_user(client, world.liaison_a)
    assert client.post(url, {"message": "越权"}).status_code == 403


def test_the_round_and_series_exports(client: Client, world: World) -> None:
    template = make_template(world)
    first = open_round(world, template)
    services.submit(world.liaison_a, submission(world, first), values={**GOOD, "practice": "=HYPERLINK(1)"})
    second = open_round(world, template)
    services.submit(world.liaison_a, submission(world, second), values={**GOOD, "found": 8})
    as_user(client, world.office_a)
    response = client.get(reverse("collection:round_export", args=[first.pk]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("单位编码", "单位", "本周新排查问题数")
    assert rows[1][0] == "S001"
    assert rows[1][2] == 5
    assert "'=HYPERLINK(1)" in rows[1]
    assert "已报送" in rows[1]
    series = client.get(reverse("collection:series_export", args=[template.pk]))
    book = load_workbook(io.BytesIO(series.getvalue()))
    assert book.sheetnames == ["本周新排查问题数", "本周整改完成数", "群众走访户数"]
    found = list(book["本周新排查问题数"].iter_rows(values_only=True))
    assert found[0] == ("单位编码", "单位", first.period_label, second.period_label)
    assert found[1][2:] == (5, 8)
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == 2


def _filled(rows: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "填报"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "filled.xlsx"
    return buffer


def test_the_fill_in_workbook_round_trips_and_a_wrong_row_rejects_the_file(client: Client, world: World) -> None:
    extra = streets(world, 1)[0]
    round_ = open_round(world)
    as_user(client, world.liaison_a)
    response = client.get(reverse("collection:round_fill_template", args=[round_.pk]))
    book = load_workbook(io.BytesIO(response.getvalue()))
    header = next(book["填报"].iter_rows(values_only=True))
    assert header[:4] == ("单位编码", "单位名称", "本周新排查问题数", "本周整改完成数")
    assert "字段标识" in book.sheetnames
    url = reverse("collection:round_import", args=[round_.pk])
    labels = list(header)
    good = ["S001", "东城街道", 5, 3, 10, "好", "入户走访"]
    wrong = [extra.code, extra.name, 2, 3, None, "很好", ""]
    rejected = client.post(url, {"file": _filled([labels, good, wrong]), "submit": "on"})
    page = text(rejected)
    assert "第 3 行「本周整改完成数」" in page or "第 3 行「进展评价」" in page
    assert "第 3 行「主要做法」" in page
    assert not Submission.objects.filter(round=round_).exclude(state=State.PENDING).exists()
    fixed = [extra.code, extra.name, 4, 3, None, "好", "走访"]
    done = client.post(url, {"file": _filled([labels, good, fixed]), "submit": "on"})
    assert done.status_code == 302
    states = set(Submission.objects.filter(round=round_).values_list("state", flat=True))
    assert states == {State.SUBMITTED}
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == 1


def test_a_unit_uploads_only_its_own_rows(client: Client, world: World) -> None:
    districts = UnitKind.objects.get(code="district")
    round_ = open_round(
        world,
        make_template(world, unit=world.city, actor=world.office_city, target_kind=districts),
        actor=world.office_city,
    )
    labels = ["单位编码", "单位名称", *(f["label"] for f in FIELDS)]
    row = ["D002", "西城区", 5, 3, 10, "好", "入户走访"]
    as_user(client, world.liaison_a)
    page = text(client.post(reverse("collection:round_import", args=[round_.pk]), {"file": _filled([labels, row])}))
    assert "不在本轮报送范围内" in page
    assert not Submission.objects.filter(round=round_).exclude(state=State.PENDING).exists()


def test_file_fields_are_uploaded_on_the_page_and_downloaded_audited(client: Client, world: World) -> None:
    fields = [*FIELDS, {"key": "proof", "label": "佐证", "kind": "file"}]
    item = submission(world, open_round(world, make_template(world, fields=fields)))
    as_user(client, world.liaison_a)
    url = reverse("collection:submission", args=[item.pk])
    values = {"f_found": "4", "f_fixed": "2", "f_practice": "入户走访"}
    response = client.post(url, {"action": "submit", "version": item.version, "f_proof": png("proof.png"), **values})
    assert response.status_code == 302
    stored = fresh(item).files.get()
    assert reverse("collection:file", args=[stored.pk]) in text(client.get(url))
    download = client.get(reverse("collection:file", args=[stored.pk]))
    assert download.status_code == 200
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_id=str(stored.pk)).exists()
    as_user(client, world.liaison_b)
    assert client.get(reverse("collection:file", args=[stored.pk])).status_code == 404
