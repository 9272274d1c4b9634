"""One paginator for every list page: a bounded count, a narrow seek for the page's ids, cursors past the bound.

A page is found in two queries: the ids of its rows, in the list's order, from the ordered ids alone
(an OFFSET over narrow index entries, from the nearer end of the list), then the full rows by id. The total
is counted only up to ``COUNT_LIMIT`` rows (``COUNT(*)`` over a ``LIMIT`` subquery): a longer list says
"10 万+" and is paged past that point by cursors (``after``/``before`` the id of a row) and reached from its
end (``last``). Bad page values never fail: anything that is not a positive whole number is page 1, a
number past the end is the last page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import QueryDict

COUNT_LIMIT = 100_000
PARAMS = ("page", "after", "before", "last")
_MAX_DIGITS = 12


def _positive(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value.isdigit() or len(value) > _MAX_DIGITS:
        return None
    number = int(value)
    return number if number > 0 else None


def bounded_count(queryset: QuerySet[Any], limit: int | None = None) -> int:
    """The number of rows, counted up to ``limit + 1`` at most (a count over a LIMIT subquery)."""
    return queryset.order_by().values("pk")[: (limit or COUNT_LIMIT) + 1].count()


@dataclass
class Page:
    rows: list[Any]
    number: int | None
    per_page: int
    count: int
    exact: bool
    query: str = ""
    limit: int = COUNT_LIMIT
    has_previous: bool = False
    has_next: bool = False
    previous_link: str = ""
    next_link: str = ""
    last_link: str = ""
    numbers: list[tuple[int, str] | None] = field(default_factory=list)
    hidden: list[tuple[str, str]] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def object_list(self) -> list[Any]:
        return self.rows

    @property
    def num_pages(self) -> int:
        return max(1, -(-min(self.count, self.limit) // self.per_page))

    @property
    def first_link(self) -> str:
        return self.link(1)

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def link(self, number: int) -> str:
        return _join(self.query, f"page={number}")


def _join(query: str, param: str) -> str:
    return f"?{query}&{param}" if query else f"?{param}"


def _key_q(model: type[Model], ordering: Sequence[str], pk: int, after: bool) -> Q | None:
    """Rows strictly after (or before) the row ``pk`` in ``ordering``; None if that row is gone."""
    names = [f.lstrip("-") for f in ordering]
    values = model._default_manager.filter(pk=pk).values(*names).first()
    if values is None:
        return None
    condition = Q()
    equal = Q()
    for spec, name in zip(ordering, names, strict=True):
        descending = spec.startswith("-")
        op = "lt" if descending == after else "gt"
        condition |= equal & Q(**{f"{name}__{op}": values[name]})
        equal &= Q(**{name: values[name]})
    return condition


def _fetch(queryset: QuerySet[Any], ids: list[int]) -> list[Any]:
    by_id = {row.pk: row for row in _full_rows(queryset, ids)}
    return [by_id[i] for i in ids if i in by_id]


def _full_rows(queryset: QuerySet[Any], ids: list[int]) -> QuerySet[Any]:
    return queryset.order_by().filter(pk__in=ids)


def _reversed(ordering: Sequence[str]) -> list[str]:
    return [f[1:] if f.startswith("-") else f"-{f}" for f in ordering]


class Paginator:
    """``Paginator(queryset, ordering, per_page).page(request.GET)``; ``ordering`` must end with the primary key.

    ``rows``, when given, is what the page's rows are read from by id: per-row work such as counts of related
    rows is then done for one page only, never in the count or the seek over the whole list."""

    def __init__(
        self, queryset: QuerySet[Any], ordering: Sequence[str], per_page: int, rows: QuerySet[Any] | None = None
    ) -> None:
        if not ordering or ordering[-1].lstrip("-") not in ("id", "pk"):
            raise ValueError("the ordering must end with the id")
        self.queryset = queryset
        self.rows = queryset if rows is None else rows
        self.ordering = list(ordering)
        self.per_page = per_page

    def _ids(self, ordering: Sequence[str], condition: Q | None, start: int, stop: int) -> list[int]:
        ids = self.queryset.order_by(*ordering)
        if condition is not None:
            ids = ids.filter(condition)
        return list(ids.values_list("pk", flat=True)[start:stop])

    def page(self, params: QueryDict) -> Page:
        count = bounded_count(self.queryset)
        query = params.copy()
        for name in PARAMS:
            query.pop(name, None)
        base = Page([], None, self.per_page, count, count <= COUNT_LIMIT, query.urlencode(), limit=COUNT_LIMIT)
        base.hidden = [(name, value) for name, values in query.lists() for value in values]
        cursor = self._cursor(params)
        if cursor is not None and cursor[0] == "last" and base.exact:
            return self._numbered(base, base.num_pages)
        if cursor is not None:
            return self._cursor_page(base, *cursor)
        return self._numbered(base, _positive(params.get("page")) or 1)

    def _cursor(self, params: QueryDict) -> tuple[str, int | None] | None:
        if params.get("last"):
            return "last", None
        for name in ("after", "before"):
            pk = _positive(params.get(name))
            if pk is not None:
                return name, pk
        return None

    def _numbered(self, page: Page, number: int) -> Page:
        number = min(number, page.num_pages)
        start = (number - 1) * self.per_page
        stop = start + self.per_page
        if page.exact and start > page.count // 2:
            back = self._ids(_reversed(self.ordering), None, max(0, page.count - stop), page.count - start)
            ids = back[::-1]
        else:
            ids = self._ids(self.ordering, None, start, stop)
        page.rows = _fetch(self.rows, ids)
        page.number = number
        page.has_previous = number > 1
        page.has_next = number < page.num_pages or (not page.exact and bool(ids))
        page.previous_link = page.link(number - 1)
        page.next_link = page.link(number + 1) if number < page.num_pages else self._after_link(page, ids)
        page.last_link = page.link(page.num_pages) if page.exact else _join(page.query, "last=1")
        page.numbers = [(n, page.link(n)) if n else None for n in _numbers(number, page.num_pages)]
        return page

    def _cursor_page(self, page: Page, direction: str, pk: int | None) -> Page:
        forward = direction == "after"
        condition = _key_q(self.queryset.model, self.ordering, pk, forward) if pk is not None else None
        if pk is not None and condition is None:
            return self._numbered(page, 1)
        ordering = self.ordering if forward else _reversed(self.ordering)
        ids = self._ids(ordering, condition, 0, self.per_page + 1)
        more = len(ids) > self.per_page
        ids = ids[: self.per_page] if forward else ids[: self.per_page][::-1]
        page.rows = _fetch(self.rows, ids)
        page.has_previous = bool(ids) and (forward or more)
        page.has_next = bool(ids) and (more if forward else direction == "before")
        page.previous_link = _join(page.query, f"before={ids[0]}") if ids else ""
        page.next_link = self._after_link(page, ids)
        page.last_link = page.link(page.num_pages) if page.exact else _join(page.query, "last=1")
        return page

    def _after_link(self, page: Page, ids: list[int]) -> str:
        return _join(page.query, f"after={ids[-1]}") if ids else ""


def _numbers(current: int, total: int, around: int = 2) -> list[int | None]:
    """Page numbers to show, with None for a gap: 1 … 4 5 [6] 7 8 … 20."""
    shown = sorted({1, total, *range(max(1, current - around), min(total, current + around) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out
