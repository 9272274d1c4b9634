"""我的待办: the home page of every role, built from one function per domain app.

Each provider takes the user and returns the sections of the roles it knows (an empty list otherwise);
each item carries a label, a count and the link of the filtered list that shows exactly those items.
Providers are named here, not imported, so that ``core`` keeps depending on no domain app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.utils.module_loading import import_string

PROVIDERS = (
    "luoshi.problems.todo.todo_sections",
    "luoshi.demands.todo.todo_sections",
    "luoshi.accounts.todo.todo_sections",
    "luoshi.audit.todo.todo_sections",
)


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


def link(path: str, params: Sequence[tuple[str, Any]] = ()) -> str:
    return f"{path}?{urlencode(list(params))}" if params else path


def sections(user: Any) -> list[TodoSection]:
    found: list[TodoSection] = []
    for name in PROVIDERS:
        provider: Callable[[Any], list[TodoSection]] = import_string(name)
        found.extend(provider(user))
    return found
