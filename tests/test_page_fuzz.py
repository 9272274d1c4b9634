"""Every page asked with hostile query parameters or hostile form data answers below 500.

Each page of the scope matrix is fetched by its insider with every filter name the FilterSets declare and every
name a view reads itself, all set at once to one hostile value: an integer no database holds, an impossible
date, a NUL byte. Then every field name of the project's forms is posted to it the same way. A page may refuse or
ignore them; it may not fail.
"""

from __future__ import annotations

from typing import Any

import django_filters
import pytest
from django import forms
from django.test import Client
from django.urls import get_resolver, reverse

from luoshi.testing.scope_matrix import EXTRA_USERS, FORM_DATA, PAGE_LISTS, PAGE_OBJECTS, Seed
from luoshi.testing.twofactor import verified_login

pytestmark = pytest.mark.django_db
HUGE = "1" + "0" * 29
HOSTILE = [HUGE, "9999-99-99", "\x00"]
HOSTILE_FORMS = [*HOSTILE, "-1"]
# Names the views read from request.GET themselves, beside their FilterSets.
VIEW_PARAMS = {
    *("after", "all", "before", "cancel", "direction", "id", "ids", "kind", "level", "month", "next", "number"),
    *("offset", "page", "per_page", "period", "perm", "q", "record", "show", "sort", "space", "speaker", "state"),
    *("supersedes", "template", "todo", "topic", "type", "unit", "unit_q", "campaign", "year", "date"),
}


def _subclasses(cls: type) -> list[type]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


def param_names() -> list[str]:
    get_resolver().url_patterns  # noqa: B018 - loading the URLconf imports every view and FilterSet
    declared = {name for fs in _subclasses(django_filters.FilterSet) for name in getattr(fs, "base_filters", {})}
    return sorted(declared | VIEW_PARAMS)


def form_field_names() -> list[str]:
    get_resolver().url_patterns  # noqa: B018 - loading the URLconf imports every form
    forms_of_project = [f for f in _subclasses(forms.BaseForm) if f.__module__.startswith("luoshi.")]
    return sorted({name for form in forms_of_project for name in getattr(form, "base_fields", {})})


def address(seed: Seed, name: str) -> tuple[str, str]:
    if name in PAGE_OBJECTS:
        case = PAGE_OBJECTS[name](seed)
        return reverse(name, kwargs=case.kwargs), case.insider
    who = PAGE_LISTS[name].insider or "office_city"
    if who not in seed.world.users and who not in EXTRA_USERS:
        seed.everything()  # an insider that comes with the data (the speaker)
    return reverse(name), who


def test_the_names_include_the_filtersets_and_forms_own() -> None:
    names = param_names()
    assert {"deadline_before", "received_after", "offset"} <= set(names)
    assert {"assisting_units", "lead_unit", "deadline"} <= set(form_field_names())


@pytest.mark.parametrize("name", sorted({*PAGE_OBJECTS, *PAGE_LISTS}))
def test_page_answers_hostile_parameters_and_form_data_below_500(world: Any, name: str) -> None:
    seed = Seed(world)
    url, who = address(seed, name)
    client = Client(raise_request_exception=False)
    verified_login(client, seed.user(who))
    names = param_names()
    failed = [value for value in HOSTILE if client.get(url, dict.fromkeys(names, value)).status_code >= 500]
    assert not failed, f"GET {url} fails on {failed!r}"
    fields = form_field_names()
    failed = [
        v for v in HOSTILE_FORMS if client.post(url, {**FORM_DATA, **dict.fromkeys(fields, v)}).status_code >= 500
    ]
    assert not failed, f"POST {url} fails on {failed!r}"
