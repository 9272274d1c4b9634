"""Materialized org paths: each level is five digits and a dot (``00001.00003.``)."""

from __future__ import annotations

from django.db.models import Q

SEGMENT = 5
MAX_CHILDREN = 10**SEGMENT - 1


def segment(n: int) -> str:
    if not 1 <= n <= MAX_CHILDREN:
        raise ValueError(f"child number {n} out of range")
    return f"{n:0{SEGMENT}d}."


def child_path(parent_path: str, n: int) -> str:
    return parent_path + segment(n)


def depth(path: str) -> int:
    return path.count(".")


def upper_bound(path: str) -> str:
    """The smallest string above every path in the subtree of ``path`` ('.' + 1 is '/')."""
    return path[:-1] + chr(ord(path[-1]) + 1)


def subtree_q(path: str, field: str = "org_path") -> Q:
    return Q(**{f"{field}__gte": path, f"{field}__lt": upper_bound(path)})


def ancestors(path: str) -> list[str]:
    """All paths from the root down to and including ``path``."""
    parts = path.split(".")[:-1]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def is_within(path: str, ancestor: str) -> bool:
    return path.startswith(ancestor)
