"""The demo's year of citizen demands: counts, the spread of states, personal data, rollups and the black list."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from fractions import Fraction
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from luoshi.audit.services import verify_chain
from luoshi.core import crypto
from luoshi.demands import rates, rollups
from luoshi.demands.choices import DemandEventKind, DemandState
from luoshi.demands.models import Company, Demand, DemandEvent, DemandExtension, DemandRollup, Project
from luoshi.demo.demand_summary import last_month
from luoshi.demo.demand_texts import DISLIKED, POOR, SLOW
from luoshi.demo.demands import PROFILES, Quality
from luoshi.orgs.models import Unit
from luoshi.testing.twofactor import verified_login

# the module builds one demo: its tests share a worker (``--dist loadgroup``) so it is built once
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_demands")]

UNITS, DEMANDS = 150, 3000


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """One build shared by this module's tests (each runs in its own savepoint), rolled back at the end."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--units", str(UNITS), "--seed", "11", "--demands", str(DEMANDS), stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def states() -> dict[str, int]:
    return dict(Demand.objects.order_by().values_list("state").annotate(n=Count("id")))


def test_a_year_of_tickets_up_to_now_numbered_like_the_services(demo: str) -> None:
    assert Demand.objects.count() == DEMANDS
    assert f"诉求工单 {DEMANDS} 件" in demo
    now = timezone.now()
    oldest = Demand.objects.order_by("received_at").first()
    newest = Demand.objects.order_by("-received_at").first()
    assert oldest is not None
    assert newest is not None
    assert now - dt.timedelta(days=366) < oldest.received_at < now - dt.timedelta(days=330)
    assert now - dt.timedelta(days=3) < newest.received_at <= now
    months = {d.strftime("%Y-%m") for d in Demand.objects.values_list("received_at", flat=True)}
    assert len(months) >= 12
    for d in Demand.objects.order_by("?")[:50]:
        assert d.number == f"{timezone.localtime(d.received_at):%Y%m%d}{d.pk:08d}"
    assert Demand.objects.values("tracking_code").distinct().count() == DEMANDS


def test_channels_categories_units_and_property_companies_are_all_used(demo: str) -> None:
    assert Demand.objects.values("channel").distinct().count() == 6
    assert Demand.objects.values("category__parent").distinct().count() >= 9
    handled = Unit.objects.filter(pk__in=Demand.objects.values("handling_unit"))
    assert {"县市区", "功能区", "乡镇街道", "市直部门"} <= set(handled.values_list("kind__name", flat=True))
    assert Company.objects.count() == 12
    assert Project.objects.count() >= 36
    with_project = Demand.objects.exclude(project=None)
    assert with_project.count() > DEMANDS // 5
    assert all(d.project and d.company_id == d.project.company_id for d in with_project.select_related("project")[:100])
    assert not Demand.objects.filter(project=None, category__parent__name="物业管理").exists()
    sample = Demand.objects.filter(project__isnull=False).select_related("project").first()
    assert sample is not None
    assert sample.project is not None
    assert sample.project.name in sample.address


def test_most_are_finished_and_rated_some_open_late_escalated_returned_extended_redone(demo: str) -> None:
    found = states()
    assert set(found) == set(DemandState.values)
    done = found[DemandState.ARCHIVED] + found[DemandState.CALLED_BACK]
    assert done > 0.85 * DEMANDS
    assert Demand.objects.exclude(satisfaction="").count() > 0.8 * DEMANDS
    assert Demand.objects.filter(satisfaction="", state=DemandState.ARCHIVED).exists()
    open_late = Demand.objects.filter(state=DemandState.RESPONDED, resolve_due__lt=timezone.now())
    assert open_late.exists()
    assert all(d.escalated and d.finished_on_time is False for d in open_late)
    assert Demand.objects.filter(escalated=True, state=DemandState.ARCHIVED, finished_on_time=False).exists()
    assert Demand.objects.filter(unit_hops=2).exists()
    assert (
        DemandEvent.objects.filter(kind=DemandEventKind.RETURNED).count() == Demand.objects.filter(unit_hops=2).count()
    )
    assert DemandExtension.objects.filter(state="approved").exists()
    assert DemandExtension.objects.filter(state="pending", demand__state=DemandState.RESPONDED).exists()
    assert Demand.objects.filter(redo_count=1).exists()
    assert Demand.objects.filter(responded_on_time=False).exists()
    assert not Demand.objects.filter(satisfaction__gt="", outcome="").exists()


def test_timelines_follow_the_lifecycle_in_order(demo: str) -> None:
    archived = Demand.objects.filter(state=DemandState.ARCHIVED, redo_count=0, unit_hops=1).first()
    assert archived is not None
    kinds = list(archived.events.order_by("at", "id").values_list("kind", flat=True))
    expected = ["received", "dispatched", "signed", "responded", "finished"]
    assert [k for k in kinds if k in expected] == expected
    assert kinds[-1] == DemandEventKind.ARCHIVED
    times = list(archived.events.order_by("id").values_list("at", flat=True))
    assert times == sorted(times)
    assert archived.received_at <= archived.dispatched_at <= archived.signed_at <= archived.finished_at  # type: ignore[operator]
    assert not DemandEvent.objects.filter(at__gt=timezone.now()).exists()


def test_personal_data_is_encrypted_fictional_and_masked(demo: str) -> None:
    # Some demo citizens give no name (as on a real hotline): take one who gave both.
    demand = Demand.objects.exclude(citizen_phone_enc="").exclude(citizen_name_enc="").order_by("pk").first()
    assert demand is not None
    phone = crypto.decrypt(demand.citizen_phone_enc)
    assert re.fullmatch(r"1380000\d{4}", phone)
    assert demand.citizen_phone_masked == crypto.mask_phone(phone)
    assert demand.citizen_phone_index == crypto.blind_index(phone)
    assert phone not in demand.citizen_phone_enc
    assert crypto.decrypt(demand.citizen_name_enc)
    assert verify_chain() is None


def test_rollups_equal_a_recomputation_from_raw_tickets(demo: str) -> None:
    def key(row: Any) -> tuple[Any, ...]:
        return (
            row.day,
            row.unit_id,
            row.category_id,
            row.company_key,
            row.project_key,
            row.org_path,
            *tuple(getattr(row, name) for name in rollups.COUNTS),
        )

    assert sorted(map(key, DemandRollup.objects.all())) == sorted(map(key, rollups.recomputed_rows()))


def test_last_months_black_list_names_companies_under_each_threshold(demo: str) -> None:
    period = last_month(timezone.localdate())
    city = Unit.objects.get(parent=None)
    listed = rates.red_black("companies", city, period)
    black = [r for r in listed if r.status == rates.BLACK]
    fallen = {f.rate for r in black for f in r.failures}
    assert fallen == set(rates.RATE_NAMES)
    assert "黑榜企业" in demo
    client = Client()
    verified_login(client, Unit.objects.get(parent=None).assignments.get(user__username="demo_office").user)
    page = client.get(reverse("demand_rates:lists"), {"kind": "companies", "month": period.key})
    text = page.content.decode()
    assert "物业管理有限公司" in text or "物业服务有限公司" in text
    assert re.search(r"响应及时率 \d+\.\d% &lt; 95\.0%", text)
    assert re.search(r"问题解决率 \d+\.\d% &lt; 80\.0%", text)
    assert re.search(r"群众满意率 \d+\.\d% &lt; 80\.0%", text)


def test_the_ranking_of_districts_for_last_month_has_figures(demo: str) -> None:
    city = Unit.objects.get(parent=None)
    rows = rates.ranking(city, last_month(timezone.localdate()))
    scored = [r for r in rows if r.score is not None]
    assert len(scored) >= 12
    assert len({r.score for r in scored}) > 5
    # the three lowest are named, with every unit tied with the third (the tickets' dates follow the clock)
    scores = {r.entity.pk: r.score for r in rows if r.score is not None}
    third = sorted(scores.values())[2]
    assert {r.entity.pk for r in rows if r.lowest} == {pk for pk, score in scores.items() if score <= third}


@pytest.mark.parametrize("shares", [PROFILES[DISLIKED], PROFILES[SLOW], PROFILES[POOR], (0.1, 0.25, 0.07)])
def test_failures_follow_the_profile_within_every_month(shares: tuple[float, float, float]) -> None:
    quality = Quality(*shares)
    for n in range(1, 60):
        month = dt.date(2000 + n, 1, 1)
        for which, share in enumerate(shares):
            failed = sum(quality.fails(which, month) for _ in range(n))
            assert failed == int(Fraction(1, 2) + n * Fraction(str(share))), (shares, which, n)
