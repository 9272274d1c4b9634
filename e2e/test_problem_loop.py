"""The rectification loop (检视整改、销号) as its people live it, each in a browser session of their own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from luoshi.testing.problems import PNG_1PX, pending_review

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "办事窗口群众排队时间过长"


def timeline(page: Any) -> list[str]:
    """The kinds of the timeline (处理记录) entries, oldest first."""
    kinds = page.locator("#timeline .item .fw-semibold").all_inner_texts()
    return [k.split("（")[0].strip() for k in reversed(kinds)]


def district_row(page: Any, name: str) -> Any:
    return page.locator("#units tbody tr").filter(has=page.get_by_text(name, exact=True))


def file_problem_as_liaison(page: Any) -> str:
    page.goto("/problems/")
    page.get_by_role("link", name="登记问题").click()
    page.get_by_role("textbox", name="问题", exact=True).fill(TITLE)
    page.get_by_label("具体表现").fill("政务服务大厅高峰期排队超过一小时。")
    page.get_by_label("来源").select_option(label="群众反映")
    page.get_by_label("方面").select_option(label="为民服务")
    page.get_by_role("combobox", name="责任单位", exact=True).select_option(label="东城区")
    page.shots("new-form")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("alert")).to_contain_text("已登记")
    expect(page.locator("h1")).to_contain_text(TITLE)
    return page.url


def rectify_as_leader(page: Any, evidence: Path) -> None:
    page.goto("/problems/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_contain_text(TITLE)
    page.shots("detail-pending-claim")
    page.get_by_role("button", name="认领").click()
    expect(page.get_by_role("alert")).to_contain_text("已认领")

    page.locator("#actions").get_by_role("link", name="制定整改措施").click()
    page.get_by_label("措施内容").fill("增设两个综合受理窗口，推行预约办理。")
    page.get_by_role("button", name="制定整改措施").click()
    expect(page.get_by_role("alert")).to_contain_text("整改措施已添加")

    page.locator("#measures").get_by_role("button", name="标记完成").click()
    expect(page.locator("#measures")).to_contain_text("已完成")

    page.locator("#actions").get_by_role("link", name="报送进展").click()
    page.get_by_label("进展情况").fill("两个窗口已启用，高峰排队降至十五分钟。")
    page.get_by_label("佐证材料").set_input_files(str(evidence))
    page.get_by_role("button", name="报送进展").click()
    expect(page.locator("#progress")).to_contain_text(evidence.name)
    page.shots("detail-rectifying")

    page.locator("#actions").get_by_role("link", name="申请销号").click()
    page.get_by_label("整改情况说明").fill("措施已全部完成，群众排队时间明显缩短。")
    page.get_by_role("button", name="申请销号").click()
    expect(page.get_by_role("alert")).to_contain_text("销号申请已提交")
    expect(page.locator("h1 + div .badge")).to_have_text("待审核")
    page.shots("detail-pending-review")


def test_liaison_files_leader_rectifies_office_closes(open_as, world, tmp_path):
    office = open_as("office_city")
    office.goto("/problems/dashboard/")
    expect(district_row(office, "东城区").locator("td").nth(2)).to_have_text("0")

    liaison = open_as("liaison_a")
    detail_url = file_problem_as_liaison(liaison)
    expect(liaison.locator("h1 + div .badge")).to_have_text("待认领")

    evidence = tmp_path / "窗口现场.png"
    evidence.write_bytes(PNG_1PX)
    rectify_as_leader(open_as("leader_a"), evidence)

    office.goto(detail_url)
    office.locator("#actions").get_by_role("link", name="审核销号").click()
    office.get_by_label("审核意见").fill("佐证充分，同意销号。")
    office.get_by_role("button", name="审核销号").click()
    expect(office.get_by_role("alert")).to_contain_text("问题销号")
    expect(office.locator("h1 + div .badge")).to_have_text("已销号")
    office.shots("detail-closed")
    assert timeline(office) == [
        "登记问题",
        "认领",
        "新增整改措施",
        "措施完成",
        "报送进展",
        "申请销号",
        "审核销号",
    ]
    expect(office.locator("#timeline")).to_contain_text("待审核 → 已销号")

    office.goto("/problems/dashboard/")
    expect(office.locator("#chart-state canvas")).to_have_count(1)
    row = district_row(office, "东城区")
    expect(row.locator("td").nth(1)).to_have_text("1")
    expect(row.locator("td").nth(2)).to_have_text("1")
    expect(row.locator("td").nth(3)).to_contain_text("100.0%")
    office.shots("dashboard")


def test_office_sends_back_and_leader_sees_reason(open_as, world):
    problem = pending_review(world)
    office = open_as("office_city")
    office.goto(f"/problems/{problem.pk}/")
    office.locator("#actions").get_by_role("link", name="退回整改").click()
    office.get_by_label("退回理由").fill("佐证材料不足，请补充整改前后对比照片。")
    office.get_by_role("button", name="退回整改").click()
    expect(office.get_by_role("alert")).to_contain_text("已退回整改")

    leader = open_as("leader_a")
    leader.goto(f"/problems/{problem.pk}/")
    expect(leader.locator("h1 + div .badge")).to_have_text("整改中")
    latest = leader.locator("#timeline .item").first
    expect(latest).to_contain_text("退回整改")
    expect(latest).to_contain_text("待审核 → 整改中")
    expect(latest).to_contain_text("佐证材料不足，请补充整改前后对比照片。")
    expect(leader.locator("#actions").get_by_role("link", name="报送进展")).to_be_visible()
    leader.shots("detail-sent-back")


def test_other_district_leader_gets_not_found(open_as, world):
    problem = pending_review(world)
    outsider = open_as("leader_b")
    for path in (f"/problems/{problem.pk}/", f"/problems/{problem.pk}/closure/"):
        response = outsider.goto(path)
        assert response is not None
        assert response.status == 404, path
        expect(outsider.locator("h1")).to_have_text("未找到您要查看的内容")
        expect(outsider.get_by_text(problem.title)).to_have_count(0)
    outsider.shots("not-found")
    outsider.goto("/problems/")
    expect(outsider.get_by_text("没有符合条件的问题。")).to_be_visible()
    expect(outsider.get_by_role("link", name=problem.title)).to_have_count(0)


def test_security_admin_is_refused_the_problem_list_in_chinese(open_as, world):
    admin = open_as("secadmin")
    response = admin.goto("/problems/")
    assert response is not None
    assert response.status == 403
    expect(admin.locator("h1")).to_have_text("您没有权限执行此操作")
    expect(admin.get_by_text("您没有查看问题清单的权限。")).to_be_visible()
