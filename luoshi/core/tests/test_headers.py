"""Every answer carries a Content-Security-Policy without inline script, and is never cached."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings

from luoshi.testing.twofactor import verified_login

TEMPLATE_ROOTS = [Path(settings.BASE_DIR) / "luoshi"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _policy(response) -> dict[str, list[str]]:
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def _assert_strict(response) -> None:
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def _templates() -> list[Path]:
    return [
        path
        for root in TEMPLATE_ROOTS
        for path in root.rglob("templates/**/*.html")
        if "tests" not in path.parts  # sample reports under test, not pages
    ]


def test_no_template_has_inline_script_or_event_handlers():
    offenders = [
        str(path)
        for path in _templates()
        if INLINE_SCRIPT.search(path.read_text()) or EVENT_HANDLER.search(path.read_text())
    ]
    assert len(_templates()) > 50
    assert offenders == []


@pytest.mark.parametrize("path", ["/accounts/login/", "/public/", "/api/v1/", "/open311/v2/discovery.json"])
def test_anonymous_answers_carry_the_policy_and_no_store(client, db, path):
    response = client.get(path)
    _assert_strict(response)
    assert "no-store" in response["Cache-Control"]


def test_authenticated_pages_carry_the_policy_and_no_store(client, world):
    verified_login(client, world.leader_a)
    for path in ["/problems/", "/problems/dashboard/", "/reports/", "/jobs/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_strict(response)
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path


def test_api_docs_load_their_script_from_a_url(client, world):
    verified_login(client, world.leader_a)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert not INLINE_SCRIPT.search(response.content.decode())
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_favicon_ico_leads_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("luoshi/favicon.svg")
    assert (Path(settings.BASE_DIR) / "luoshi/static/luoshi/favicon.svg").read_text().startswith("<svg")


class _AnyForm(forms.Form):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A")])
    note = forms.CharField(widget=forms.Textarea)
    on = forms.BooleanField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField()
    secret = forms.CharField(widget=forms.HiddenInput)
    styled = forms.CharField(widget=forms.TextInput(attrs={"class": "form-control-plaintext"}))


def test_form_controls_get_bootstrap_classes_unless_they_have_their_own():
    html = str(_AnyForm())
    assert re.search(r'<input type="text" name="name" class="form-control"', html)
    assert re.search(r'<select name="kind" class="form-select"', html)
    assert re.search(r'<textarea name="note" class="form-control"', html)
    assert re.search(r'<input type="checkbox" name="on" class="form-check-input"', html)
    assert re.search(r'<input type="date" name="day" class="form-control"', html)
    assert re.search(r'<input type="file" name="file" class="form-control"', html)
    assert re.search(r'<input type="hidden" name="secret"(?![^>]*class=)', html)
    assert 'class="form-control-plaintext"' in html
    assert html.count('name="styled"') == 1
    assert 'class="form-control" class=' not in html


def test_report_filters_are_styled(client, world):
    verified_login(client, world.liaison_a)
    html = client.get("/reports/").content.decode()
    assert re.search(r'<select name="status" class="form-select"', html)
    assert re.search(r'<select name="campaign" class="form-select"', html)
