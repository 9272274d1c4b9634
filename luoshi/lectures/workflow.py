"""The lecture order lifecycle (宣讲点单) as a pure table.

已点单 → 已派单 (派单: the campaign's office fixes the date and half-day) → 已接单 (接单: the speaker) → 已宣讲 (the
speaker, or the office on the speaker's behalf, with the listener count) → 已评单 (评单: the ordering unit rates it).
The speaker may decline a dispatched order (已退回, final: the unit may order again); the ordering unit may cancel an
order before it is accepted (已取消).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.access.roles import Perm
from luoshi.lectures.choices import OrderEventKind, OrderState
from luoshi.tracking.workflow import Transition, Workflow

CANCELLABLE: tuple[str, ...] = (OrderState.ORDERED, OrderState.DISPATCHED)

TRANSITIONS: dict[str, Transition] = {
    "dispatch": Transition(
        pgettext_lazy("lecture order", "派单"),
        (OrderState.ORDERED,),
        OrderState.DISPATCHED,
        Perm.MANAGE_STUDY,
        OrderEventKind.DISPATCHED,
    ),
    "accept": Transition(
        pgettext_lazy("lecture order", "接单"),
        (OrderState.DISPATCHED,),
        OrderState.ACCEPTED,
        Perm.ACCEPT_LECTURE,
        OrderEventKind.ACCEPTED,
    ),
    "decline": Transition(
        _("退回点单"), (OrderState.DISPATCHED,), OrderState.DECLINED, Perm.ACCEPT_LECTURE, OrderEventKind.DECLINED
    ),
    "hold": Transition(
        _("登记已宣讲"), (OrderState.ACCEPTED,), OrderState.HELD, Perm.ACCEPT_LECTURE, OrderEventKind.HELD
    ),
    "record": Transition(
        _("代为登记已宣讲"), (OrderState.ACCEPTED,), OrderState.HELD, Perm.MANAGE_STUDY, OrderEventKind.HELD
    ),
    "rate": Transition(
        pgettext_lazy("lecture order", "评单"),
        (OrderState.HELD,),
        OrderState.RATED,
        Perm.ORDER_LECTURE,
        OrderEventKind.RATED,
    ),
    "cancel": Transition(
        _("取消点单"), CANCELLABLE, OrderState.CANCELLED, Perm.ORDER_LECTURE, OrderEventKind.CANCELLED
    ),
}

WORKFLOW = Workflow(_("宣讲点单"), OrderState, TRANSITIONS)
