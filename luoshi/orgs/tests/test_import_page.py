"""The import page: checked upload stored, a job queued, the job page shows the outcome or the row errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.jobs.models import Job, JobStatus
from luoshi.orgs.jobs import IMPORT_KIND
from luoshi.orgs.models import Unit
from luoshi.orgs.tests.sheets import xlsx_upload
from luoshi.testing.hostile_files import zip_bomb
from luoshi.testing.twofactor import verified_login


@pytest.fixture
def post_import(client, django_capture_on_commit_callbacks):
    def post(user, upload):
        verified_login(client, user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("orgs:import"), {"file": upload})

    return post


def imports_folder(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_upload_runs_import_job_and_redirects_to_it(post_import, world, client, settings):
    response = post_import(world.office_a, xlsx_upload([["V1", "一村", "村社区", "S001", 8, ""]]))
    job = Job.objects.get(kind=IMPORT_KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.owner, job.status, job.progress) == (world.office_a, JobStatus.SUCCEEDED, 100)
    assert (job.result or {})["created"] == 1
    assert Unit.objects.get(code="V1").parent == world.street_a
    assert imports_folder(settings) == []
    page = client.get(response["Location"])
    assert "导入完成：新建 1 个单位" in page.content.decode()


def test_rows_with_errors_fail_the_job_with_a_table(post_import, world, client):
    rows: list[list[Any]] = [["V1", "", "村社区", "S001", 8, ""], ["V2", "二村", "村社区", "D002", "很多", ""]]
    response = post_import(world.office_a, xlsx_upload(rows))
    job = Job.objects.get(kind=IMPORT_KIND)
    assert job.status == JobStatus.FAILED
    assert job.result == [
        {"row": 2, "column": "单位名称", "message": "单位名称不能为空", "value": ""},
        {
            "row": 3,
            "column": "上级单位代码",
            "message": "上级单位「西城区（D002）」不在您的组织管理范围内",
            "value": "",
        },
        {"row": 3, "column": "成员数", "message": "成员数应为不小于 0 的整数，实际为「很多」", "value": ""},
    ]
    assert not Unit.objects.filter(code__in=["V1", "V2"]).exists()
    html = client.get(response["Location"]).content.decode()
    assert "发现 3 处错误，未写入任何数据" in html
    assert "<td>3</td><td>成员数</td>" in html
    assert 'hx-trigger="every 1s"' not in html


def test_file_that_is_not_xlsx_is_refused_before_storing(post_import, world, settings):
    fake = SimpleUploadedFile("units.xlsx", b"code,name\n1,2\n")
    response = post_import(world.office_a, fake)
    assert response.status_code == 200
    assert "内容与扩展名 .xlsx 不符" in response.content.decode()
    assert not Job.objects.exists()
    assert imports_folder(settings) == []


def test_other_extension_is_refused(post_import, world):
    response = post_import(world.office_a, SimpleUploadedFile("units.csv", b"a,b\n"))
    assert "类型不支持，只接受：xlsx" in response.content.decode()
    assert not Job.objects.exists()


def test_file_over_the_size_limit_is_refused(post_import, world, settings):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 1024
    upload = xlsx_upload([[f"V{i}", f"村{i}", "村社区", "S001", i, "某某"] for i in range(300)])
    response = post_import(world.office_a, upload)
    assert "超过上限" in response.content.decode()
    assert not Job.objects.exists()
    assert not Unit.objects.filter(code="V1").exists()


def test_import_page_is_for_org_managers(client, world):
    verified_login(client, world.liaison_a)
    assert client.get(reverse("orgs:import")).status_code == 403
    response = client.post(reverse("orgs:import"), {"file": xlsx_upload([["V1", "一村", "村社区", "S001", 1, ""]])})
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_zip_bomb_xlsx_is_refused_before_storing(post_import, world, settings):
    response = post_import(world.office_a, zip_bomb("组织架构.xlsx"))
    assert response.status_code == 200
    assert "文件「组织架构.xlsx」解压后过大" in response.content.decode()
    assert not Job.objects.exists()
    assert imports_folder(settings) == []
