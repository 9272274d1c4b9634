"""The suggestion lifecycle (建言献策) as a pure table.

待研判 → 已研判 (研判) → 已转办 (转办 to a unit with a deadline) → 已答复 (答复, by the referred unit or the office)
→ 已办结 (采纳认定: 全部采纳 / 部分采纳 / 未采纳); 不予采用 from 待研判 or 已研判. The office may answer a triaged
suggestion itself without referring it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.suggestions.choices import EventKind, SuggestionState
from luoshi.tracking.workflow import Transition, Workflow

S = SuggestionState

UNDECIDED: tuple[str, ...] = (S.SUBMITTED, S.TRIAGED)
ALL_STATES: tuple[str, ...] = tuple(S.values)
CONVERTIBLE: tuple[str, ...] = (S.TRIAGED, S.REFERRED, S.ANSWERED, S.CLOSED)
GROUPABLE: tuple[str, ...] = (S.SUBMITTED, S.TRIAGED, S.REFERRED, S.ANSWERED)
UNIT_NOTES: tuple[str, ...] = (S.REFERRED, S.ANSWERED)

TRANSITIONS: dict[str, Transition] = {
    "triage": Transition(_("研判"), (S.SUBMITTED,), S.TRIAGED, Perm.HANDLE_SUGGESTION, EventKind.TRIAGED),
    "refer": Transition(_("转办"), (S.TRIAGED,), S.REFERRED, Perm.HANDLE_SUGGESTION, EventKind.REFERRED),
    "answer": Transition(_("答复"), (S.REFERRED,), S.ANSWERED, Perm.ANSWER_SUGGESTION, EventKind.ANSWERED),
    "answer_office": Transition(
        _("办公室答复"), (S.TRIAGED, S.REFERRED), S.ANSWERED, Perm.HANDLE_SUGGESTION, EventKind.ANSWERED
    ),
    "decide": Transition(_("采纳认定"), (S.ANSWERED,), S.CLOSED, Perm.HANDLE_SUGGESTION, EventKind.DECIDED),
    "dismiss": Transition(_("不予采用"), UNDECIDED, S.DISMISSED, Perm.HANDLE_SUGGESTION, EventKind.DISMISSED),
}

WORKFLOW = Workflow(_("意见建议"), SuggestionState, TRANSITIONS)
