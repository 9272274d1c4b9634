"""The actions on a suggestion, one ``TransitionView`` each: offered only when the engine says so."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import parse_id
from luoshi.suggestions import forms as sforms
from luoshi.suggestions import queries, services
from luoshi.suggestions.models import Suggestion
from luoshi.suggestions.views import load_suggestion
from luoshi.tracking.views import TransitionView

DEFAULT_DAYS = 15


class SuggestionActionView(TransitionView):
    tracker = services.TRACKER
    form_class: type[forms.Form] = sforms.VersionForm
    template_name = "suggestions/action.html"
    object_name = "s"
    detail_url_name = "suggestions:detail"
    s: Suggestion

    def load_object(self, user: Any, pk: int) -> Suggestion:
        return load_suggestion(user, pk)


class TriageView(SuggestionActionView):
    action = "triage"
    title = _("研判")
    success = _("已研判。")
    form_class = sforms.TriageForm

    def initial(self) -> dict[str, Any]:
        s = self.obj
        return {"version": s.version, "category": s.category, "topic": s.topic, "group": s.group_id}

    def form_kwargs(self) -> dict[str, Any]:
        return {"groups": queries.groups_for(self.obj.campaign)}

    def perform(self, data: dict[str, Any]) -> None:
        services.triage_suggestion(
            self.actor(),
            self.obj,
            category=data["category"],
            topic=data.get("topic") or "",
            group=data.get("group"),
            note=data.get("note") or "",
            version=data.get("version"),
        )


class ReferView(SuggestionActionView):
    action = "refer"
    title = _("转办")
    success = _("已转办，承办单位将收到通知。")
    form_class = sforms.ReferForm

    def initial(self) -> dict[str, Any]:
        return {"version": self.obj.version, "deadline": services.today() + dt.timedelta(days=DEFAULT_DAYS)}

    def form_kwargs(self) -> dict[str, Any]:
        units = queries.referral_units(self.request.user, self.obj.campaign)
        shown = [("", "—"), *((u.pk, str(u)) for u in units.order_by("path")[:300])]
        return {"units": (units, shown)}

    def perform(self, data: dict[str, Any]) -> None:
        services.refer_suggestion(
            self.actor(),
            self.obj,
            unit=data["unit"],
            deadline=data["deadline"],
            note=data.get("note") or "",
            version=data.get("version"),
        )


class AnswerView(SuggestionActionView):
    """答复, by the referred unit or the office; the text may start from an answer template (``?template=``)."""

    action = "answer"
    title = _("答复")
    success = _("已答复。")
    form_class = sforms.AnswerForm

    def load_target(self, **kwargs: Any) -> None:
        self.action = services.answer_action(self.request.user, self.obj)
        self.templates = list(queries.templates_for(self.obj.campaign))

    def initial(self) -> dict[str, Any]:
        wanted = parse_id(self.request.GET.get("template", ""))
        chosen = next((t for t in self.templates if t.pk == wanted), None)
        return {"version": self.obj.version, "text": chosen.text if chosen else self.obj.answer}

    def perform(self, data: dict[str, Any]) -> None:
        services.answer_suggestion(
            self.actor(), self.obj, text=data["text"], public=data["public"], version=data.get("version")
        )


class DecideView(SuggestionActionView):
    action = "decide"
    title = _("采纳认定")
    success = _("已认定，建议已办结。")
    form_class = sforms.DecideForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.decide_suggestion(
            self.actor(), self.obj, adoption=data["adoption"], reason=data["reason"], version=data.get("version")
        )


class DismissView(SuggestionActionView):
    action = "dismiss"
    title = _("不予采用")
    success = _("已标记为不予采用。")
    form_class = sforms.DismissForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.dismiss_suggestion(self.actor(), self.obj, reason=data["reason"], version=data.get("version"))


class NoteView(SuggestionActionView):
    action = "note"
    title = _("内部备注")
    success = _("已添加内部备注。")
    form_class = sforms.NoteForm

    def load_target(self, **kwargs: Any) -> None:
        self.action = services.note_action(self.request.user, self.obj)

    def perform(self, data: dict[str, Any]) -> None:
        services.add_note(self.actor(), self.obj, text=data["text"])


class GroupView(SuggestionActionView):
    """归并同类建议: into a group of the campaign, a new one, or out of its group."""

    action = "group"
    title = _("归并同类建议")
    success = _("已更新同类建议。")
    form_class = sforms.GroupChoiceForm

    def initial(self) -> dict[str, Any]:
        return {"version": self.obj.version, "group": self.obj.group_id}

    def form_kwargs(self) -> dict[str, Any]:
        return {"groups": queries.groups_for(self.obj.campaign)}

    def perform(self, data: dict[str, Any]) -> None:
        user, version = self.actor(), data.get("version")
        if data.get("remove"):
            services.remove_from_group(user, self.obj, version=version)
            return
        group = data.get("group")
        if group is None:
            group = services.create_group(user, campaign=self.obj.campaign, title=data["new_title"])
        services.add_to_group(user, self.obj, group, version=version)


class ConvertTaskView(SuggestionActionView):
    action = "convert"
    title = _("转化为重点任务")
    success = _("已转化为重点任务。")
    form_class = sforms.ConvertTaskForm

    def initial(self) -> dict[str, Any]:
        return {"version": self.obj.version, "title": self.obj.title}

    def perform(self, data: dict[str, Any]) -> None:
        services.convert_to_task(
            self.actor(),
            self.obj,
            title=data["title"],
            due_on=data["due_on"],
            description=data.get("description") or "",
        )


class ConvertProblemView(SuggestionActionView):
    action = "convert"
    title = _("转化为问题")
    success = _("已转化为问题。")
    form_class = sforms.ConvertProblemForm

    def initial(self) -> dict[str, Any]:
        return {"version": self.obj.version, "title": self.obj.title}

    def form_kwargs(self) -> dict[str, Any]:
        return {"campaign": self.obj.campaign}

    def perform(self, data: dict[str, Any]) -> None:
        services.convert_to_problem(
            self.actor(),
            self.obj,
            title=data["title"],
            channel=data["channel"],
            aspect=data["aspect"],
            deadline=data["deadline"],
            description=data.get("description") or "",
        )


class ConvertProposalView(SuggestionActionView):
    action = "convert"
    title = _("转化为民生实事项目建议")
    success = _("已转化为民生实事项目建议。")
    form_class = sforms.ConvertProposalForm

    def initial(self) -> dict[str, Any]:
        return {"version": self.obj.version, "title": self.obj.title[:100], "description": self.obj.content}

    def perform(self, data: dict[str, Any]) -> None:
        services.convert_to_proposal(
            self.actor(),
            self.obj,
            title=data["title"],
            category=data["category"],
            description=data.get("description") or "",
        )
