"""The public side of livelihood projects (民生实事, 群众端): no login, phone-first.

Only campaigns marked public are shown; the proposal form is open while the campaign collects proposals.
Every POST carries Django's CSRF token, is rate-limited per client IP and refused (413) when its body is too
large, before validation; bad input is a 400 with the form's messages. Nothing personal is ever shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.campaigns.models import Campaign
from luoshi.core.errors import RuleViolation
from luoshi.core.filters import parse_id
from luoshi.core.public import body_too_large, check_phone, check_plain_text, rate_limited
from luoshi.livelihood import queries, services
from luoshi.livelihood.choices import Category
from luoshi.livelihood.models import LivelihoodProject

PROPOSED_KEY = "livelihood_proposed"
RATE_BUCKET = "livelihood"  # LUOSHI_PUBLIC_RATE_LIMITS["livelihood"], this default when it is not set
DEFAULT_RATE_LIMIT = (10, 3600)


class PublicProposalForm(forms.Form):
    """我有建议: what the project would be; name and phone are optional."""

    campaign = forms.ModelChoiceField(label=gettext_lazy("活动"), queryset=Campaign.objects.none(), empty_label=None)
    title = forms.CharField(label=gettext_lazy("建议项目"), min_length=4, max_length=60)
    category = forms.ChoiceField(label=gettext_lazy("类别"), choices=Category.choices, initial=Category.OTHER)
    description = forms.CharField(
        label=gettext_lazy("具体内容"), min_length=10, max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    citizen_name = forms.CharField(label=gettext_lazy("姓名（选填）"), max_length=20, required=False)
    citizen_phone = forms.CharField(label=gettext_lazy("联系电话（选填）"), max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queries.collecting_campaigns()
        for name, bound in self.fields.items():
            widget = bound.widget
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if name == "citizen_phone":
                widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean_title(self) -> str:
        return check_plain_text(self.cleaned_data["title"])

    def clean_description(self) -> str:
        return check_plain_text(self.cleaned_data["description"])

    def clean_citizen_name(self) -> str:
        return check_plain_text(self.cleaned_data["citizen_name"])

    def clean_citizen_phone(self) -> str:
        # any white space (tabs, full-width spaces) inside the number is dropped, not only plain spaces
        return check_phone("".join(self.cleaned_data["citizen_phone"].split()))


def refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "livelihood/public/refused.html", {"message": message}, status=status)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """民生实事: the public campaigns; with one only, its projects straight away."""
    campaigns = list(queries.public_campaigns().order_by("-starts_on", "-id"))
    if len(campaigns) == 1:
        return redirect("public_livelihood:campaign", pk=campaigns[0].pk)
    return render(request, "livelihood/public/index.html", {"campaigns": campaigns})


@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """A public campaign's projects: progress bars, milestones reached, the evaluation."""
    found = queries.public_campaigns().filter(pk=parse_id(pk) or 0).first()
    if found is None:
        raise Http404(_("未找到该活动。"))
    projects = list(queries.public_projects(found))
    context = {
        "campaign": found,
        "projects": projects,
        "summary": queries.summary(LivelihoodProject.objects.filter(campaign=found)),
        "collecting": queries.settings_for(found).collecting and found.is_active,
    }
    return render(request, "livelihood/public/campaign.html", context)


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    """我有建议: a valid form becomes a proposal; anything else stores nothing."""
    if request.method != "POST":
        initial = {"campaign": parse_id(request.GET.get("campaign", ""))}
        return render(request, "livelihood/public/propose.html", {"form": PublicProposalForm(initial=initial)})
    if body_too_large(request):
        return refused(request, _("提交的内容过长，请精简后再提交。"), 413)
    if rate_limited(request, RATE_BUCKET, DEFAULT_RATE_LIMIT):
        return refused(request, _("操作过于频繁，请稍后再试。"), 429)
    form = PublicProposalForm(request.POST)
    if not form.is_valid():
        return render(request, "livelihood/public/propose.html", {"form": form}, status=400)
    try:
        with transaction.atomic():
            proposal = services.submit_public_proposal(None, **form.cleaned_data)
    except RuleViolation as exc:
        form.add_error(None, str(exc))
        return render(request, "livelihood/public/propose.html", {"form": form}, status=400)
    request.session[PROPOSED_KEY] = [proposal.number, proposal.campaign_id]
    return redirect("public_livelihood:proposed")


@require_GET
def proposed(request: HttpRequest) -> HttpResponse:
    """Thanks, with the proposal's number, once after the redirect."""
    pair = request.session.pop(PROPOSED_KEY, None)
    if not pair:
        return redirect("public_livelihood:index")
    return render(request, "livelihood/public/proposed.html", {"number": pair[0], "campaign_id": pair[1]})
