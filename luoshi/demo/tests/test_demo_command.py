"""How ``luoshi demo`` treats the database it is pointed at."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from luoshi.audit.services import verify_chain
from luoshi.demo.accounts import DEMO_PREFIX
from luoshi.orgs.models import Unit
from luoshi.problems.models import Problem

pytestmark = pytest.mark.django_db

UNITS = 120


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_if_empty_does_nothing_the_second_time():
    first = run_demo("--if-empty", "--units", str(UNITS))
    counts = (Unit.objects.count(), Problem.objects.count(), get_user_model().objects.count())
    second = run_demo("--if-empty", "--units", str(UNITS))
    assert "演示数据已生成" in first
    assert "不再生成" in second
    assert (Unit.objects.count(), Problem.objects.count(), get_user_model().objects.count()) == counts
    assert verify_chain() is None


def test_refuses_a_database_that_already_has_units(world):
    with pytest.raises(CommandError):
        run_demo("--units", str(UNITS))
    assert Unit.objects.count() == 4
    assert not get_user_model().objects.filter(username__startswith=DEMO_PREFIX).exists()


def test_refuses_too_few_units():
    with pytest.raises(CommandError):
        run_demo("--units", "20")
    assert not Unit.objects.exists()
