"""Every problem page renders for a role allowed to use it, with its key Chinese text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.problems import services
from luoshi.problems.models import ExtensionRequest
from luoshi.testing.problems import closed, new_problem, pending_review, png, rectifying
from luoshi.testing.twofactor import verified_login


def page(client, user, url):
    verified_login(client, user)
    return client.get(url)


def test_dashboard_renders_for_office(client, world):
    new_problem(world)
    response = page(client, world.office_city, reverse("problems:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("整改看板", "问题总数", "销号率", "超期未销号", "东城区", "西城区", "echarts.min.js"):
        assert text in html
    assert 'id="chart-data"' in html


def test_list_renders_rows_with_number_and_links(client, world):
    problem = new_problem(world, title="食堂浪费现象突出")
    response = page(client, world.liaison_a, reverse("problems:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "问题清单" in html
    assert problem.number in html
    assert "食堂浪费现象突出" in html
    assert reverse("problems:detail", args=[problem.pk]) in html
    assert reverse("ledger:index") in html  # liaison may import
    assert "登记问题" in html


def test_list_hides_import_link_from_roles_without_import(client, world):
    new_problem(world)
    response = page(client, world.leader_a, reverse("problems:list"))
    assert response.status_code == 200
    assert "导入台账" not in response.content.decode()


def test_detail_shows_fields_measures_progress_and_timeline(client, world):
    problem = rectifying(world, description="群众多次反映办事难")
    services.add_measure(
        world.leader_a, problem, text="建立首问负责制", owner_unit=world.district_a, deadline=problem.deadline
    )
    services.report_progress(world.liaison_a, problem, text="已召开专题会议", files=[])
    response = page(client, world.leader_a, reverse("problems:detail", args=[problem.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("基本信息", "群众多次反映办事难", "建立首问负责制", "已召开专题会议", "处理记录", "认领", "登记问题"):
        assert text in html


def test_new_problem_form_renders_for_liaison(client, world):
    response = page(client, world.liaison_a, reverse("problems:new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "登记问题" in html
    assert "东城区" in html
    assert world.channels[0].name in html
    assert world.aspects[0].name in html


def test_edit_form_renders_with_current_values_and_version(client, world):
    problem = new_problem(world, title="会议多文件多")
    response = page(client, world.liaison_a, reverse("problems:edit", args=[problem.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "修改问题" in html
    assert 'value="会议多文件多"' in html
    assert f'name="version" value="{problem.version}"' in html


@pytest.mark.parametrize(
    ("url_name", "user_name", "text"),
    [
        ("add_measure", "leader_a", "措施内容"),
        ("report_progress", "liaison_a", "佐证材料"),
        ("request_extension", "liaison_a", "延期理由"),
    ],
)
def test_action_pages_render_for_rectifying_problem(client, world, url_name, user_name, text):
    problem = rectifying(world)
    response = page(client, getattr(world, user_name), reverse(f"problems:{url_name}", args=[problem.pk]))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_claim_page_renders_for_leader(client, world):
    problem = new_problem(world)
    response = page(client, world.leader_a, reverse("problems:claim", args=[problem.pk]))
    assert response.status_code == 200
    assert "认领" in response.content.decode()


@pytest.mark.parametrize(("url_name", "text"), [("approve_closure", "审核意见"), ("send_back", "退回理由")])
def test_review_pages_render_for_office(client, world, url_name, text):
    problem = pending_review(world)
    response = page(client, world.office_city, reverse(f"problems:{url_name}", args=[problem.pk]))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_request_closure_page_renders_for_leader(client, world):
    problem = rectifying(world)
    services.report_progress(world.liaison_a, problem, text="整改到位", files=[png()])
    response = page(client, world.leader_a, reverse("problems:request_closure", args=[problem.pk]))
    assert response.status_code == 200
    assert "整改情况说明" in response.content.decode()


def test_reopen_page_renders_for_office(client, world):
    problem = closed(world)
    response = page(client, world.office_city, reverse("problems:reopen", args=[problem.pk]))
    assert response.status_code == 200
    assert "回头看发现的情况" in response.content.decode()


def test_extension_decision_pages_render_for_office(client, world):
    problem = rectifying(world)
    ext = services.request_extension(
        world.liaison_a, problem, new_deadline=problem.deadline + dt.timedelta(days=10), reason="需协调资金"
    )
    for name in ("approve_extension", "reject_extension"):
        response = page(client, world.office_a, reverse(f"problems:{name}", args=[problem.pk, ext.pk]))
        assert response.status_code == 200
        assert "需协调资金" in response.content.decode()
    assert ExtensionRequest.objects.get(pk=ext.pk).state == "pending"


def test_class_pages_render(client, world):
    problem_class = services.create_problem_class(
        world.office_city, campaign=world.campaign, unit=world.city, name="窗口服务类"
    )
    response = page(client, world.office_city, reverse("problems:classes"))
    assert response.status_code == 200
    assert "窗口服务类" in response.content.decode()
    response = client.get(reverse("problems:class_detail", args=[problem_class.pk]))
    assert response.status_code == 200
    assert "已销号 / 问题数" in response.content.decode()
    response = client.get(reverse("problems:class_new"))
    assert response.status_code == 200
    assert "新建问题类别" in response.content.decode()


def test_pages_need_login(client, world):
    response = client.get(reverse("problems:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("url_name", ["problems:dashboard", "problems:list", "problems:classes"])
def test_accounts_without_campaign_role_are_refused(client, world, url_name):
    response = page(client, world.auditor, reverse(url_name))
    assert response.status_code == 403
