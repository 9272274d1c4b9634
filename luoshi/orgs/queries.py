"""The read side of the org tree: tree nodes with their subtree figures, breadcrumbs, the visible subtree.

Figures come from range scans on ``Unit.path`` (one per query), never from walking the tree in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Length, Substr

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.core import paths
from luoshi.orgs.models import Unit, UnitQuerySet

CHILDREN_PAGE = 200


@dataclass(frozen=True)
class TreeNode:
    """A unit as the tree shows it: direct children, units in its subtree (itself included), members in it."""

    unit: Unit
    child_count: int = 0
    subtree_units: int = 1
    subtree_members: int = 0


@dataclass(frozen=True)
class NodePage:
    nodes: list[TreeNode]
    next_offset: int | None


def _figures(lo: str, hi: str, prefix_len: int) -> dict[str, tuple[int, int, int]]:
    """(children, units, members) per distinct path prefix of ``prefix_len`` in the range [lo, hi)."""
    rows = (
        Unit.objects.order_by()
        .filter(path__gte=lo, path__lt=hi)
        .annotate(branch=Substr("path", 1, prefix_len), path_len=Length("path"))
        .values("branch")
        .annotate(
            units=Count("pk"),
            members=Sum("member_count"),
            direct=Count("pk", filter=Q(path_len=prefix_len + paths.SEGMENT + 1)),
        )
    )
    return {r["branch"]: (r["direct"], r["units"], r["members"] or 0) for r in rows}


def _node(unit: Unit, figures: dict[str, tuple[int, int, int]]) -> TreeNode:
    children, units, members = figures.get(unit.path, (0, 1, unit.member_count))
    return TreeNode(unit, children, units, members)


def nodes_for(units: list[Unit]) -> list[TreeNode]:
    """Tree nodes of arbitrary units (e.g. the tops of a scope): one range query per unit."""
    result = []
    for unit in units:
        figures = _figures(unit.path, paths.upper_bound(unit.path), len(unit.path))
        result.append(_node(unit, figures))
    return result


def sibling_nodes(units: list[Unit]) -> list[TreeNode]:
    """Tree nodes of siblings ordered by path: their subtrees are one contiguous range, so one query."""
    if not units:
        return []
    lo, hi = units[0].path, paths.upper_bound(units[-1].path)
    figures = _figures(lo, hi, len(units[0].path))
    return [_node(unit, figures) for unit in units]


def child_page(parent: Unit, offset: int = 0, limit: int | None = None) -> NodePage:
    limit = limit or CHILDREN_PAGE
    children = list(
        Unit.objects.filter(parent=parent).select_related("kind").order_by("path")[offset : offset + limit + 1]
    )
    more = len(children) > limit
    children = children[:limit]
    return NodePage(sibling_nodes(children), offset + limit if more else None)


def top_nodes(user: Any) -> list[TreeNode]:
    """The units at the top of what ``user`` may view."""
    tops = scope.scope_paths(user, Perm.VIEW)
    units = list(Unit.objects.filter(path__in=tops).select_related("kind").order_by("path"))
    return nodes_for(units)


def visible_ancestors(user: Any, unit: Unit) -> list[Unit]:
    """The breadcrumb: ancestors of ``unit`` that ``user`` may view, from the top down."""
    above = paths.ancestors(unit.path)[:-1]
    return list(Unit.objects.visible_to(user, Perm.VIEW).filter(path__in=above).order_by("path"))


def subtree(unit: Unit) -> UnitQuerySet:
    return Unit.objects.subtree(unit)


def visible_subtree(user: Any, perm: str, unit: Unit | None = None) -> QuerySet[Unit]:
    """Units ``user`` holds ``perm`` on, limited to ``unit``'s subtree when given, in path order."""
    units = Unit.objects.subtree(unit) if unit is not None else Unit.objects.all()
    return units.visible_to(user, perm).order_by("path")


def units_for(user: Any, perm: str, within: Unit | None = None) -> QuerySet[Unit]:
    """Units the user holds ``perm`` on, inside ``within``'s subtree when one is given."""
    units = Unit.objects.visible_to(user, perm)
    if within is not None:
        units = units.filter(paths.subtree_q(within.path, "path"))
    return units


def unit_shortlist(user: Any, perm: str, within: Unit | None = None, limit: int = 300) -> list[Unit]:
    """The first levels of the user's units, for a select box; deeper units are found by search."""
    tops = scope.scope_paths(user, perm)
    if not tops:
        return []
    base = min(paths.depth(top) for top in tops)
    if within is not None:
        base = max(base, paths.depth(within.path))
    return list(units_for(user, perm, within).filter(level__lte=base + 2).order_by("path")[:limit])
