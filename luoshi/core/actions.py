"""The page behind every state transition: GET shows the form, POST calls one service function."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from luoshi.core.errors import NotAllowed, RuleViolation


class ObjectActionView(View):
    """Rule errors come back on the form with the input kept; a refused permission is a 403 page.

    Subclasses name the object (``object_name``), how it is loaded within the user's scope
    (``load_object``), the page to return to (``detail_url_name``) and what the action does (``perform``).
    """

    title: Any = ""
    success: Any = ""
    form_class: type[forms.Form]
    submit_class = "btn-primary"
    template_name = ""
    object_name = ""
    detail_url_name = ""
    obj: Any

    def load_object(self, user: Any, pk: int) -> Any:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.obj = self.load_object(request.user, kwargs["pk"])
        setattr(self, self.object_name, self.obj)
        self.load_target(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def back_url(self) -> str:
        """The object's page, where the action page leads back to."""
        return reverse(self.detail_url_name, args=[self.obj.pk])

    def load_target(self, **kwargs: Any) -> None:
        """Load a sub-object named in the URL (a measure, an extension request), scoped through the object."""

    def form_kwargs(self) -> dict[str, Any]:
        return {}

    def initial(self) -> dict[str, Any]:
        return {"version": self.obj.version}

    def perform(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def refusal(self) -> HttpResponse | None:
        """The page to show instead of the form when the action is not open to the user now (GET only)."""
        return None

    def render_page(self, form: forms.Form | None, status: int = 200, notice: str = "") -> HttpResponse:
        context = {self.object_name: self.obj, "view": self, "form": form, "notice": notice}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        refused = self.refusal()
        if refused is not None:
            return refused
        return self.render_page(self.form_class(initial=self.initial(), **self.form_kwargs()))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST, request.FILES, initial=self.initial(), **self.form_kwargs())
        if not form.is_valid():
            return self.render_page(form)
        try:
            self.perform(form.cleaned_data)
        except NotAllowed as exc:
            form.add_error(None, str(exc) or _("您没有权限执行此操作。"))
            return self.render_page(form, 403)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
            return self.render_page(form)
        messages.success(request, self.success)
        return redirect(self.detail_url_name, pk=self.obj.pk)
