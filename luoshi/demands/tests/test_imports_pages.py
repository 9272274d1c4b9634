"""The import page, its job, the template download and the ``import_demands`` command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.demands.imports import HEADERS
from luoshi.demands.jobs import IMPORT_KIND
from luoshi.demands.models import Demand, DemandImport
from luoshi.demands.tests.import_helpers import csv_bytes, row, xlsx_bytes
from luoshi.jobs.models import Job, JobStatus
from luoshi.testing.hostile_files import zip_bomb
from luoshi.testing.twofactor import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def post_import(client, django_capture_on_commit_callbacks):
    def post(user, name, data, content_type="text/csv"):
        verified_login(client, user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("demands:import"), {"file": SimpleUploadedFile(name, data, content_type)})

    return post


def stored_imports(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_page_shows_the_form_and_the_columns(client, world):
    verified_login(client, world.dispatcher_city)
    html = client.get(reverse("demands:import")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert "承办单位编码" in html
    assert reverse("demands:import_template") in html


def test_upload_runs_the_job_and_redirects_to_it(post_import, world, client, settings):
    response = post_import(world.dispatcher_city, "热线.csv", csv_bytes([row(), row(工单编号="T2")]))
    job = Job.objects.get(kind=IMPORT_KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.owner, job.status, job.progress) == (world.dispatcher_city, JobStatus.SUCCEEDED, 100)
    assert job.result is not None
    assert job.result["created"] == 2
    assert "正在写入" in job.log
    assert Demand.objects.count() == 2
    assert DemandImport.objects.get().file_name == "热线.csv"
    assert stored_imports(settings) == []
    assert "已导入工单 2 件" in client.get(response["Location"]).content.decode()


def test_xlsx_upload_imports(post_import, world):
    post_import(world.office_a, "热线.xlsx", xlsx_bytes([row()]), "application/vnd.ms-excel")
    assert Job.objects.get(kind=IMPORT_KIND).status == JobStatus.SUCCEEDED
    assert Demand.objects.get().handling_unit == world.district_a


def test_rows_with_errors_fail_the_job_with_a_table(post_import, world, client):
    response = post_import(world.office_a, "热线.csv", csv_bytes([row(), row(工单编号="T2", 承办单位编码="D002")]))
    job = Job.objects.get(kind=IMPORT_KIND)
    assert job.status == JobStatus.FAILED
    assert job.result is not None
    assert [(e["row"], e["column"]) for e in job.result] == [(3, "承办单位编码")]
    assert not Demand.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert "<td>3</td><td>承办单位编码</td>" in html
    assert "未导入任何工单" in html


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("热线.pdf", b"%PDF-1.4", "只接受：csv、txt、xlsx"),
        ("热线.xlsx", b"not a workbook", "不符"),
        ("热线.csv", b"\xff\xfe\x00a\x00b", "UTF-16"),
        ("热线.csv", b"", "空文件"),
    ],
)
def test_bad_files_are_refused_before_storing(post_import, world, settings, name, data, fragment):
    response = post_import(world.dispatcher_city, name, data)
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert not Job.objects.filter(kind=IMPORT_KIND).exists()
    assert stored_imports(settings) == []


def test_size_limit_is_configurable(post_import, world, settings):
    settings.LUOSHI_DEMAND_IMPORT_MAX_BYTES = 1024 * 1024
    data = csv_bytes([row(工单编号=f"N{i}", 诉求内容="长" * 4000) for i in range(100)])
    response = post_import(world.dispatcher_city, "热线.csv", data)
    assert "超过上限 1 MB" in response.content.decode()
    assert not Job.objects.filter(kind=IMPORT_KIND).exists()


@pytest.mark.parametrize("username", ["liaison_a", "handler_a", "secadmin", "auditor"])
def test_page_and_template_are_for_dispatchers_and_offices(client, world, username):
    verified_login(client, world.users[username])
    assert client.get(reverse("demands:import")).status_code == 403
    assert (
        client.post(reverse("demands:import"), {"file": SimpleUploadedFile("a.csv", csv_bytes([row()]))}).status_code
        == 403
    )
    assert client.get(reverse("demands:import_template")).status_code == 403
    assert not Demand.objects.exists()


def test_template_has_the_headers_and_an_example_row_that_is_skipped(client, world):
    verified_login(client, world.dispatcher_city)
    response = client.get(reverse("demands:import_template"))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert rows[1][0].startswith("【示例】")
    assert "填写说明" in book.sheetnames


def test_import_origin_names_the_file(world):
    from luoshi.demands.tests.import_helpers import run

    run(world.dispatcher_city, [row()], name="三月热线.csv")
    html = render_to_string("demands/import_origin.html", {"demand": Demand.objects.get()})
    assert "三月热线.csv" in html


# --- the command -------------------------------------------------------------------------------------


def test_command_imports_and_prints_progress(world, tmp_path, capsys):
    path = tmp_path / "热线.csv"
    path.write_bytes(csv_bytes([row()], encoding="gb18030"))
    call_command("import_demands", str(path), "--user", "dispatcher_city")
    out = capsys.readouterr().out
    assert "[100%]" in out
    assert "已导入工单 1 件" in out
    batch = Demand.objects.get().import_batch
    assert batch is not None
    assert batch.file_name == "热线.csv"


def test_command_prints_row_errors_and_fails(world, tmp_path, capsys):
    path = tmp_path / "热线.csv"
    path.write_bytes(csv_bytes([row(渠道="微博")]))
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_demands", str(path), "--user", "dispatcher_city")
    assert "第 2 行「渠道」" in capsys.readouterr().err
    assert not Demand.objects.exists()


@pytest.mark.parametrize(("user", "fragment"), [("ghost", "找不到账号"), ("liaison_a", "无权导入")])
def test_command_refuses_unknown_or_unauthorised_users(world, tmp_path, user, fragment):
    path = tmp_path / "热线.csv"
    path.write_bytes(csv_bytes([row()]))
    with pytest.raises(CommandError, match=fragment):
        call_command("import_demands", str(path), "--user", user)


def test_the_list_links_to_the_import_for_importers_and_the_detail_names_the_file(post_import, world, client):
    post_import(world.dispatcher_city, "十月热线.csv", csv_bytes([row()]))
    demand = Demand.objects.get()
    verified_login(client, world.dispatcher_city)
    assert reverse("demands:import") in client.get(reverse("demands:list")).content.decode()
    detail = client.get(reverse("demands:detail", args=[demand.pk])).content.decode()
    assert "由文件「十月热线.csv」" in detail
    verified_login(client, world.handler_a)
    assert reverse("demands:import") not in client.get(reverse("demands:list")).content.decode()


def test_zip_bomb_xlsx_is_refused_before_storing(post_import, world, settings):
    response = post_import(world.dispatcher_city, "热线.xlsx", zip_bomb("热线.xlsx").read())
    assert response.status_code == 200
    assert "文件「热线.xlsx」解压后过大" in response.content.decode()
    assert not Job.objects.filter(kind=IMPORT_KIND).exists()
    assert stored_imports(settings) == []
