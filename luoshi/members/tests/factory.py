"""Helpers that put people on the member register through the services (no actor: unchecked)."""

from __future__ import annotations

import itertools
from typing import Any

from luoshi.members import services
from luoshi.members.models import Member
from luoshi.orgs.models import Unit

_numbers = itertools.count(1)


def next_number() -> str:
    return f"T{next(_numbers):07d}"


def make_member(unit: Unit, number: str | None = None, **fields: Any) -> Member:
    """A member of ``unit``; a unique number is made up when none is given, and a name when none is given."""
    number = number or next_number()
    while number.startswith("T") and Member.objects.filter(number=number).exists():
        number = next_number()
    fields.setdefault("name", f"党员{number[-4:]}")
    return services.create_member(None, unit=unit, number=number, **fields)
