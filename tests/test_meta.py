"""Meta tests: the project's tests keep up with its code.

A new route without a scope case, a model no test names, a management command no test runs, or a
service function no test calls fails here, with the list of what is missing.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

from luoshi.testing.scope_matrix import (
    API_LISTS,
    API_OBJECTS,
    EXEMPT,
    PAGE_LISTS,
    PAGE_OBJECTS,
    project_models,
    routes,
)

ROOT = Path(settings.BASE_DIR)
TEST_FOLDERS = ("luoshi", "tests", "e2e")


@cache
def project_test_modules() -> dict[Path, str]:
    """Every test module of the project (``test_*.py`` and ``conftest.py``), by path."""
    found = [p for folder in TEST_FOLDERS for p in (ROOT / folder).rglob("*.py")]
    modules = [p for p in found if p.name.startswith("test_") or p.name == "conftest.py"]
    return {p: p.read_text(encoding="utf-8") for p in sorted(modules)}


def all_test_text() -> str:
    return "\n".join(project_test_modules().values())


# --- every route has a scope case -------------------------------------------------------------------


def test_every_route_has_a_scope_case_or_a_reason() -> None:
    covered: set[str] = {*PAGE_OBJECTS, *PAGE_LISTS, *API_OBJECTS, *API_LISTS, *EXEMPT}
    missing = sorted(f"{name} ({r.route})" for name, r in routes().items() if name not in covered)
    assert not missing, "routes without a case in luoshi/testing/scope_matrix.py: " + ", ".join(missing)


def test_no_case_names_a_route_that_is_gone() -> None:
    known = set(routes())
    registries: dict[str, Mapping[str, object]] = {"PAGE_OBJECTS": PAGE_OBJECTS, "PAGE_LISTS": PAGE_LISTS}
    registries |= {"API_OBJECTS": API_OBJECTS, "API_LISTS": API_LISTS, "EXEMPT": EXEMPT}
    stale = sorted(f"{reg}[{name}]" for reg, names in registries.items() for name in names if name not in known)
    assert not stale, "cases for routes that no longer exist: " + ", ".join(stale)


def test_each_route_is_in_the_registry_of_its_kind() -> None:
    """Routes with object ids need an object case (outsiders get 404); pages and API have their own."""
    wrong = []
    for name, route in routes().items():
        if name in EXEMPT:
            continue
        objects, lists = (API_OBJECTS, API_LISTS) if route.is_api else (PAGE_OBJECTS, PAGE_LISTS)
        expected = objects if route.id_params else lists
        if name not in expected:
            kind = ("API " if route.is_api else "page ") + ("object" if route.id_params else "list")
            wrong.append(f"{name} ({route.route}) belongs to the {kind} cases")
    assert not wrong, "; ".join(wrong)


# --- every model, command and service function is tested ---------------------------------------------


def test_every_model_is_named_by_a_test() -> None:
    text = all_test_text()
    names = sorted({model.__name__ for model in project_models()})
    missing = [name for name in names if not re.search(rf"\b{name}\b", text)]
    assert not missing, "models no test module names: " + ", ".join(missing)


def project_commands() -> list[str]:
    return sorted(name for name, app in get_commands().items() if app.startswith("luoshi."))


def test_every_management_command_is_run_by_a_test() -> None:
    text = all_test_text()
    missing = [name for name in project_commands() if not re.search(rf"call_command\(\s*[\"']{name}[\"']", text)]
    assert not missing, "commands no test runs with call_command(): " + ", ".join(missing)


def service_modules() -> dict[str, list[str]]:
    """Public functions of every ``luoshi/<app>/services.py``, by module name."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "luoshi").glob("*/services.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
        found[f"luoshi.{path.parent.name}.services"] = functions
    return found


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _imported_names(tree: ast.Module, modules: set[str]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Local names bound to a services module, and local names bound to one of its functions."""
    aliases: dict[str, str] = {}
    functions: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                local, full = alias.asname or alias.name, f"{node.module}.{alias.name}"
                if full in modules:
                    aliases[local] = full
                elif node.module in modules:
                    functions[local] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules and alias.asname:
                    aliases[alias.asname] = alias.name
    return aliases, functions


def service_references(source: str, modules: set[str]) -> set[tuple[str, str]]:
    """(module, function) pairs a test module uses: ``services.f``, ``svc.f`` or an imported ``f``."""
    tree = ast.parse(source)
    aliases, functions = _imported_names(tree, modules)
    used: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner = _dotted(node.value)
            module = aliases.get(owner) or (owner if owner in modules else None)
            if module:
                used.add((module, node.attr))
        elif isinstance(node, ast.Name) and node.id in functions:
            used.add(functions[node.id])
    return used


def test_every_service_function_is_called_by_a_test() -> None:
    services = service_modules()
    used: set[tuple[str, str]] = set()
    for source in project_test_modules().values():
        used |= service_references(source, set(services))
    missing = [f"{module}.{name}" for module, names in services.items() for name in names if (module, name) not in used]
    assert not missing, "service functions no test module calls: " + ", ".join(missing)


def test_the_reference_finder_sees_each_way_of_calling_a_service() -> None:
    modules = {"luoshi.orgs.services", "luoshi.problems.services"}
    source = (
        "from luoshi.orgs import services\n"
        "from luoshi.problems import services as ps\n"
        "from luoshi.problems.services import claim as grab\n"
        "import luoshi.orgs.services\n"
        "services.create_unit(); ps.reopen(); grab(); luoshi.orgs.services.move_unit()\n"
        "from luoshi.problems.services import send_back\n"
    )
    found = service_references(source, modules)
    assert found == {
        ("luoshi.orgs.services", "create_unit"),
        ("luoshi.problems.services", "reopen"),
        ("luoshi.problems.services", "claim"),
        ("luoshi.orgs.services", "move_unit"),
    }
