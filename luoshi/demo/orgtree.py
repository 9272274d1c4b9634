"""A fictional city's org tree (组织架构), planned in memory and written in bulk, level by level.

City → districts, counties and function zones (区县、功能区) and city departments (市直部门) →
towns and streets (乡镇街道) → villages and communities (村社区) → party branches (党支部).
Paths and ``child_seq`` are set exactly as ``luoshi.orgs.services`` would set them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core import paths
from luoshi.demo.content import DEPARTMENTS
from luoshi.demo.names import NameMaker
from luoshi.orgs.models import Unit, UnitKind

CITY_NAME = "示范市"
DISTRICTS = 6
COUNTIES = 3
ZONES = ("高新技术产业开发区", "经济技术开发区", "临港产业园区")
MIN_UNITS = 100
BATCH = 500
ORDINALS = "一二三四五六七八九十"

# Planner key → (kind code, kind name, order, unit code prefix). Kinds are looked up by code, then by
# name, so the default kinds set up by the orgs migrations are reused and only missing ones are added.
KINDS = {
    "city": ("party-committee", "党委", 10, "C"),
    "branch": ("party-branch", "党支部", 50, "P"),
    "district": ("district", "县市区", 60, "D"),
    "zone": ("function-zone", "功能区", 70, "Z"),
    "dept": ("dept", "市直部门", 80, "B"),
    "street": ("street", "乡镇街道", 90, "S"),
    "village": ("community", "村社区", 100, "V"),
}
CODE_PREFIX = {key: prefix for key, (_, _, _, prefix) in KINDS.items()}


@dataclass
class Node:
    name: str
    code: str
    kind: str
    member_count: int
    leaders: str
    children: list[Node] = field(default_factory=list)
    unit: Unit | None = None

    def saved(self) -> Unit:
        assert self.unit is not None, "node not written yet"
        return self.unit

    def descendants(self) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            found.append(child)
            found.extend(child.descendants())
        return found


@dataclass
class OrgTree:
    """The written tree; ``districts`` holds 区县 and 功能区, the district-level units."""

    root: Node
    districts: list[Node]
    departments: list[Node]
    count: int

    @property
    def city(self) -> Unit:
        return self.root.saved()


def unit_kind(code: str, name: str, order: int) -> UnitKind:
    kind = UnitKind.objects.filter(code=code).first() or UnitKind.objects.filter(name=name).first()
    return kind or UnitKind.objects.create(code=code, name=name, order=order)


def apportion(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Split ``total`` in proportion to ``weights``, leftovers to random buckets."""
    scale = sum(weights)
    counts = [int(total * w / scale) for w in weights]
    for i in rng.sample(range(len(weights)), total - sum(counts)):
        counts[i] += 1
    return counts


@dataclass(frozen=True)
class Plan:
    streets: int
    villages: int
    branches: int


def plan_counts(total: int) -> Plan:
    """Streets, villages and branches for a tree of ``total`` units (3.27万 orgs to ~150 streets)."""
    districts = DISTRICTS + COUNTIES + len(ZONES)
    rest = total - 1 - districts - len(DEPARTMENTS)
    streets = max(2 * districts, min(round(rest * 0.055), 14 * districts))
    villages = min(round((rest - streets) * 0.72), 18 * streets)
    return Plan(streets, villages, rest - streets - villages)


class Planner:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names = NameMaker(rng)
        self.serial: dict[str, int] = {}

    def node(self, name: str, kind: str, members: tuple[int, int], titles: tuple[str, ...]) -> Node:
        self.serial[kind] = self.serial.get(kind, 0) + 1
        code = f"{CODE_PREFIX[kind]}{self.serial[kind]:06d}"
        leaders = "、".join(f"{title} {self.names.person()}" for title in titles)
        return Node(name, code, kind, self.rng.randint(*members), leaders)

    def city(self, total: int) -> Node:
        plan = plan_counts(total)
        root = self.node(CITY_NAME, "city", (120, 180), ("市委书记", "市长"))
        root.code = "SFS"
        districts = self.districts()
        departments = [self.node(name, "dept", (40, 320), ("党组书记",)) for name in DEPARTMENTS]
        root.children = districts + departments
        weights = [0.5 if d.kind == "zone" else 1.0 for d in districts]
        for district, n in zip(districts, apportion(plan.streets, weights, self.rng), strict=True):
            district.children = self.streets(district, n)
        streets = [s for d in districts for s in d.children]
        for street, n in zip(streets, apportion(plan.villages, [1.0] * len(streets), self.rng), strict=True):
            street.children = self.villages(street, n)
        self.branches(plan.branches, departments, [v for s in streets for v in s.children])
        return root

    def districts(self) -> list[Node]:
        taken: set[str] = set()
        specs = [("区", "区委书记", "区长")] * DISTRICTS + [("县", "县委书记", "县长")] * COUNTIES
        nodes = [self.node(self.names.place(taken) + s, "district", (150, 450), (a, b)) for s, a, b in specs]
        return nodes + [self.node(name, "zone", (60, 200), ("党工委书记", "管委会主任")) for name in ZONES]

    def streets(self, district: Node, n: int) -> list[Node]:
        taken: set[str] = set()
        suffix = "街道" if district.name.endswith("区") else "镇"
        titles = ("党工委书记", "主任") if suffix == "街道" else ("党委书记", "镇长")
        return [self.node(self.names.place(taken) + suffix, "street", (30, 120), titles) for _ in range(n)]

    def villages(self, street: Node, n: int) -> list[Node]:
        taken: set[str] = set()
        suffix, titles = (
            ("社区", ("党委书记", "居委会主任")) if street.name.endswith("街道") else ("村", ("党支部书记",))
        )
        return [self.node(self.names.place(taken) + suffix, "village", (20, 160), titles) for _ in range(n)]

    def branches(self, n: int, departments: list[Node], villages: list[Node]) -> None:
        parents = departments + villages
        weights = [3.0] * len(departments) + [1.0] * len(villages)
        for parent, count in zip(parents, apportion(n, weights, self.rng), strict=True):
            prefix = f"{parent.name}机关" if parent.kind == "dept" else parent.name
            parent.children += [
                self.node(f"{prefix}第{self.ordinal(i)}党支部", "branch", (5, 45), ("党支部书记",))
                for i in range(1, count + 1)
            ]

    @staticmethod
    def ordinal(n: int) -> str:
        if n >= 100:
            return str(n)
        if n <= 10:
            return ORDINALS[n - 1]
        tens, ones = divmod(n, 10)
        return f"{ORDINALS[tens - 1] if tens > 1 else ''}十{ORDINALS[ones - 1] if ones else ''}"


def _next_root_path() -> str:
    last = Unit.objects.filter(parent__isnull=True).order_by("-path").values_list("path", flat=True).first()
    return paths.segment(int(last[: paths.SEGMENT]) + 1 if last else 1)


def write_tree(root: Node) -> int:
    """Insert the planned tree level by level; returns the number of units written."""
    kinds = {key: unit_kind(code, name, order) for key, (code, name, order, _) in KINDS.items()}

    def unit(node: Node, parent: Unit | None, path: str) -> Unit:
        node.unit = Unit(
            name=node.name,
            code=node.code,
            kind=kinds[node.kind],
            parent=parent,
            path=path,
            level=paths.depth(path),
            child_seq=len(node.children),
            member_count=node.member_count,
            leaders=node.leaders,
        )
        return node.unit

    Unit.objects.bulk_create([unit(root, None, _next_root_path())])
    level, written = [root], 1
    while level:
        units = [
            unit(child, node.saved(), paths.child_path(node.saved().path, i))
            for node in level
            for i, child in enumerate(node.children, 1)
        ]
        Unit.objects.bulk_create(units, batch_size=BATCH)
        written += len(units)
        level = [child for node in level for child in node.children]
    return written


def build_org_tree(total: int, rng: random.Random) -> OrgTree:
    """Plan and write about ``total`` units under a new root, with one audit record for the import."""
    if total < MIN_UNITS:
        raise ValueError(f"单位数不能少于 {MIN_UNITS}")
    root = Planner(rng).city(total)
    count = write_tree(root)
    record(
        Action.IMPORT,
        obj=root.saved(),
        actor_name="演示数据",
        detail=f"演示数据：批量导入 {count} 个单位",
        after={"units": count, "root": root.saved().path},
    )
    districts = [n for n in root.children if n.kind in ("district", "zone")]
    departments = [n for n in root.children if n.kind == "dept"]
    return OrgTree(root, districts, departments, count)
