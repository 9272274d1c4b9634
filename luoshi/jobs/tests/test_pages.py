"""Job pages: a user sees only their own jobs; the status block polls while the job runs."""

from __future__ import annotations

from django.urls import reverse

from luoshi.jobs.models import JobStatus
from luoshi.jobs.runner import JobFailed, create_job, run_job
from luoshi.jobs.tasks import run_job_task
from luoshi.testing.twofactor import verified_login


def test_list_shows_only_own_jobs(client, world):
    mine = create_job("导入组织架构：a.xlsx", "test", owner=world.office_a)
    create_job("导入组织架构：b.xlsx", "test", owner=world.office_b)
    verified_login(client, world.office_a)
    response = client.get(reverse("jobs:list"))
    assert list(response.context["page"].object_list) == [mine]
    assert "b.xlsx" not in response.content.decode()


def test_job_page_is_owner_only(client, world):
    job = create_job("任务", "test", owner=world.office_a)
    verified_login(client, world.office_b)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:status", args=[job.pk])).status_code == 404
    verified_login(client, world.office_a)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200


def test_running_job_polls_every_second_and_finished_job_stops(client, world):
    job = create_job("任务", "test", owner=world.office_a)
    job.status, job.progress = JobStatus.RUNNING, 40
    job.save()
    verified_login(client, world.office_a)
    running = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in running
    assert 'hx-get="{}"'.format(reverse("jobs:status", args=[job.pk])) in running
    assert "width: 40%" in running
    job.status, job.progress = JobStatus.SUCCEEDED, 100
    job.save()
    done = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done
    assert "width: 100%" in done


def test_failed_job_with_row_errors_shows_the_table(client, world):
    job = create_job("任务", "test", owner=world.office_a)

    def body(ctx):
        ctx.log("读取中")
        raise JobFailed("导入失败", [{"row": 7, "column": "单位名称", "message": "单位名称不能为空"}])

    run_job(job, body, atomic=False)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.log == "读取中\n失败：导入失败\n"
    verified_login(client, world.office_a)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "<td>7</td><td>单位名称</td><td>单位名称不能为空</td>" in html


def body_for_queue_test(ctx):
    ctx.progress(50, "一半")
    return {"message": "做完了"}


def test_queued_task_runs_the_named_body(client, world):
    job = create_job("任务", "test", owner=world.office_a)
    run_job_task(job.pk, f"{__name__}.body_for_queue_test")
    job.refresh_from_db()
    assert (job.status, job.progress, job.result) == (JobStatus.SUCCEEDED, 100, {"message": "做完了"})
    verified_login(client, world.office_a)
    assert "做完了" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_progress_shows_while_the_body_runs_in_its_transaction(client, world):
    job = create_job("任务", "test", owner=world.office_a)
    verified_login(client, world.office_a)
    seen: list[str] = []

    def body(ctx):
        ctx.progress(40, "已读取 4000 行")
        seen.append(client.get(reverse("jobs:status", args=[job.pk])).content.decode())
        return {"message": "做完了"}

    run_job(job, body, atomic=True)
    assert "width: 40%" in seen[0]
    assert "已读取 4000 行" in seen[0]
    job.refresh_from_db()
    assert (job.status, job.progress, job.log) == (JobStatus.SUCCEEDED, 100, "已读取 4000 行\n")
    assert "width: 100%" in client.get(reverse("jobs:status", args=[job.pk])).content.decode()


def test_log_of_a_failed_transaction_is_kept(world):
    job = create_job("任务", "test", owner=world.office_a)

    def body(ctx):
        ctx.log("读取中")
        raise JobFailed("导入失败")

    run_job(job, body, atomic=True)
    job.refresh_from_db()
    assert (job.status, job.log) == (JobStatus.FAILED, "读取中\n失败：导入失败\n")
