"""The pieces of 我的待办 that every app uses: items, sections, links, and the per-role items of a list.

The home page itself (``luoshi.home``) gathers them from the apps; nothing here depends on any app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

Params = list[tuple[str, Any]]
Spec = tuple[Any, Callable[[Any], Params]]
Counter = Callable[[Any, Params], int]


@dataclass(frozen=True)
class TodoItem:
    label: str
    count: int | None
    url: str
    limit: int | None = None

    @property
    def more(self) -> bool:
        return self.limit is not None and self.count is not None and self.count > self.limit


@dataclass
class TodoSection:
    role: str
    title: str
    items: list[TodoItem] = field(default_factory=list)


@dataclass(frozen=True)
class RoleTodos:
    """The items each role has to act on in one list: a label and the list's filter parameters per item, the
    permission the list is seen with, the list's URL name, and how the list counts what it shows."""

    items: dict[str, Sequence[Spec]]
    view_perm: str
    list_name: str
    count: Counter


def link(path: str, params: Sequence[tuple[str, Any]] = ()) -> str:
    return f"{path}?{urlencode(list(params))}" if params else path
