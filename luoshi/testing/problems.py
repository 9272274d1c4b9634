"""Helpers that put a problem into any state through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.problems import services
from luoshi.problems.models import Problem
from luoshi.testing.world import World

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5dd5c1f0000000049454e44ae426082"
)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_1PX, content_type="image/png")


def new_problem(world: World, unit: Any = None, actor: Any = None, **kw: Any) -> Problem:
    today = dt.date.today()
    params: dict[str, Any] = {
        "campaign": world.campaign,
        "title": "窗口服务态度生硬",
        "channel": world.channels[1],
        "aspect": world.aspects[2],
        "unit": unit or world.district_a,
        "found_on": today,
        "deadline": today + dt.timedelta(days=30),
    }
    params.update(kw)
    return services.file_problem(actor or world.liaison_a, **params)


def rectifying(world: World, **kw: Any) -> Problem:
    return services.claim(world.leader_a, new_problem(world, **kw))


def pending_review(world: World, **kw: Any) -> Problem:
    problem = rectifying(world, **kw)
    services.report_progress(world.liaison_a, problem, text="已整改到位", files=[png()])
    services.request_closure(world.leader_a, problem, summary="整改完成")
    problem.refresh_from_db()
    return problem


def closed(world: World, **kw: Any) -> Problem:
    return services.approve_closure(world.office_city, pending_review(world, **kw))
