"""Export of the org tree: the viewer's subtree in the template's columns, audited, and it imports back."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from luoshi.audit.models import Action, AuditEvent
from luoshi.orgs.exports import export_units
from luoshi.orgs.imports import HEADERS, import_units, template_workbook
from luoshi.orgs.models import Unit
from luoshi.orgs.tests.sheets import sheet_rows, xlsx_file
from luoshi.testing.twofactor import verified_login


def test_export_page_gives_visible_subtree_and_is_audited(client, world):
    Unit.objects.filter(pk=world.street_a.pk).update(member_count=7, leaders="=1+1")
    verified_login(client, world.liaison_a)
    response = client.get(reverse("orgs:export"), {"unit": world.district_a.pk})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows == [
        HEADERS,
        ("D001", "东城区", "县市区", "C000", 0, None),
        ("S001", "东城街道", "乡镇街道", "D001", 7, "'=1+1"),
    ]
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert (event.actor, event.object_id, (event.after or {})["count"]) == (
        world.liaison_a,
        str(world.district_a.pk),
        2,
    )


def test_export_without_unit_covers_the_whole_export_scope(client, world):
    verified_login(client, world.office_b)
    response = client.get(reverse("orgs:export"))
    rows = sheet_rows(b"".join(response.streaming_content))
    assert [r[0] for r in rows[1:]] == ["D002"]


def test_export_needs_export_permission(client, world):
    verified_login(client, world.supervisor_a)
    assert client.get(reverse("orgs:export"), {"unit": world.district_a.pk}).status_code == 403
    assert client.get(reverse("orgs:export")).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_round_trip_into_an_empty_tree_reproduces_the_file(db):
    rows = [
        ["R", "某市", "党委", "", 0, ""],
        ["R-2", "西区", "县市区", "R", 15, "钱七"],
        ["R-1", "东区", "县市区", "R", 10, ""],
        ["R-1-1", "东区一街道", "乡镇街道", "R-1", 20, "孙八、周九"],
    ]
    import_units(None, xlsx_file(rows))
    data, count = export_units(None)
    assert count == 4
    exported = sheet_rows(data)
    assert exported[0] == HEADERS
    normalised = sorted(tuple("" if v is None else v for v in r) for r in exported[1:])
    assert normalised == sorted(tuple(r) for r in rows)


def test_reimport_of_an_export_changes_nothing_then_applies_edits(world):
    data, _ = export_units(world.office_city, world.city)
    again = import_units(world.office_city, io.BytesIO(data))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    rows = [list(r) for r in sheet_rows(data)[1:]]
    for row in rows:
        if row[0] == "S001":
            row[1], row[4] = "东城街道（更名）", 66
    edited = import_units(world.office_city, xlsx_file(rows))
    assert (edited["created"], edited["updated"], edited["unchanged"]) == (0, 1, 3)
    street = Unit.objects.get(code="S001")
    assert (street.name, street.member_count, street.path) == ("东城街道（更名）", 66, world.street_a.path)


def test_filled_in_template_imports(world):
    book = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    units, notes = book.worksheets
    assert tuple(c.value for c in units[1]) == HEADERS
    assert "党支部" in "".join(str(c.value) for c in notes["A"])
    units.append(["V1", "一村", "村社区", "S001", 3, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    assert import_units(world.office_a, buffer)["created"] == 1
    assert Unit.objects.get(code="V1").parent == world.street_a


def test_template_download_for_org_managers_only(client, world):
    verified_login(client, world.office_a)
    response = client.get(reverse("orgs:import_template"))
    assert response.status_code == 200
    assert sheet_rows(b"".join(response.streaming_content))[0] == HEADERS
    verified_login(client, world.leader_a)
    assert client.get(reverse("orgs:import_template")).status_code == 403
