"""The public side (群众端): filing, progress look-up and rating, with CSRF, validation and rate limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.core import crypto
from luoshi.demands.choices import DemandKind, DemandState, Satisfaction
from luoshi.demands.models import Category, Demand
from luoshi.demands.tests.public_helpers import CITIZEN_NAME, CITIZEN_PHONE, categories, finished, received
from luoshi.testing.scope_matrix import database_footprint
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
LIMITS = {"file": (2, 3600), "lookup": (3, 3600), "open311": (30, 3600)}


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def cats(world: World) -> dict[str, Category]:
    return categories()


def filing(chosen: Category, **kw: Any) -> dict[str, Any]:
    return {
        "kind": DemandKind.COMPLAINT,
        "category": chosen.pk,
        "title": "小区路灯不亮",
        "content": "幸福小区东门路灯已经坏了两周，晚上出行不安全。",
        "address": "东城区幸福小区东门",
        "citizen_name": CITIZEN_NAME,
        "citizen_phone": CITIZEN_PHONE,
        **kw,
    }


def test_home_and_form_are_public_phone_sized_and_without_staff_navigation(client: Client, cats: Any) -> None:
    home = client.get(reverse("public:home"))
    form = client.get(reverse("public:file"))
    assert home.status_code == 200
    assert form.status_code == 200
    page = form.content.decode()
    assert 'name="viewport"' in page
    assert "width=device-width" in page
    assert "物业管理 / 物业服务" in page
    assert "我要反映" in page
    assert 'inputmode="tel"' in page
    assert "navbar" not in page
    assert reverse("problems:list") not in page


def test_filing_a_demand_stores_it_encrypted_and_shows_number_and_code_once(client: Client, cats: Any) -> None:
    response = client.post(reverse("public:file"), filing(cats["物业服务"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:filed")
    demand = Demand.objects.get()
    assert demand.state == DemandState.RECEIVED
    assert demand.kind == DemandKind.COMPLAINT
    assert demand.channel.code == "web"
    assert demand.category == cats["物业服务"]
    assert CITIZEN_PHONE not in demand.citizen_phone_enc
    assert crypto.decrypt(demand.citizen_phone_enc) == CITIZEN_PHONE
    assert crypto.decrypt(demand.citizen_name_enc) == CITIZEN_NAME
    assert demand.citizen_phone_masked == "138****5678"
    assert AuditEvent.objects.filter(object_id=str(demand.pk)).exists()
    shown = client.get(reverse("public:filed")).content.decode()
    assert demand.number in shown
    assert demand.tracking_code in shown
    assert client.get(reverse("public:filed")).status_code == 302


def test_a_suggestion_can_be_filed(client: Client, cats: Any) -> None:
    client.post(reverse("public:file"), filing(cats["交通"], kind=DemandKind.SUGGESTION, citizen_phone="010-12345678"))
    assert Demand.objects.get().kind == DemandKind.SUGGESTION


BAD_INPUT = {
    "script in content": {"content": "<script>alert(1)</script> 路灯坏了很久了"},
    "markup in title": {"title": '<img src=x onerror="alert(1)">'},
    "entity in name": {"citizen_name": "&#60;script"},
    "bad phone": {"citizen_phone": "12345"},
    "letters as phone": {"citizen_phone": "abcdefghijk"},
    "title too long": {"title": "长" * 61},
    "content too short": {"content": "坏了"},
    "category not a number": {"category": "abc"},
    "unknown category": {"category": 987654},
    "unknown kind": {"kind": "report"},
    "missing name": {"citizen_name": ""},
    "control character": {"content": "路灯坏了很久了\x00\x01请处理"},
}


@pytest.mark.parametrize("bad", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(client: Client, cats: Any, bad: dict[str, Any]) -> None:
    before = database_footprint()
    response = client.post(reverse("public:file"), filing(cats["交通"], **bad))
    assert response.status_code == 400
    assert "请按提示修改后再提交" in response.content.decode()
    assert database_footprint() == before


def test_markup_in_a_refused_form_is_escaped_when_shown_again(client: Client, cats: Any) -> None:
    page = client.post(reverse("public:file"), filing(cats["交通"], title="<script>x()</script>")).content.decode()
    assert "<script>x()" not in page
    assert "&lt;script&gt;" in page


def test_an_oversized_body_is_refused_and_nothing_stored(client: Client, cats: Any) -> None:
    before = database_footprint()
    response = client.post(reverse("public:file"), filing(cats["交通"], content="很" * 20000))
    assert response.status_code == 413
    assert "过长" in response.content.decode()
    assert database_footprint() == before


def test_filing_needs_the_csrf_token(cats: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("public:file"), filing(cats["交通"])).status_code == 403
    assert not Demand.objects.exists()
    strict.get(reverse("public:file"))
    token = strict.cookies["csrftoken"].value
    assert (
        strict.post(reverse("public:file"), {**filing(cats["交通"]), "csrfmiddlewaretoken": token}).status_code == 302
    )
    assert Demand.objects.count() == 1


def test_filing_is_rate_limited_per_client_ip(client: Client, cats: Any, settings: Any) -> None:
    settings.LUOSHI_PUBLIC_RATE_LIMITS = LIMITS
    codes = [client.post(reverse("public:file"), filing(cats["交通"])).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Demand.objects.count() == 2
    other = client.post(reverse("public:file"), filing(cats["交通"]), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def track(client: Client, demand: Demand, code: str | None = None, **kw: Any) -> Any:
    """The look-up by POST, following its redirect to the code-less progress page."""
    pair = {"number": demand.number, "code": code or demand.tracking_code}
    return client.post(reverse("public:track"), pair, follow=True, **kw)


def test_tracking_shows_the_state_without_personal_data(client: Client, world: World, cats: Any) -> None:
    demand = received(cats["物业服务"], content="我家住三号楼二单元 502 室")
    response = track(client, demand)
    page = response.content.decode()
    assert response.status_code == 200
    assert "已受理" in page
    assert demand.title in page
    assert CITIZEN_NAME not in page
    assert CITIZEN_PHONE not in page
    assert "502 室" not in page
    assert "138****5678" in page
    assert "评价办理结果" not in page


def test_a_wrong_tracking_code_reads_as_not_found(client: Client, world: World, cats: Any) -> None:
    demand = received(cats["交通"])
    response = track(client, demand, code="WRONGCODE1")
    assert response.status_code == 404
    assert "没有找到该工单" in response.content.decode()
    assert demand.title not in response.content.decode()


def test_lookups_are_rate_limited(client: Client, world: World, cats: Any, settings: Any) -> None:
    settings.LUOSHI_PUBLIC_RATE_LIMITS = LIMITS
    demand = received(cats["交通"])
    codes = [track(client, demand, code=f"GUESS{i}").status_code for i in range(3)]
    assert codes == [404, 404, 404]
    assert track(client, demand).status_code == 429


def test_titles_are_escaped_on_the_progress_page(client: Client, world: World, cats: Any) -> None:
    demand = received(cats["交通"], title='路口"红绿灯" & 斑马线')
    page = track(client, demand).content.decode()
    assert "路口&quot;红绿灯&quot; &amp; 斑马线" in page


def rating(demand: Demand, satisfaction: str = Satisfaction.SATISFIED, **kw: Any) -> dict[str, Any]:
    return {"number": demand.number, "satisfaction": satisfaction, "note": "很及时", **kw}


def test_the_citizen_rates_a_finished_demand_once(client: Client, world: World, cats: Any) -> None:
    demand = finished(world, received(cats["物业服务"]))
    page = track(client, demand).content.decode()
    assert "评价办理结果" in page
    assert "已联系物业修复电梯" in page
    response = client.post(reverse("public:rate"), rating(demand))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:track")
    after = client.get(response["Location"]).content.decode()
    assert "感谢您的评价" in after
    assert "满意" in after
    demand.refresh_from_db()
    assert demand.state == DemandState.CALLED_BACK
    assert demand.satisfaction == Satisfaction.SATISFIED
    again = client.post(reverse("public:rate"), rating(demand, Satisfaction.UNSATISFIED))
    assert again.status_code == 409
    assert "不能执行" in again.content.decode()
    demand.refresh_from_db()
    assert demand.satisfaction == Satisfaction.SATISFIED


def test_rating_needs_the_tracking_code_and_a_finished_demand(client: Client, world: World, cats: Any) -> None:
    open_demand = received(cats["交通"])
    done = finished(world, received(cats["交通"]))
    assert client.post(reverse("public:rate"), rating(done)).status_code == 404
    track(client, done, code="WRONGCODE1")
    assert client.post(reverse("public:rate"), rating(done)).status_code == 404
    track(client, open_demand)
    assert client.post(reverse("public:rate"), rating(open_demand)).status_code == 409
    assert client.post(reverse("public:rate"), rating(done)).status_code == 404
    track(client, done)
    assert client.post(reverse("public:rate"), rating(done, satisfaction="great")).status_code == 400
    assert client.post(reverse("public:rate"), rating(done, note="<b>好</b>")).status_code == 400
    states = set(Demand.objects.values_list("state", flat=True))
    assert states == {DemandState.RECEIVED, DemandState.FINISHED}


def test_the_tracking_code_never_goes_into_a_url(client: Client, world: World, cats: Any) -> None:
    demand = received(cats["交通"])
    by_get = client.get(reverse("public:track"), {"number": demand.number, "code": demand.tracking_code})
    assert demand.title not in by_get.content.decode()
    for page in (client.get(reverse("public:home")), by_get):
        html = page.content.decode()
        assert 'method="post" action="{}"'.format(reverse("public:track")) in html
        assert "csrfmiddlewaretoken" in html
    response = client.post(reverse("public:track"), {"number": demand.number, "code": demand.tracking_code})
    assert response.status_code == 302
    assert response["Location"] == reverse("public:track")
    shown = client.get(response["Location"]).content.decode()
    assert demand.title in shown
    assert demand.tracking_code not in shown
    client.post(reverse("public:file"), filing(cats["交通"]))
    filed = client.get(reverse("public:filed")).content.decode()
    new = Demand.objects.exclude(pk=demand.pk).get()
    assert f"code={new.tracking_code}" not in filed
    assert f'name="code" value="{new.tracking_code}"' in filed


def test_lookup_needs_the_csrf_token(world: World, cats: Any) -> None:
    demand = received(cats["交通"])
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("public:track"), {"number": demand.number, "code": demand.tracking_code})
    assert response.status_code == 403


def test_tracking_codes_are_case_insensitive(client: Client, world: World, cats: Any) -> None:
    demand = received(cats["交通"])
    sloppy = " " + demand.tracking_code.lower()[:5] + " " + demand.tracking_code.lower()[5:] + " "
    response = track(client, demand, code=sloppy)
    assert response.status_code == 200
    assert demand.title in response.content.decode()


def test_the_category_starts_with_please_choose(client: Client, cats: Any) -> None:
    page = client.get(reverse("public:file")).content.decode()
    first = page.index("<option", page.index('name="category"'))
    assert page[first:].startswith('<option value="" selected>请选择</option>')
    response = client.post(reverse("public:file"), filing(cats["交通"], category=""))
    assert response.status_code == 400
    assert not Demand.objects.exists()


def test_the_login_page_links_the_public_filing_page(client: Client) -> None:
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("public:file")}"' in page
    assert "群众诉求登记" in page
