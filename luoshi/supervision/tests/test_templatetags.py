"""{% source_finding problem %}: the problem page can say which supervision finding a problem came from."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from luoshi.problems.models import Problem
from luoshi.supervision.choices import FindingState
from luoshi.supervision.tests.factory import build, finding
from luoshi.testing.problems import new_problem
from luoshi.testing.world import World

TAG = Template("{% load supervision_ui %}{% source_finding problem %}")


def render(user: object, problem: Problem) -> str:
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    return TAG.render(Context({"request": request, "problem": problem}))


def test_source_finding(world: World) -> None:
    sup = build(world)
    item = finding(sup, FindingState.TRANSFERRED)
    assert item.problem is not None
    problem = item.problem
    shown = render(world.liaison_a, problem)
    assert "来自督导发现" in shown
    assert f"/supervision/findings/{item.pk}/" in shown
    assert render(world.office_b, problem).strip() == ""
    assert render(world.liaison_a, new_problem(world)).strip() == ""


def test_the_problem_page_names_its_finding(world: World, client: Any) -> None:
    item = finding(build(world), FindingState.TRANSFERRED)
    assert item.problem is not None
    client.force_login(world.liaison_a)
    page = client.get(reverse("problems:detail", args=[item.problem.pk])).content.decode()
    assert 'id="source-finding"' in page
    assert f"/supervision/findings/{item.pk}/" in page
