"""Open311 read back over real HTTP by ``georeport``, a published GeoReport v2 client, in JSON and XML."""

from __future__ import annotations

from typing import Any

import pytest
from georeport import GeoReport

from luoshi.demands.models import Category
from luoshi.demands.tests.public_helpers import categories, finished, received
from luoshi.testing.world import build_world

# The server runs in another thread, so the data is committed (and flushed afterwards).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_services_and_requests(live_server: Any, no_proxy: None, fmt: str) -> None:
    world = build_world()
    cats = categories()
    open_one = received(cats["物业服务"])
    done = finished(world, received(cats["交通"]))
    client = GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)

    services = client.get_service_list()
    assert {s["service_code"] for s in services} == {str(pk) for pk in Category.objects.values_list("pk", flat=True)}
    definition = client.get_service_definition(str(cats["交通"].pk))
    assert definition["service_code"] == str(cats["交通"].pk)

    listed = client.get_service_requests()
    assert {r["service_request_id"] for r in listed} == {open_one.number, done.number}
    closed = client.get_service_requests(status="closed")
    closed = closed if isinstance(closed, list) else [closed]  # xmltodict gives one item as a dict
    assert [r["service_request_id"] for r in closed] == [done.number]
    one = client.get_service_request(open_one.number)
    assert one["status"] == "open"
    assert one["service_code"] == str(cats["物业服务"].pk)
