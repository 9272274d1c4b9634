"""Proposal pages (征集 → 筛选 → 票决): the list, a unit's proposal, shortlisting, declining and the vote."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.forms import style_filters, submitted
from luoshi.core.pagination import Paginator
from luoshi.livelihood import forms as lforms
from luoshi.livelihood import queries, services
from luoshi.livelihood.choices import ProposalSource, ProposalState
from luoshi.livelihood.filters import ProposalFilterSet
from luoshi.livelihood.models import ProjectProposal
from luoshi.livelihood.tracker import PROPOSALS
from luoshi.livelihood.views import LivelihoodAction, buttons, chosen_campaign, refusal_notes, require_view

PAGE_SIZE = 50
PROPOSAL_BUTTONS = {
    "shortlist": ("livelihood:shortlist", "btn-primary"),
    "decline": ("livelihood:decline", "btn-outline-danger"),
    "reveal_contact": ("livelihood:reveal_contact", "btn-outline-secondary"),
}


def _vote_campaigns(user: Any) -> list[Campaign]:
    """Campaigns whose vote the user may record: those led by a unit where the user manages projects."""
    campaigns = queries.campaign_choices(user, Perm.MANAGE_PROJECTS).filter(is_active=True)
    return [c for c in campaigns if scope.can(user, Perm.MANAGE_PROJECTS, c.unit.path)]


def _style_filters(form: forms.Form) -> None:
    style_filters(form, [("state", ProposalState.choices)])
    campaign = form.fields["campaign"]
    assert isinstance(campaign, forms.ModelChoiceField)
    campaign.empty_label = _("全部")
    source = form.fields["source"].widget
    assert isinstance(source, forms.Select)
    source.choices = [("", _("全部")), *ProposalSource.choices]


def proposal_list(request: HttpRequest) -> HttpResponse:
    """项目建议: what units and citizens proposed, and where each stands; contacts are masked."""
    user = request.user
    require_view(user)
    filterset = ProposalFilterSet(request.GET, queryset=queries.visible_proposals(user), request=request)
    page = Paginator(filterset.qs, ("-id",), PAGE_SIZE).page(request.GET)
    _style_filters(filterset.form)
    context = {
        "form": filterset.form,
        "page": page,
        "can_propose": scope.has_perm_anywhere(user, Perm.PROPOSE_PROJECT),
        "can_vote": bool(_vote_campaigns(user)),
    }
    return render(request, "livelihood/proposals.html", context)


def load_proposal(user: Any, pk: int) -> ProjectProposal:
    related = ("campaign__unit", "unit", "lead_unit", "proposed_by")
    return scope.get_visible_or_404(ProjectProposal.objects.select_related(*related), user, Perm.VIEW, pk=pk)


def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    proposal = load_proposal(user, pk)
    project = getattr(proposal, "project", None)
    context = {
        "proposal": proposal,
        "vote": getattr(proposal, "vote", None),
        "project": project if project and scope.can(user, Perm.VIEW, project.org_path) else None,
        "events": list(proposal.events.select_related("actor").order_by("-at", "-id")),
        "buttons": buttons(PROPOSALS, PROPOSAL_BUTTONS, user, proposal),
        "notes": refusal_notes(PROPOSALS, user, proposal),
    }
    return render(request, "livelihood/proposal_detail.html", context)


@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    """提报项目建议 for a unit the user may propose for."""
    user = actor(request)
    campaigns = list(queries.campaign_choices(user, Perm.PROPOSE_PROJECT).filter(is_active=True))
    campaign = chosen_campaign(request, campaigns, _("您没有可以提报项目建议的活动。"))
    form = lforms.ProposalForm(request.POST or None, user=user, campaign=campaign)
    proposal, status = submitted(
        request, form, lambda: services.submit_proposal(user, campaign=campaign, **form.cleaned_data)
    )
    if proposal is not None:
        messages.success(request, _("项目建议 %(number)s 已提交。") % {"number": proposal.number})
        return redirect("livelihood:proposal_detail", pk=proposal.pk)
    context = {"form": form, "campaigns": campaigns, "campaign": campaign}
    return render(request, "livelihood/proposal_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest) -> HttpResponse:
    """票决: the counts of the campaign's shortlisted proposals; adopted ones become projects."""
    user = actor(request)
    campaigns = _vote_campaigns(user)
    campaign = chosen_campaign(request, campaigns, _("票决须由活动牵头单位的办公室录入。"))
    shortlisted = queries.visible_proposals(user, Perm.MANAGE_PROJECTS).filter(
        campaign=campaign, state=ProposalState.SHORTLISTED
    )
    form = lforms.VoteForm(request.POST or None, proposals=list(shortlisted.order_by("id")))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vote_round = services.hold_vote(
                user,
                campaign,
                name=data["name"],
                held_on=data["held_on"],
                voters=data["voters"],
                counts=data["counts"],
                note=data["note"],
            )
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            passed = vote_round.results.filter(adopted=True).count()
            messages.success(
                request,
                _("票决结果已录入：%(total)s 项中 %(passed)s 项通过，已转为民生实事项目。")
                % {"total": vote_round.results.count(), "passed": passed},
            )
            return redirect(reverse("livelihood:list") + f"?campaign={campaign.pk}")
    context = {"form": form, "campaigns": campaigns, "campaign": campaign}
    return render(request, "livelihood/vote.html", context)


class ProposalAction(LivelihoodAction):
    tracker = PROPOSALS
    object_name = "proposal"
    detail_url_name = "livelihood:proposal_detail"
    noun = gettext_lazy("项目建议")

    def load_object(self, user: Any, pk: int) -> ProjectProposal:
        return load_proposal(user, pk)


class ShortlistView(ProposalAction):
    action = "shortlist"
    title = gettext_lazy("筛选入围")
    success = gettext_lazy("建议已入围，待票决。")
    form_class = lforms.ShortlistForm

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user, "proposal": self.obj}

    def perform(self, data: dict[str, Any]) -> None:
        services.shortlist(
            self.actor(), self.obj, lead_unit=data["lead_unit"], note=data["note"], version=self.version(data)
        )


class DeclineView(ProposalAction):
    action = "decline"
    title = gettext_lazy("不予入围")
    success = gettext_lazy("已记录不予入围及理由。")
    form_class = lforms.ReasonForm
    submit_class = "btn-danger"

    def perform(self, data: dict[str, Any]) -> None:
        services.decline(self.actor(), self.obj, reason=data["reason"], version=self.version(data))


class RevealContactView(ProposalAction):
    """查看联系方式: the name and phone in clear, once per request, audited."""

    action = "reveal_contact"
    title = gettext_lazy("查看联系方式")
    form_class = lforms.VersionForm
    submit_class = "btn-outline-danger"

    def initial(self) -> dict[str, Any]:
        return {}

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            name, phone = services.reveal_contact(self.actor(), self.obj)
        except NotAllowed as exc:
            return self.render_page(None, 403, str(exc))
        except RuleViolation as exc:
            return self.render_page(None, 200, str(exc))
        context = {"proposal": self.obj, "name": name, "phone": phone}
        return render(request, "livelihood/contact.html", context)
