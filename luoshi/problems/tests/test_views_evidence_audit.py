"""Every evidence download is audited (who, which file, which problem); a refused one leaves no trace, and no
URL serves stored files around it."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, URLResolver, reverse
from django.urls.resolvers import RegexPattern

from luoshi.audit.models import Action, AuditEvent
from luoshi.problems import services
from luoshi.problems.models import Evidence
from luoshi.testing.problems import png, rectifying
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(world: World) -> Evidence:
    problem = rectifying(world)
    services.report_progress(world.liaison_a, problem, text="材料", files=[png("张三的证明.png")])
    return Evidence.objects.get(progress__problem=problem)


def download(client: Client, user: Any, evidence_pk: int) -> int:
    verified_login(client, user)
    response: Any = client.get(reverse("problems:evidence", args=[evidence_pk]))
    if response.status_code == 200:
        assert b"".join(response.streaming_content)
    return response.status_code


def test_download_writes_one_audit_record_naming_evidence_problem_and_user(
    client: Client, world: World, evidence: Evidence
) -> None:
    verified_login(client, world.office_city)  # enrols the second factor, which is audited too
    last = AuditEvent.objects.latest("seq").seq
    assert download(client, world.office_city, evidence.pk) == 200
    events = list(AuditEvent.objects.filter(seq__gt=last).exclude(action=Action.LOGIN))
    assert len(events) == 1
    event = events[0]
    assert event.action == Action.EXPORT
    assert (event.actor, event.actor_name) == (world.office_city, "office_city")
    assert (event.object_type, event.object_id) == ("problems.evidence", str(evidence.pk))
    problem_id = evidence.progress.problem_id
    assert event.after == {"problem": problem_id, "evidence": evidence.pk, "sha256": evidence.sha256}
    assert f"问题 #{problem_id}" in event.detail
    assert "张三" not in f"{event.object_repr} {event.detail} {event.after}"


def test_each_download_is_audited_again(client: Client, world: World, evidence: Evidence) -> None:
    for _ in range(2):
        assert download(client, world.leader_a, evidence.pk) == 200
    records = AuditEvent.objects.filter(action=Action.EXPORT, object_type="problems.evidence")
    assert records.filter(actor=world.leader_a, object_id=str(evidence.pk)).count() == 2


@pytest.mark.parametrize("user_name", ["liaison_b", "office_b", "secadmin", "auditor"])
def test_denied_download_is_404_and_writes_nothing(
    client: Client, world: World, evidence: Evidence, user_name: str
) -> None:
    verified_login(client, getattr(world, user_name))
    last = AuditEvent.objects.latest("seq").seq
    assert client.get(reverse("problems:evidence", args=[evidence.pk])).status_code == 404
    assert not AuditEvent.objects.filter(seq__gt=last).exists()


def test_missing_file_is_404_and_writes_nothing(client: Client, world: World, evidence: Evidence) -> None:
    evidence.file.delete(save=False)
    verified_login(client, world.office_city)
    last = AuditEvent.objects.latest("seq").seq
    assert client.get(reverse("problems:evidence", args=[evidence.pk])).status_code == 404
    assert not AuditEvent.objects.filter(seq__gt=last).exists()


def test_stored_files_are_not_served_by_path_even_in_debug(evidence: Evidence, settings: Any) -> None:
    settings.DEBUG = True
    urls = importlib.reload(importlib.import_module("luoshi.urls"))
    try:
        with pytest.raises(Resolver404):
            URLResolver(RegexPattern(r"^/"), urls).resolve(f"{settings.MEDIA_URL}{evidence.file.name}")
    finally:
        settings.DEBUG = False
        importlib.reload(urls)
