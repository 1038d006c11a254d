"""Responses are compressed when the client accepts it, and cacheable by the browser where the URL allows."""

import gzip
import json
import re

import brotli
import pytest

from bench.load_test import main_callbacks_in, payload

BR = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends
GZIP = {"Accept-Encoding": "gzip"}


def decoded(response) -> bytes:
    data = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    return {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding](data)


def index_urls(client) -> list[str]:
    html = client.get("/").get_data(as_text=True)
    return re.findall(r'(?:src|href)="(/(?:_dash-component-suites|assets)/[^"]+)"', html)


def overview(client, search: str) -> dict:
    return payload(main_callbacks_in(client.get("/_dash-dependencies").get_json())["overview"], search)


def test_index_layout_and_dependencies_are_compressed_and_revalidated(client):
    for path in ("/", "/_dash-layout", "/_dash-dependencies"):
        plain, packed = client.get(path), client.get(path, headers=BR)
        assert packed.headers["Content-Encoding"] == "br" and "Content-Encoding" not in plain.headers
        assert "Accept-Encoding" in packed.headers["Vary"]
        if path == "/":  # the index carries a token of its own per request
            assert decoded(packed).startswith(b"<!DOCTYPE html>")
        else:
            assert decoded(packed) == plain.get_data()
        assert packed.headers["Cache-Control"] == "no-cache"
    assert client.get("/", headers=GZIP).headers["Content-Encoding"] == "gzip"


def test_fingerprinted_scripts_are_compressed_and_cached_for_a_year(client):
    urls = [u for u in index_urls(client) if "_dash-component-suites" in u]
    assert len(urls) >= 8
    for url in urls:
        packed = client.get(url, headers=BR)
        assert packed.status_code == 200
        assert packed.headers["Content-Encoding"] == "br", url
        assert decoded(packed) == client.get(url).get_data()
        control = packed.headers["Cache-Control"]
        assert "max-age=31536000" in control and "immutable" in control and "public" in control, url


def test_the_compressed_copy_of_a_script_is_kept_per_file_not_per_url(client):
    url = next(u for u in index_urls(client) if "dash_renderer" in u)
    kept = client.application.extensions["compress"].cache
    client.get(url, headers=BR)
    before = len(kept._bodies)
    made_up = re.sub(r"\.v[0-9_]+m\d+\.", ".v9_9_9m1.", url)
    assert made_up != url
    assert decoded(client.get(made_up, headers=BR)) == decoded(client.get(url, headers=BR))
    assert len(kept._bodies) == before


def test_scripts_without_fingerprint_are_revalidated_with_their_etag(client):
    url = "/_dash-component-suites/plotly/package_data/plotly.min.js"
    first = client.get(url, headers=BR)
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    assert len(first.get_data()) < len(decoded(first)) / 3
    assert first.headers["Cache-Control"] == "no-cache" and first.headers["ETag"]
    again = client.get(url, headers={**BR, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_assets_are_cached_for_a_year_at_the_address_the_page_uses_and_revalidated_otherwise(client):
    css = next(u for u in index_urls(client) if u.startswith("/assets/vendor/") and "?m=" in u)
    current = client.get(css, headers=BR)
    assert current.status_code == 200 and current.headers["Content-Encoding"] == "br"
    assert b"Bootstrap" in decoded(current)
    assert "immutable" in current.headers["Cache-Control"] and "max-age=31536000" in current.headers["Cache-Control"]
    assert "no-cache" not in current.headers["Cache-Control"]
    bare = client.get(css.split("?")[0], headers=BR)
    assert bare.headers["Cache-Control"] == "no-cache" and bare.headers["Last-Modified"]
    assert decoded(bare) == decoded(current)
    stale = client.get(css.split("?")[0] + "?m=1", headers=BR)
    assert stale.headers["Cache-Control"] == "no-cache"
    assert client.get(css.split("?")[0], headers={**BR, "If-None-Match": bare.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("headers,encoding", [(BR, "br"), (GZIP, "gzip"), ({}, None)])
def test_cached_callback_answers_are_the_same_with_and_without_compression(client, headers, encoding):
    request = overview(client, "?survey=demo_national&lang=en")
    plain = client.post("/_dash-update-component", json=request)  # computed (or already kept)
    hit = client.post("/_dash-update-component", json=request, headers=headers)
    assert hit.headers["X-Fjernarbeid-Cache"] == "hit"
    assert hit.headers.get("Content-Encoding") == encoding
    assert json.loads(decoded(hit)) == json.loads(plain.get_data())


def test_a_compressed_miss_is_kept_uncompressed(client):
    request = overview(client, "?survey=demo_national&region=norge&lang=nn")
    miss = client.post("/_dash-update-component", json=request, headers=GZIP)
    assert (miss.headers["X-Fjernarbeid-Cache"], miss.headers["Content-Encoding"]) == ("miss", "gzip")
    hit = client.post("/_dash-update-component", json=request)  # a client that does not accept gzip
    assert hit.headers["X-Fjernarbeid-Cache"] == "hit" and "Content-Encoding" not in hit.headers
    assert hit.get_data() == decoded(miss)
