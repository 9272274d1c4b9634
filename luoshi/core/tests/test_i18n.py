"""Chinese is every page's default language; English is one switch away and fully translated."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import RuleViolation
from luoshi.problems import services
from luoshi.problems.choices import Kind, Severity
from luoshi.problems.imports import KIND_BY_LABEL, SEVERITY_BY_LABEL
from luoshi.testing.problems import new_problem
from luoshi.testing.twofactor import verified_login

CATALOG = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
TEMPLATE_DIRS = sorted(Path(settings.BASE_DIR, "luoshi").glob("**/templates"))
CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Entry:
    """One message of a .po catalog."""

    msgid: str = ""
    context: str | None = None
    plural: str | None = None
    translations: list[str] = field(default_factory=list)
    fuzzy: bool = False


def _unquote(line: str) -> str:
    text: str = ast.literal_eval(line.strip())
    return text


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file (header excluded); enough of the format for the catalogs makemessages writes."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry, current = Entry(), ""
        for line in block.splitlines():
            keyword, _space, rest = line.partition(" ")
            if line.startswith("#,"):
                entry.fuzzy = "fuzzy" in line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                _append(entry, current, _unquote(line))
            else:
                current = keyword
                _append(entry, current, _unquote(rest), start=True)
        if entry.msgid:
            entries.append(entry)
    return entries


def _append(entry: Entry, keyword: str, text: str, start: bool = False) -> None:
    if keyword == "msgid":
        entry.msgid += text
    elif keyword == "msgctxt":
        entry.context = (entry.context or "") + text
    elif keyword == "msgid_plural":
        entry.plural = (entry.plural or "") + text
    elif keyword.startswith("msgstr"):
        if start:
            entry.translations.append(text)
        else:
            entry.translations[-1] += text


@pytest.fixture(scope="module")
def catalog() -> list[Entry]:
    return parse_po((CATALOG / "django.po").read_text(encoding="utf-8"))


def english(client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- default language --------------------------------------------------------------------------


def test_anonymous_visitor_gets_chinese_login_page(client, db):
    html = html_of(client.get(reverse("accounts:login")))
    assert '<html lang="zh-hans">' in html
    for text in ("登录", "用户名", "密码", "落实 · 闭环管理平台"):
        assert text in html
    assert 'action="/i18n/setlang/"' in html


def test_logged_in_user_gets_chinese_pages(client, world):
    verified_login(client, world.office_city)
    html = html_of(client.get(reverse("problems:dashboard")))
    assert '<html lang="zh-hans">' in html
    for text in ("整改看板", "问题清单", "销号率", "退出"):
        assert text in html
    assert "Rectification dashboard" not in html


# --- switching to English ------------------------------------------------------------------------


def test_login_page_in_english_after_switching(client, db):
    english(client)
    html = html_of(client.get(reverse("accounts:login")))
    assert '<html lang="en">' in html
    for text in ("Log in", "Username", "Password", "Luoshi · Closed-loop management platform"):
        assert text in html
    for chinese in ("登录", "用户名", "密码"):
        assert chinese not in html


def test_failed_login_message_in_english(client, world):
    english(client)
    html = html_of(client.post(reverse("accounts:login"), {"username": "office_a", "password": "wrong"}))
    assert "Wrong username or password." in html
    assert "用户名或密码错误" not in html


def test_dashboard_in_english(client, world):
    new_problem(world)
    english(client)
    verified_login(client, world.office_city)
    html = html_of(client.get(reverse("problems:dashboard")))
    for text in ("Rectification dashboard", "Total problems", "Close-out rate", "Problem list", "Log out"):
        assert text in html
    for chinese in ("整改看板", "问题总数", "销号率", "超期未销号", "退出"):
        assert chinese not in html


def test_problem_list_in_english_keeps_data_in_chinese(client, world):
    new_problem(world, title="食堂浪费现象突出")
    english(client)
    verified_login(client, world.liaison_a)
    html = html_of(client.get(reverse("problems:list")))
    for text in ("Problem list", "Pending claim", "Responsible unit", "Import ledger"):
        assert text in html
    assert "食堂浪费现象突出" in html  # what users typed stays as typed
    for chinese in ("问题清单", "待认领", "责任单位", "导入台账"):
        assert chinese not in html


def test_switching_back_to_chinese(client, world):
    english(client)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    verified_login(client, world.office_city)
    html = html_of(client.get(reverse("problems:list")))
    assert '<html lang="zh-hans">' in html
    assert "问题清单" in html


# --- Python messages and records -----------------------------------------------------------------


def test_rule_messages_follow_the_active_language(world):
    problem = new_problem(world)
    for language, expected in (("zh-hans", "问题标题不能为空。"), ("en", "Problem title is required.")):
        with translation.override(language), pytest.raises(RuleViolation) as caught:
            services.edit_problem(world.office_a, problem, problem.version, title="  ")
        assert str(caught.value) == expected


def test_records_stay_in_the_default_language(world):
    problem = new_problem(world)
    with translation.override("en"):
        services.claim(world.leader_a, problem, problem.version)
    event = AuditEvent.objects.filter(action=Action.TRANSITION, object_id=str(problem.pk)).latest("seq")
    assert event.detail.startswith("认领")


def test_ledger_labels_are_the_chinese_choice_labels():
    with translation.override(settings.LANGUAGE_CODE):
        assert {str(label): value for value, label in Severity.choices} == SEVERITY_BY_LABEL
        assert {str(label): value for value, label in Kind.choices} == KIND_BY_LABEL


# --- the catalog ---------------------------------------------------------------------------------


def test_catalog_has_no_untranslated_or_fuzzy_entries(catalog):
    assert len(catalog) > 500
    untranslated = [e.msgid for e in catalog if not all(t.strip() for t in e.translations)]
    fuzzy = [e.msgid for e in catalog if e.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_their_placeholders(catalog):
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+(?::[^}]*)?\}")
    broken = [
        e.msgid
        for e in catalog
        for t in e.translations
        if sorted(placeholder.findall(e.msgid)) != sorted(placeholder.findall(t))
    ]
    assert broken == []


def test_compiled_catalog_matches_the_po_file(catalog):
    """The .mo must be recompiled (compilemessages) whenever the .po changes."""
    with (CATALOG / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    stale = []
    for e in catalog:
        if e.plural is not None:
            got = [mo.ngettext(e.msgid, e.plural, n) for n in (1, 2)]
            want = e.translations[:2]
        elif e.context is not None:
            got, want = [mo.pgettext(e.context, e.msgid)], e.translations
        else:
            got, want = [mo.gettext(e.msgid)], e.translations
        if got != want:
            stale.append(e.msgid)
    assert stale == []


def _template_texts() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for folder in TEMPLATE_DIRS for path in folder.glob("**/*.html")}


def test_templates_show_no_chinese_outside_translation_tags():
    untranslated = {}
    for path, text in _template_texts().items():
        rest = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", "", text, flags=re.S)
        rest = re.sub(r"{%\s*translate\s.*?%}|{#.*?#}", "", rest, flags=re.S)
        lines = [line.strip() for line in rest.splitlines() if CJK.search(line)]
        if lines:
            untranslated[str(path)] = lines
    assert untranslated == {}


def test_templates_that_translate_load_i18n():
    missing = [
        str(path)
        for path, text in _template_texts().items()
        if re.search(r"{%\s*(block)?translate\b", text) and not re.search(r"{%\s*load\b[^%]*\bi18n\b", text)
    ]
    assert missing == []


def test_every_template_string_is_in_the_catalog(catalog):
    """Guards against a new {% translate %} string without makemessages."""
    known = {e.msgid for e in catalog if e.context is None}
    tag = re.compile(r'{%\s*translate\s+"([^"]+)"(?:\s+as\s+\w+)?\s*%}')
    missing = sorted(
        {m.replace("%", "%%") if "%" in m else m for text in _template_texts().values() for m in tag.findall(text)}
        - known
    )
    assert missing == []
