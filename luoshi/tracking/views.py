"""The one page behind every action on tracked work: GET offers it only when the engine says so."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.accounts.acting import actor as acting_user
from luoshi.accounts.models import User
from luoshi.core.actions import ObjectActionView
from luoshi.tracking import engine


class TransitionView(ObjectActionView):
    """A transition or activity named ``action`` of a mechanism's ``tracker``; POST asks the service."""

    tracker: engine.Tracker[Any]
    action = ""

    def actor(self) -> User:
        return acting_user(self.request)

    def perm(self) -> str:
        if self.action in self.tracker.workflow.transitions:
            return self.tracker.workflow[self.action].perm
        return self.tracker.activities[self.action].perm

    def available(self) -> bool:
        return self.action in engine.available_actions(self.tracker, self.actor(), self.obj)

    def refusal(self) -> HttpResponse | None:
        if not scope.can(self.request.user, self.perm(), self.obj.org_path):
            return self.render_page(None, 403, _("您无权执行「%(action)s」。") % {"action": self.title})
        if not self.available():
            reason = engine.refusals(self.tracker, self.actor(), self.obj).get(self.action)
            notice = _("该%(noun)s当前不能执行「%(action)s」。") % {
                "noun": self.tracker.workflow.noun,
                "action": self.title,
            }
            return self.render_page(None, 200, f"{notice}{reason or ''}")
        return None
