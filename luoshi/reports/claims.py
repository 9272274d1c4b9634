"""The claims check (数字核对): which figures of a report a rule maps to one of the platform's measures,
and whether the platform's own data supports them.

A rule applies to a figure when its unit is one of the rule's units (or the rule names none) and its
pattern matches a subject a clerk gave the figure, or a phrase near it in the figure's sentence: ending at most
``NEAR`` characters before it (``已整改销号36个``), covering it, or starting right after it
(``28个督导组``) — unless that phrase stands nearer to another figure (in ``44个问题已销号38个`` the 销号
belongs to 38). Of the rules that apply, the one whose phrase stands nearest wins; ties go to the
campaign's own rules, then to the lower ``order``.

Verdicts (``judge``): a range holds when the platform's count lies inside it; ``exact`` needs equality;
``more_than`` and ``at_least`` hold when the count is at least the figure, ``above`` when it is greater;
``at_most`` when it is at most the figure, ``below`` when smaller. ``about`` (约、近、左右) cannot be
compared exactly, nor can percentages and multiples with a count, nor a measure the platform does not
track: these are unverifiable, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from luoshi.campaigns.models import Campaign
from luoshi.core.errors import RuleViolation
from luoshi.core.patterns import compile_user_pattern
from luoshi.orgs.models import Unit
from luoshi.reports import services
from luoshi.reports.choices import Approx, MeasureKey, Verdict
from luoshi.reports.models import ClaimRule, Figure, Report
from luoshi.reports.queries import visible_reports

BEFORE = 60
AFTER = 30
NEAR = 12
PERCENT_PLACE = 0.05  # figures and progress are given to one decimal place
SENTENCE_END = "。！？!?\n"
CLAUSE_END = "，,；;。！？!?\n"
RATIO_UNITS = frozenset(services.CHANGE_UNITS)
VERDICT_ORDER = {Verdict.INCONSISTENT: 0, Verdict.UNVERIFIABLE: 1, Verdict.CONSISTENT: 2}


@dataclass(frozen=True)
class Claim:
    """One checked figure: the rule that mapped it, the platform's count and the verdict with its reason."""

    figure: Figure
    rule: ClaimRule
    verdict: str
    actual: float | None
    reason: str

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label)

    @property
    def measure_label(self) -> str:
        return str(services.MEASURES[self.rule.measure].label)


def effective_rules(campaign: Campaign) -> list[ClaimRule]:
    """The campaign's own rules first, then the platform defaults."""
    rules = ClaimRule.objects.filter(Q(campaign=campaign) | Q(campaign__isnull=True))
    return sorted(rules, key=lambda r: (r.campaign_id is None, r.order, r.pk))


def context_of(figure: Figure, text: str) -> tuple[str, int, int, int | None]:
    """The words around a figure, the figure's span within them, and where they start in the report text
    (None when the figure's offsets do not fit the text and its sentence stands in)."""
    offset: int | None = 0
    if not text or text[figure.start : figure.end] != figure.text:
        text, offset = figure.sentence, None
        start = text.find(figure.text)
        if start < 0:
            return figure.text, 0, len(figure.text), None
        end = start + len(figure.text)
    else:
        start, end = figure.start, figure.end
    left = text[max(0, start - BEFORE) : start]
    left = left[max(left.rfind(mark) for mark in SENTENCE_END) + 1 :]
    right = text[end : end + AFTER]
    stops = [i for i in (right.find(mark) for mark in CLAUSE_END) if i >= 0]
    right = right[: min(stops)] if stops else right
    words = left + text[start:end] + right
    return words, len(left), len(left) + end - start, None if offset is None else start - len(left)


def closeness(span: tuple[int, int], figure: tuple[int, int]) -> tuple[int, int] | None:
    """How close a matched phrase stands to a figure: (gap, side) with side 0 before, 1 over, 2 after it.

    A phrase counts before the figure within ``NEAR`` characters, after it only when adjacent (``44个问题``).
    """
    (a, b), (start, end) = span, figure
    if b <= start:
        gap, side = start - b, 0
    elif a >= end:
        gap, side = a - end, 2
    else:
        gap, side = 0, 1
    return (gap, side) if gap <= (NEAR if side == 0 else 0) else None


def match_rule(
    figure: Figure, rules: Iterable[ClaimRule], text: str = "", others: Iterable[tuple[int, int]] = ()
) -> ClaimRule | None:
    """The rule that maps ``figure`` to a measure, or None.

    ``others`` are the spans of the report's other figures: a phrase standing nearer to one of them
    belongs to that one (in ``44个问题已销号38个`` the 销号 is the 38's).
    """
    words, start, end, offset = context_of(figure, text)
    rivals = (
        [] if offset is None else [(a - offset, b - offset) for a, b in others if (a, b) != (figure.start, figure.end)]
    )
    steered = bool(figure.subject) and figure.subject != figure.original_subject
    best: tuple[tuple[int, int], int] | None = None
    found: ClaimRule | None = None
    for rank, rule in enumerate(rules):
        if rule.unit_list and figure.unit not in rule.unit_list:
            continue
        try:
            pattern = compile_user_pattern(rule.pattern)
        except RuleViolation:
            continue
        near = [_own(m.span(), (start, end), rivals) for m in pattern.finditer(words)]
        if steered and pattern.search(figure.subject):
            near.append((0, 1))
        kept = [n for n in near if n is not None]
        if kept and (best is None or (min(kept), rank) < best):
            best, found = (min(kept), rank), rule
    return found


def _own(span: tuple[int, int], figure: tuple[int, int], rivals: list[tuple[int, int]]) -> tuple[int, int] | None:
    mine = closeness(span, figure)
    if mine is None or figure[0] <= span[0] <= span[1] <= figure[1]:
        return mine  # a phrase within the figure's own text (``5大类``) is the figure's, whatever stands next to it
    for rival in rivals:
        theirs = closeness(span, rival)
        if theirs is not None and theirs < mine:
            return None
    return mine


def judge(figure: Figure, actual: float | None, measure_label: str = "", percent: bool = False) -> tuple[str, str]:
    """(verdict, reason) for a figure against the platform's count, or its percent when ``percent``."""
    if actual is None:
        return Verdict.UNVERIFIABLE, _("平台尚未记录{measure}。").format(measure=measure_label or _("该指标"))
    if percent:
        return _judge_percent(figure, actual)
    if figure.unit in RATIO_UNITS:
        return Verdict.UNVERIFIABLE, _("比例或倍数不能与计数直接比较。")
    if figure.approx == Approx.ABOUT and figure.value_max is None:
        return Verdict.UNVERIFIABLE, _("约数（约、近、左右）无法精确核对；平台记录 {actual}。").format(actual=actual)
    claimed = figure.value_text + figure.unit
    verdict = Verdict.CONSISTENT if _holds(figure, actual) else Verdict.INCONSISTENT
    return verdict, _("报告称 {claimed}，平台记录 {actual}。").format(claimed=claimed, actual=actual)


def _judge_percent(figure: Figure, actual: float) -> tuple[str, str]:
    """A progress percent against a figure in %, to the one decimal place both are given in."""
    recorded = f"{actual:g}%"
    if figure.unit != "%":
        return Verdict.UNVERIFIABLE, _("该指标是百分比，只与以 % 表示的数字核对；平台记录 {actual}。").format(
            actual=recorded
        )
    if figure.approx == Approx.ABOUT and figure.value_max is None:
        return Verdict.UNVERIFIABLE, _("约数（约、近、左右）无法精确核对；平台记录 {actual}。").format(actual=recorded)
    verdict = Verdict.CONSISTENT if _holds(figure, actual) else Verdict.INCONSISTENT
    claimed = figure.value_text + figure.unit
    return verdict, _("报告称 {claimed}，平台记录 {actual}。").format(claimed=claimed, actual=recorded)


def _holds(figure: Figure, actual: float) -> bool:
    value, approx = figure.value, figure.approx
    if figure.value_max is not None:
        return value <= actual <= figure.value_max
    if approx in (Approx.MORE_THAN, Approx.AT_LEAST):
        return actual >= value
    if approx == Approx.ABOVE:
        return actual > value
    if approx == Approx.AT_MOST:
        return actual <= value
    if approx == Approx.BELOW:
        return actual < value
    return abs(actual - value) < PERCENT_PLACE


@dataclass
class Checker:
    """Checks the figures of reports of one campaign, asking the database once per (measure, unit)."""

    campaign: Campaign
    rules: list[ClaimRule] = field(default_factory=list)
    counts: dict[tuple[str, int], float | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rules = self.rules or effective_rules(self.campaign)

    def count(self, key: str, unit: Unit) -> float | None:
        if (key, unit.pk) not in self.counts:
            self.counts[key, unit.pk] = services.measure_value(key, self.campaign, unit)
        return self.counts[key, unit.pk]

    def check(self, report: Report, figures: Iterable[Figure] | None = None) -> list[Claim]:
        claims = []
        every = list(report.figures.all())
        spans = [(f.start, f.end) for f in every]
        for figure in every if figures is None else figures:
            if figure.excluded:
                continue
            rule = match_rule(figure, self.rules, report.text, spans)
            if rule is None or rule.measure == MeasureKey.IGNORE:
                continue
            actual = self.count(rule.measure, report.unit)
            source = services.MEASURES[rule.measure]
            verdict, reason = judge(figure, actual, str(source.label), source.percent)
            claims.append(Claim(figure, rule, verdict, actual, reason))
        return claims


def check_report(report: Report) -> list[Claim]:
    """The checked claims of one report, in text order."""
    return Checker(report.campaign).check(report)


def check_report_figures(report: Report, figures: Iterable[Figure]) -> list[Claim]:
    """The checked claims of some figures of a report."""
    return Checker(report.campaign).check(report, figures)


def sort_claims(claims: list[Claim]) -> list[Claim]:
    """Inconsistent first, then unverifiable, then consistent; text order within each."""
    return sorted(claims, key=lambda c: (VERDICT_ORDER[Verdict(c.verdict)], c.figure.report_id, c.figure.start))


def unit_claims(user: Any, unit: Unit, limit: int = 50) -> list[Claim]:
    """The checked claims of the latest processed reports the unit sent, inconsistent first."""
    reports = visible_reports(user).filter(unit=unit, status="done").select_related("campaign", "unit")
    claims: list[Claim] = []
    checkers: dict[int, Checker] = {}
    for report in reports.prefetch_related("figures").order_by("-id")[:limit]:
        checker = checkers.setdefault(report.campaign_id, Checker(report.campaign))
        claims += checker.check(report)
    return sort_claims(claims)
