"""The read side of rankings: the units a scheme ranks, the draft of a period, published rankings in scope,
the content hash, and ``latest_published`` (the monthly report reads it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from luoshi.access.roles import Perm
from luoshi.campaigns import queries as campaign_queries
from luoshi.campaigns.models import Campaign
from luoshi.orgs.models import Unit
from luoshi.rankings import measures, scoring
from luoshi.rankings.choices import MEASURE_KEYS, Measure, UnitsMode
from luoshi.rankings.models import Ranking, RankingQuerySet, RankingScheme
from luoshi.rankings.periods import Period

CONTENT_VERSION = 1


def canonical_json(content: Any) -> str:
    """The canonical JSON of a ranking's content: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def content_hash(content: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of ``content``."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def hash_matches(ranking: Ranking) -> bool:
    """Whether the stored content still hashes to the stored hash."""
    return content_hash(ranking.content) == ranking.content_hash


def ranked_units(scheme: RankingScheme) -> list[Unit]:
    """The units a scheme ranks, in path order: the root's children, or every unit of a kind below the root."""
    if scheme.mode == UnitsMode.KIND and scheme.kind_id:
        below = Unit.objects.subtree(scheme.unit).exclude(pk=scheme.unit_id)
        return list(below.filter(kind_id=scheme.kind_id).order_by("path"))
    return list(Unit.objects.filter(parent=scheme.unit).order_by("path"))


def weights_of(scheme: RankingScheme) -> dict[str, float]:
    """The scheme's weights of the measures that carry weight, in the measures' order."""
    return {key: float(scheme.weights[key]) for key in MEASURE_KEYS if float(scheme.weights.get(key) or 0) > 0}


def previous_published(scheme: RankingScheme, period: Period) -> Ranking | None:
    """The current (not superseded) published ranking of the scheme for the latest period before ``period``."""
    earlier = Ranking.objects.filter(scheme=scheme, period_start__lt=period.start).current()
    return earlier.order_by("-period_start", "-id").first()


def current_for(scheme: RankingScheme, period: Period) -> Ranking | None:
    """The current published ranking of the scheme for ``period``, if any."""
    return Ranking.objects.filter(scheme=scheme, period_key=period.key).current().first()


@dataclass(frozen=True)
class Draft:
    """A ranking computed for a period and not yet published (草稿), with the hash of its content."""

    scheme: RankingScheme
    period: Period
    content: dict[str, Any]
    previous: Ranking | None

    @property
    def rows(self) -> list[dict[str, Any]]:
        return list(self.content["rows"])

    @property
    def hash(self) -> str:
        return content_hash(self.content)


def draft(scheme: RankingScheme, period: Period) -> Draft:
    """Compute the ranking of ``period`` from the data as it stands now."""
    units = ranked_units(scheme)
    weights = weights_of(scheme)
    values = measures.values_for(scheme.campaign, units, period, weights)
    rows = [
        {
            "unit_id": u.pk,
            "unit_name": u.name,
            "measures": {key: values[u.pk].get(key) for key in weights},
            "score": scoring.weighted_score(values[u.pk], weights),
            "sort_key": u.path,
        }
        for u in units
    ]
    rows = scoring.rank_rows(rows)
    for row in rows:
        del row["sort_key"]
    previous = previous_published(scheme, period)
    scoring.compare(rows, previous.rows if previous else None)
    scoring.bands(rows, scheme.highlight)
    content = {
        "version": CONTENT_VERSION,
        "scheme": {"id": scheme.pk, "name": scheme.name},
        "campaign": {"id": scheme.campaign_id, "name": scheme.campaign.name},
        "root": {"id": scheme.unit_id, "name": scheme.unit.name},
        "period": {"key": period.key, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "weights": weights,
        "highlight": scheme.highlight,
        "previous": previous.pk if previous else None,
        "rows": rows,
    }
    return Draft(scheme, period, content, previous)


# --- published rankings ---------------------------------------------------------------------------------------


def visible_rankings(user: Any) -> RankingQuerySet:
    return Ranking.objects.visible_to(user, Perm.VIEW).select_related("scheme", "campaign")


def visible_schemes(user: Any) -> QuerySet[RankingScheme]:
    return RankingScheme.objects.visible_to(user, Perm.VIEW).select_related("campaign", "unit", "kind")


def campaign_choices(user: Any) -> list[Campaign]:
    return list(campaign_queries.visible_campaigns(user, Perm.VIEW).order_by("-is_active", "-starts_on", "-id"))


def _day(before: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(before, dt.datetime):
        return before.date()
    if isinstance(before, dt.date):
        return before
    year, month = (int(part) for part in str(before).split("-")[:2])  # "2026-11": before that month
    return dt.date(year, month, 1)


def latest_published(campaign: Campaign, before: dt.date | dt.datetime | str | None = None) -> Ranking | None:
    """The latest current (not superseded) published ranking of ``campaign``; with ``before`` (a day, or a month
    as ``2026-11``), the latest whose period ended before that day (before that month). Its ``rows`` are dicts
    with ``unit_id``, ``unit_name``, ``score``, ``rank``, ``change`` (positive: up; None: new), ``flagged``
    (连续两期末位), ``band`` (red / black / "") and ``measures`` (key → value)."""
    found = Ranking.objects.filter(campaign=campaign).current()
    if before is not None:
        found = found.filter(period_end__lt=_day(before))
    return found.order_by("-period_start", "-published_at", "-id").first()


def measure_labels(keys: Any) -> list[tuple[str, str]]:
    labels = dict(Measure.choices)
    return [(key, str(labels.get(key, key))) for key in keys]
