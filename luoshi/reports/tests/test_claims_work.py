"""Claims about key tasks and livelihood projects are checked against the platform's own figures."""

from __future__ import annotations

import pytest

from luoshi.livelihood import services as livelihood
from luoshi.livelihood.tests.helpers import finished, new_project, started
from luoshi.reports import claims, services
from luoshi.reports.tests.helpers import upload
from luoshi.tasks import services as tasks
from luoshi.tasks.tests.factory import in_state, make_task
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(world: World) -> World:
    """District A: 2 key tasks (one done, one at 40 %), 2 projects with 3 tasks, 2 done, progress 75 % and 100 %."""
    done = in_state(world, "done", task=make_task(world, title="任务甲"), unit=world.district_a)
    assert done.state == "done"
    going = in_state(world, "in_progress", task=make_task(world, title="任务乙"), unit=world.district_a)
    tasks.report_progress(world.liaison_a, going, text="推进中", percent=40)
    first = new_project(world)
    finished(world, first)
    half = started(world, first)
    livelihood.report_task_progress(world.liaison_a, half, text="过半", percent=50)
    second = new_project(world, title="农贸市场改造")
    finished(world, second)
    livelihood.complete_project(world.office_a, second)
    return world


def test_the_new_measures_count_the_subtree(work: World) -> None:
    values = {key: services.measure_value(key, work.campaign, work.district_a) for key in services.MEASURES}
    assert values["key_tasks_total"] == 2
    assert values["key_tasks_done"] == 1
    assert values["key_tasks_progress"] == 70.0
    assert values["projects_total"] == 2
    assert values["projects_done"] == 1
    assert values["project_tasks_total"] == 3
    assert values["project_tasks_done"] == 2
    assert values["projects_progress"] == 87.5
    assert services.measure_value("projects_total", work.campaign, work.district_b) == 0


def test_a_report_on_key_tasks_and_livelihood_projects_is_checked(work: World) -> None:
    text = (
        "东城区民生实事2项、3个子项已完成2个，民生实事总体进度87.5%。"
        "承担重点任务2项，已完成重点任务1项，重点任务总体进度70%。"
    )
    checked = [(c.figure.text, c.rule.measure, c.verdict) for c in claims.check_report(upload(work, text))]
    assert checked == [
        ("2项", "projects_total", "consistent"),
        ("3个", "project_tasks_total", "consistent"),
        ("2个", "project_tasks_done", "consistent"),
        ("87.5%", "projects_progress", "consistent"),
        ("2项", "key_tasks_total", "consistent"),
        ("1项", "key_tasks_done", "consistent"),
        ("70%", "key_tasks_progress", "consistent"),
    ]


def test_a_progress_claim_the_data_does_not_support_names_both_percents(work: World) -> None:
    report = upload(work, "民生实事总体进度95%，已完成民生实事3个。")
    found = {c.figure.text: c for c in claims.check_report(report)}
    assert found["95%"].verdict == "inconsistent"
    assert "95%" in found["95%"].reason
    assert "87.5%" in found["95%"].reason
    done = found["3个"]
    assert (done.rule.measure, done.verdict, done.actual) == ("projects_done", "inconsistent", 1)


@pytest.mark.parametrize(
    ("unit", "verdict"),
    [("%", "consistent"), ("个", "unverifiable")],
)
def test_a_percent_measure_is_only_compared_with_a_percent(unit: str, verdict: str) -> None:
    figure = claims.Figure(text=f"70{unit}", value=70, unit=unit, approx="exact")
    assert claims.judge(figure, 70.0, "重点任务总体进度", percent=True)[0] == verdict
