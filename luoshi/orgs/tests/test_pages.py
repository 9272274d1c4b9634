"""The org tree pages: tree and children partial, unit page, create/edit/move, kinds, scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luoshi.audit.models import Action, AuditEvent
from luoshi.orgs.models import Unit, UnitKind
from luoshi.orgs.services import create_unit, update_unit
from luoshi.testing.twofactor import verified_login


@pytest.fixture
def villages(world):
    """Two villages under 东城街道 and a branch under the first, with members."""
    kind = UnitKind.objects.get(name="村社区")
    v1 = create_unit(None, name="一村", code="V1", kind=kind, parent=world.street_a, member_count=30)
    create_unit(None, name="二村", code="V2", kind=kind, parent=world.street_a, member_count=12)
    branch = UnitKind.objects.get(name="党支部")
    create_unit(None, name="一村一支部", code="V1B", kind=branch, parent=v1, member_count=8)
    Unit.objects.filter(pk=world.street_a.pk).update(member_count=5)
    return world


def test_tree_shows_top_of_view_scope(client, world):
    verified_login(client, world.office_a)
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 200
    assert [n.unit for n in response.context["nodes"]] == [world.district_a]
    assert "示范市" not in response.content.decode()


def test_children_partial_counts_come_from_the_subtree(client, villages):
    verified_login(client, villages.office_city)
    response = client.get(reverse("orgs:children", args=[villages.city.pk]))
    assert response.status_code == 200
    figures = {n.unit.code: (n.child_count, n.subtree_units, n.subtree_members) for n in response.context["nodes"]}
    assert figures == {"D001": (1, 5, 55), "D002": (0, 1, 0)}
    html = response.content.decode()
    assert 'hx-get="{}"'.format(reverse("orgs:children", args=[villages.district_a.pk])) in html
    assert "共 5 个单位" in html
    assert "成员 55 人" in html


def test_children_partial_pages_large_sibling_lists(client, world, monkeypatch):
    from luoshi.orgs import queries

    monkeypatch.setattr(queries, "CHILDREN_PAGE", 2)
    kind = UnitKind.objects.get(name="村社区")
    for i in range(5):
        create_unit(None, name=f"村{i}", code=f"P{i}", kind=kind, parent=world.street_a, member_count=i)
    verified_login(client, world.office_a)
    url = reverse("orgs:children", args=[world.street_a.pk])
    first = client.get(url)
    assert [n.unit.code for n in first.context["nodes"]] == ["P0", "P1"]
    assert first.context["next_offset"] == 2
    last = client.get(url, {"offset": 4})
    assert [n.unit.code for n in last.context["nodes"]] == ["P4"]
    assert last.context["next_offset"] is None


def test_search_finds_only_visible_units(client, world):
    verified_login(client, world.office_b)
    response = client.get(reverse("orgs:tree"), {"q": "城"})
    assert [u.code for u in response.context["matches"]] == ["D002"]


def test_unit_page_shows_breadcrumb_figures_and_roles(client, villages):
    verified_login(client, villages.office_a)
    response = client.get(reverse("orgs:detail", args=[villages.street_a.pk]))
    assert response.status_code == 200
    assert response.context["ancestors"] == [villages.district_a]
    node = response.context["node"]
    assert (node.child_count, node.subtree_units, node.subtree_members) == (2, 4, 55)
    assert response.context["can_manage"] is True
    district = client.get(reverse("orgs:detail", args=[villages.district_a.pk]))
    roles = {(a.user.username, a.role) for a in district.context["assignments"]}
    assert ("liaison_a", "liaison") in roles
    assert "东城联络员" in district.content.decode()


def test_viewer_without_manage_permission_sees_no_edit_links_and_gets_403(client, world):
    verified_login(client, world.leader_a)
    page = client.get(reverse("orgs:detail", args=[world.district_a.pk]))
    assert page.context["can_manage"] is False
    assert reverse("orgs:edit", args=[world.district_a.pk]) not in page.content.decode()
    assert client.get(reverse("orgs:edit", args=[world.district_a.pk])).status_code == 403
    response = client.post(
        reverse("orgs:create_child", args=[world.district_a.pk]),
        {"name": "新街道", "code": "S9", "kind": UnitKind.objects.get(name="乡镇街道").pk, "member_count": 0},
    )
    assert response.status_code == 403
    assert not Unit.objects.filter(code="S9").exists()


@pytest.mark.parametrize("name", ["orgs:detail", "orgs:children", "orgs:edit", "orgs:move", "orgs:create_child"])
def test_other_district_gets_404_on_unit_pages(client, world, name):
    verified_login(client, world.office_b)
    assert client.get(reverse(name, args=[world.district_a.pk])).status_code == 404


def test_other_district_gets_404_on_export_of_unit(client, world):
    verified_login(client, world.liaison_b)
    response = client.get(reverse("orgs:export"), {"unit": world.district_a.pk})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_create_child_unit(client, world):
    verified_login(client, world.office_a)
    kind = UnitKind.objects.get(name="村社区")
    response = client.post(
        reverse("orgs:create_child", args=[world.street_a.pk]),
        {"name": "新村", "code": "NEW1", "kind": kind.pk, "member_count": 9, "leaders": "赵六"},
    )
    unit = Unit.objects.get(code="NEW1")
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:detail", args=[unit.pk])
    assert (unit.parent, unit.path, unit.member_count) == (world.street_a, world.street_a.path + "00001.", 9)
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="orgs.unit", object_id=str(unit.pk)).exists()


def test_create_child_with_taken_code_shows_error(client, world):
    verified_login(client, world.office_a)
    response = client.post(
        reverse("orgs:create_child", args=[world.street_a.pk]),
        {"name": "重复", "code": "D002", "kind": UnitKind.objects.get(name="村社区").pk, "member_count": 0},
    )
    assert response.status_code == 200
    assert "单位代码「D002」已被使用" in response.content.decode()
    assert Unit.objects.filter(code="D002").count() == 1


def _edit_data(unit: Unit, **changes):
    data = {
        "name": unit.name,
        "code": unit.code,
        "kind": unit.kind_id,
        "member_count": unit.member_count,
        "leaders": unit.leaders,
        "version": unit.version,
    }
    return data | changes


def test_edit_unit_saves_and_bumps_version(client, world):
    verified_login(client, world.office_a)
    url = reverse("orgs:edit", args=[world.street_a.pk])
    response = client.post(url, _edit_data(world.street_a, name="东城街道办事处", member_count=40))
    assert response.status_code == 302
    street = Unit.objects.get(pk=world.street_a.pk)
    assert (street.name, street.member_count, street.version) == ("东城街道办事处", 40, 2)


def test_edit_with_stale_version_is_a_conflict(client, world):
    verified_login(client, world.office_a)
    url = reverse("orgs:edit", args=[world.street_a.pk])
    form_version = client.get(url).context["form"].initial["version"]
    update_unit(world.office_city, world.street_a, world.street_a.version, name="别人改的名字")
    response = client.post(url, _edit_data(world.street_a, name="我改的名字", version=form_version))
    assert response.status_code == 200
    assert "该单位已被他人修改" in response.content.decode()
    assert Unit.objects.get(pk=world.street_a.pk).name == "别人改的名字"


def test_move_unit_through_page(client, world):
    verified_login(client, world.office_city)
    response = client.post(reverse("orgs:move", args=[world.street_a.pk]), {"parent_code": "D002"})
    assert response.status_code == 302
    street = Unit.objects.get(pk=world.street_a.pk)
    assert (street.parent, street.path) == (world.district_b, world.district_b.path + "00001.")


def test_move_refuses_parent_outside_manage_scope(client, world):
    verified_login(client, world.office_a)
    response = client.post(reverse("orgs:move", args=[world.street_a.pk]), {"parent_code": "D002"})
    assert response.status_code == 200
    assert "找不到代码为「D002」的单位" in response.content.decode()
    assert Unit.objects.get(pk=world.street_a.pk).parent == world.district_a


def test_move_into_own_subtree_is_refused(client, world):
    verified_login(client, world.office_city)
    response = client.post(reverse("orgs:move", args=[world.district_a.pk]), {"parent_code": "S001"})
    assert response.status_code == 200
    assert "不能把单位移动到它自己或它的下级单位之下" in response.content.decode()
    assert Unit.objects.get(pk=world.district_a.pk).path == world.district_a.path


def test_kinds_page_lists_defaults_and_adds_audited_kind(client, world):
    verified_login(client, world.office_a)
    page = client.get(reverse("orgs:kinds"))
    names = [k.name for k in page.context["kinds"]]
    assert {"党委", "党支部", "县市区", "乡镇街道", "村社区", "医院"} <= set(names)
    response = client.post(reverse("orgs:kinds"), {"name": "社会组织", "code": "social-org", "order": 200})
    assert response.status_code == 302
    kind = UnitKind.objects.get(code="social-org")
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="orgs.unitkind")
    assert (event.object_id, event.actor) == (str(kind.pk), world.office_a)


def test_kinds_page_refuses_duplicates_and_non_managers(client, world):
    verified_login(client, world.office_a)
    response = client.post(reverse("orgs:kinds"), {"name": "党支部", "code": "another", "order": 1})
    assert "类型名称「党支部」已存在" in response.content.decode()
    verified_login(client, world.liaison_a)
    assert client.get(reverse("orgs:kinds")).status_code == 403
    assert client.post(reverse("orgs:kinds"), {"name": "x", "code": "x", "order": 1}).status_code == 403
    assert not UnitKind.objects.filter(code__in=["another", "x"]).exists()
