"""The member register (党员/干部名册) of the demo city: tens of thousands of invented people.

Every party branch (党支部) has one branch secretary (党支部书记) and its party members, about 3% of them mobile
(流动党员: they keep the branch as their home unit and are now in another village or community, with a place and
coordinates); villages, streets, districts and departments have their cadres (干部). About 40% have a phone
(invented 11-digit numbers, stored encrypted like any other). Written in batches with ``bulk_create`` (one audit
record for the whole register) so it takes a few seconds; the city office user and each district liaison are
added through ``services.create_member`` with their login, so they can sign in and suggest as members.

Call it right after the cast, before the study and suggestion demos that read members::

    lines = build_members(demo, tree, cast, people, random.Random(seed + 7), today)
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.paths import subtree_q
from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import Cast, People
from luoshi.members import services
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.orgs.models import Unit

BATCH = 5000
SECRETARY = "党支部书记"
MOBILE_SHARE = 0.03
PHONE_SHARE = 0.4
CENTRE = (31.80, 119.20)  # an invented place for the fictional city's coordinates
PARTY_PER_BRANCH = (8, 24)
CADRES = {
    "community": (2, 4, ("村（社区）党组织书记", "村（社区）委员会主任", "村（社区）副书记", "委员")),
    "street": (6, 12, ("党（工）委书记", "乡镇长（主任）", "党委副书记", "组织委员", "宣传委员", "纪委书记", "干部")),
    "district": (10, 20, ("区（县）委常委", "组织部副部长", "宣传部副部长", "科长", "科员")),
    "function-zone": (6, 12, ("党工委副书记", "管委会副主任", "科长", "科员")),
    "dept": (8, 16, ("党组书记", "党组成员", "处长", "副处长", "科员")),
    "party-committee": (10, 20, ("市委常委", "办公室主任", "处长", "科员")),
}
POSITIONS = ("", "", "", "党员", "组织委员", "宣传委员", "纪检委员")


class _Register:
    """Makes the rows: numbers in sequence, names from the demo's name maker, phones now and then."""

    def __init__(self, people: People, rng: random.Random):
        self.people, self.rng, self.seq = people, rng, 0
        self.rows: list[Member] = []

    def number(self) -> str:
        self.seq += 1
        return f"SF{self.seq:07d}"

    def phone(self) -> dict[str, str]:
        if self.rng.random() >= PHONE_SHARE:
            return services.phone_fields("")
        digits = f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"
        return services.phone_fields(digits)

    def add(self, unit: Unit, kind: str, position: str, **extra: Any) -> None:
        self.rows.append(
            Member(
                unit=unit,
                org_path=unit.path,
                number=self.number(),
                name=self.people.names.person(),
                kind=kind,
                position=position,
                **self.phone(),
                **extra,
            )
        )


def _coordinates(rng: random.Random) -> tuple[Decimal, Decimal]:
    lat = Decimal(str(round(CENTRE[0] + rng.uniform(-0.4, 0.4), 6)))
    lon = Decimal(str(round(CENTRE[1] + rng.uniform(-0.5, 0.5), 6)))
    return lat, lon


def _branch(register: _Register, unit: Unit, places: list[Unit], rng: random.Random) -> None:
    register.add(unit, MemberKind.PARTY, SECRETARY)
    for _n in range(rng.randint(*PARTY_PER_BRANCH)):
        if places and rng.random() < MOBILE_SHARE:
            where = rng.choice(places)
            lat, lon = _coordinates(rng)
            register.add(
                unit,
                MemberKind.MOBILE,
                "",
                home_unit=unit,
                current_unit=where,
                current_place=f"{where.name}",
                latitude=lat,
                longitude=lon,
            )
        else:
            register.add(unit, MemberKind.PARTY, rng.choice(POSITIONS))


def _cadres(register: _Register, unit: Unit, kind_code: str, rng: random.Random) -> None:
    low, high, titles = CADRES[kind_code]
    for index in range(rng.randint(low, high)):
        register.add(unit, MemberKind.CADRE, titles[min(index, len(titles) - 1)])


def _batches(rows: list[Member]) -> Iterator[list[Member]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _linked(cast: Cast, tree: OrgTree, register: _Register) -> int:
    """The city office user and each district liaison on the register, with their login."""
    linked = [(cast.office, tree.city, "领导小组办公室干部")]
    linked += [(d.liaison, d.unit, "联络员") for d in cast.districts]
    for user, unit, position in linked:
        if Member.objects.filter(user=user).exists():
            continue
        name = getattr(user, "display_name", "") or register.people.names.person()
        services.create_member(
            None, unit=unit, number=register.number(), name=name, kind=MemberKind.CADRE, position=position, user=user
        )
    return len(linked)


def build_members(
    demo: Any, tree: OrgTree, cast: Cast, people: People, rng: random.Random, today: dt.date
) -> list[str]:
    """Write the demo city's register; the summary lines say how many of each kind."""
    units = list(Unit.objects.filter(subtree_q(tree.city.path, "path")).select_related("kind").order_by("path"))
    places = [u for u in units if u.kind.code == "community"]
    register = _Register(people, rng)
    for unit in units:
        if unit.kind.code == "party-branch":
            _branch(register, unit, places, rng)
        elif unit.kind.code in CADRES:
            _cadres(register, unit, unit.kind.code, rng)
    for batch in _batches(register.rows):
        Member.objects.bulk_create(batch)
    linked = _linked(cast, tree, register)
    rows = register.rows
    mobile = sum(1 for m in rows if m.kind == MemberKind.MOBILE)
    cadres = sum(1 for m in rows if m.kind == MemberKind.CADRE)
    secretaries = sum(1 for m in rows if m.position == SECRETARY)
    record(
        Action.IMPORT,
        object_type="members.member",
        object_repr="党员干部名册",
        detail=f"演示数据：党员干部名册 {len(rows)} 人",
        after={"created": len(rows), "mobile": mobile, "cadres": cadres, "as_of": today.isoformat()},
    )
    return [
        f"党员干部名册 {len(rows) + linked:,} 人：党员 {len(rows) - mobile - cadres:,}、流动党员 {mobile:,}、"
        f"干部 {cadres:,}；党支部书记 {secretaries:,} 人；{linked} 个账号关联了名册"
    ]
