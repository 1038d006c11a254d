"""The production path: gunicorn serving app.wsgi:server against an external DATABASE_URL (the session's
``live_server``, tests/conftest.py)."""

import json

import requests


def test_gunicorn_serves_health_and_the_front_page(live_server):
    health = requests.get(live_server + "/health", timeout=10)
    assert health.status_code == 200 and health.json()["database"] == "ok"

    page = requests.get(live_server + "/", timeout=10)
    assert page.status_code == 200
    assert "_dash-renderer" in page.text or "dash_renderer" in page.text


def test_gunicorn_renders_the_overview_from_the_database(live_server):
    from tests.test_health import _page_request, overview_request

    page = requests.post(live_server + "/_dash-update-component", json=_page_request("/"), timeout=20)
    assert page.status_code == 200
    assert "overview-content" in json.dumps(page.json(), ensure_ascii=False)  # the frame; the data come next
    content = requests.post(
        live_server + "/_dash-update-component",
        json=overview_request("?survey=demo_national&region=hardangerradet"),
        timeout=30,
    )
    assert content.status_code == 200
    text = json.dumps(content.json(), ensure_ascii=False)
    assert "Syntetiske data" in text and "Vestland" in text and "Hardangerrådet" in text  # the region list


def test_every_asset_of_the_page_is_served_locally(live_server):
    import re

    page = requests.get(live_server + "/", timeout=10).text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls, "the page references no assets at all"
    external = [u for u in urls if re.match(r"^(https?:)?//", u)]
    assert external == []
    for u in urls:
        assert requests.get(live_server + u, timeout=10).status_code == 200, u


def test_gunicorn_names_no_software_version_and_sends_the_security_headers(live_server):
    for path in ("/", "/assets/app.css", "/finnes-ikke", "/health"):
        answer = requests.get(live_server + path, timeout=10)
        assert answer.headers.get("Server") == "fjernarbeid", answer.headers.get("Server")
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]


def test_the_development_server_names_no_python_version():
    from werkzeug.serving import WSGIRequestHandler

    from app.web.server.security import hide_server_banner

    hide_server_banner()
    assert WSGIRequestHandler.version_string(None) == "fjernarbeid"  # type: ignore[arg-type]
