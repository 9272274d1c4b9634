"""The ranking pages as each role uses them: schemes, preview and publish, the ranking page and its export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.orgs.services import create_unit
from luoshi.rankings import queries, services
from luoshi.rankings.models import Ranking, RankingScheme
from luoshi.rankings.tests.helpers import closed_at, district_scheme, open_at, streets, this_month, two_months
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def weights_form(**weights: Any) -> dict[str, Any]:
    data = {f"weight_{k}": "0" for k in ("closure_rate", "on_time_rate", "task_progress", "demand_score")}
    data.update({f"weight_{k}": str(v) for k, v in weights.items()})
    return data


def test_the_nav_links_to_the_rankings(world: World) -> None:
    body = text(as_user(world.liaison_a).get(reverse("rankings:list")))
    assert "晾晒排名" in body
    assert reverse("rankings:list") in body


def test_the_office_creates_a_scheme_and_bad_weights_are_explained(world: World) -> None:
    client = as_user(world.office_a)
    url = reverse("rankings:scheme_new") + f"?campaign={world.campaign.pk}"
    form = {"name": "街道晾晒", "unit": world.district_a.pk, "mode": "children", "cycle": "monthly", "highlight": "2"}
    page = client.post(url, {**form, **weights_form(closure_rate=50, task_progress=30)})
    assert page.status_code == 200
    assert "权重之和须为 100，现为 80" in text(page)
    assert not RankingScheme.objects.exists()
    page = client.post(url, {**form, **weights_form(closure_rate=50, task_progress=50)})
    assert page.status_code == 302
    scheme = RankingScheme.objects.get()
    assert scheme.weights["task_progress"] == 50
    assert scheme.highlight == 2
    listing = text(client.get(reverse("rankings:schemes"), {"campaign": world.campaign.pk}))
    assert "街道晾晒" in listing
    assert reverse("rankings:preview", args=[scheme.pk]) in listing


def test_a_liaison_may_not_create_or_edit_schemes(world: World) -> None:
    scheme = district_scheme(world)
    client = as_user(world.liaison_a)
    assert client.get(reverse("rankings:scheme_new"), {"campaign": world.campaign.pk}).status_code == 403
    assert client.get(reverse("rankings:scheme_edit", args=[scheme.pk])).status_code == 403


def test_editing_a_scheme(world: World) -> None:
    scheme = district_scheme(world)
    client = as_user(world.office_a)
    url = reverse("rankings:scheme_edit", args=[scheme.pk])
    assert "东城街道晾晒" in text(client.get(url))
    form = {"name": "改名晾晒", "unit": world.district_a.pk, "mode": "children", "cycle": "monthly", "highlight": "3"}
    page = client.post(url, {**form, "version": "1", **weights_form(on_time_rate=100)})
    assert page.status_code == 302
    scheme.refresh_from_db()
    assert scheme.name == "改名晾晒"
    assert scheme.weights["on_time_rate"] == 100


def test_preview_shows_a_draft_to_the_office_only_then_publish(world: World) -> None:
    s1, s2 = streets(world, 2)
    closed_at(world, s1)
    open_at(world, s2)
    scheme = district_scheme(world)
    office = as_user(world.office_a)
    url = reverse("rankings:preview", args=[scheme.pk])
    page = office.get(url, {"period": this_month().key})
    body = text(page)
    assert page.status_code == 200
    assert "草稿" in body
    assert "东城第2街道" in body
    draft = queries.draft(scheme, this_month())
    assert draft.hash in body
    assert as_user(world.liaison_a).get(url, {"period": this_month().key}).status_code == 403
    assert as_user(world.office_b).get(url, {"period": this_month().key}).status_code == 404
    assert not Ranking.objects.exists()
    done = office.post(
        reverse("rankings:publish", args=[scheme.pk]), {"period": this_month().key, "expected": draft.hash}
    )
    ranking = Ranking.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("rankings:detail", args=[ranking.pk])


def test_publishing_stale_data_sends_the_office_back_to_the_preview(world: World) -> None:
    s1, _s2 = streets(world, 2)
    scheme = district_scheme(world)
    seen = queries.draft(scheme, this_month()).hash
    closed_at(world, s1)
    office = as_user(world.office_a)
    page = office.post(
        reverse("rankings:publish", args=[scheme.pk]), {"period": this_month().key, "expected": seen}, follow=True
    )
    assert "预览后数据已有变化" in text(page)
    assert not Ranking.objects.exists()


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("rankings:list", {"campaign": "abc"}),
        ("rankings:list", {"campaign": "1" * 30}),
        ("rankings:schemes", {"campaign": "-1"}),
        ("rankings:scheme_new", {"campaign": "1e5"}),
    ],
)
def test_bad_numbers_in_query_strings_are_400(world: World, name: str, query: dict[str, str]) -> None:
    assert as_user(world.office_a).get(reverse(name), query).status_code == 400


def test_bad_periods_and_ids_on_the_preview_are_400(world: World) -> None:
    scheme = district_scheme(world)
    office = as_user(world.office_a)
    url = reverse("rankings:preview", args=[scheme.pk])
    assert office.get(url, {"period": "2026-13"}).status_code == 400
    assert office.get(url, {"period": "W45"}).status_code == 400
    assert office.get(url, {"supersedes": "abc"}).status_code == 400
    publish = reverse("rankings:publish", args=[scheme.pk])
    assert office.post(publish, {"period": "99999-1"}).status_code == 400
    assert not Ranking.objects.exists()


def test_the_ranking_page_shows_the_table_hash_changes_bands_and_flag(world: World) -> None:
    _first, second, (_s1, _s2, _s3) = two_months(world)
    page = as_user(world.liaison_a).get(reverse("rankings:detail", args=[second.pk]))
    body = text(page)
    assert page.status_code == 200
    assert second.content_hash in body
    assert "校验一致" in body
    assert "连续两期末位" in body
    assert "↑1" in body
    assert "红榜" in body
    assert "黑榜" in body
    assert "chart-score" in body
    assert "某项指标无数据的单位，该项不计入其权重" in body
    listing = text(as_user(world.liaison_a).get(reverse("rankings:list"), {"campaign": world.campaign.pk}))
    assert reverse("rankings:detail", args=[second.pk]) in listing


def test_a_correction_from_the_ranking_page_keeps_both(world: World) -> None:
    streets(world, 2)
    scheme = district_scheme(world)
    first = services.publish(world.office_a, scheme, period=this_month())
    office = as_user(world.office_a)
    page = text(office.get(reverse("rankings:detail", args=[first.pk])))
    correct = reverse("rankings:preview", args=[scheme.pk]) + f"?supersedes={first.pk}"
    assert correct.replace("&", "&amp;") in page or correct in page
    assert "更正理由" in text(office.get(correct))
    publish = reverse("rankings:publish", args=[scheme.pk])
    office.post(publish, {"period": this_month().key, "supersedes": first.pk, "reason": ""}, follow=True)
    assert Ranking.objects.count() == 1
    office.post(publish, {"period": this_month().key, "supersedes": first.pk, "reason": "漏报数据"})
    assert Ranking.objects.count() == 2
    fixed = Ranking.objects.exclude(pk=first.pk).get()
    assert "漏报数据" in text(office.get(reverse("rankings:detail", args=[first.pk])))
    assert fixed.supersedes == first


def test_the_export_is_the_published_ranking_with_text_neutralised_and_audited(world: World) -> None:
    hostile = create_unit(None, name="=HYPERLINK(1)", code="S009", kind=world.street_a.kind, parent=world.district_a)
    closed_at(world, hostile)
    open_at(world, world.street_a)
    ranking = services.publish(world.office_a, district_scheme(world, highlight=1), period=this_month())
    response = as_user(world.office_a).get(reverse("rankings:export", args=[ranking.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    cells = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert cells[0][:3] == ["排名", "单位", "整改销号率"]
    assert cells[1][:4] == [1, "'=HYPERLINK(1)", 100, 100]
    assert cells[2][0] == 2
    assert cells[2][-2] == "黑榜"
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="rankings.ranking").exists()


def test_a_ranked_district_reads_the_city_ranking_but_a_unit_outside_reads_nothing(world: World) -> None:
    from luoshi.rankings.tests.helpers import city_scheme

    city = services.publish(world.office_city, city_scheme(world), period=this_month())
    mine = services.publish(world.office_a, district_scheme(world), period=this_month())
    assert as_user(world.liaison_b).get(reverse("rankings:detail", args=[city.pk])).status_code == 200
    assert as_user(world.liaison_b).get(reverse("rankings:detail", args=[mine.pk])).status_code == 404
    assert as_user(world.liaison_a).get(reverse("rankings:detail", args=[mine.pk])).status_code == 200
    assert as_user(world.secadmin).get(reverse("rankings:detail", args=[city.pk])).status_code == 404
