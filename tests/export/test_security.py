"""User text never becomes markup in a PDF, and the renderer fetches nothing but the bundled assets."""

import logging

import pytest
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from app.export.fetcher import AssetOnlyFetcher
from app.extensions import db
from tests.export.pdf import attachments, page_texts, run, squash


def payloads(port: int) -> list[str]:
    return [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/passwd">',
        '<a rel="attachment" href="file:///etc/hostname">x</a>',
        "<style>@import url(file:///etc/passwd)</style>",
        '<svg><image href="file:///etc/hostname"/></svg>',
        f'<img src="http://127.0.0.1:{port}/c">',
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">',
        "http://169.254.169.254/latest/meta-data/",
        "<b>bold</b>",
    ]


def test_markup_in_every_field_prints_as_text_and_fetches_nothing(
    app, demo_plan, pk_officer, sign_in, canary, poppler, tmp_path, caplog
):
    attack = " ".join(payloads(canary.server_port))
    demo_plan.title = "<b>bold</b> plan"
    for name in ("summary", "context_situation", "toc_if", "partnerships", "reporting_calendar"):
        setattr(demo_plan, name, attack)
    output = demo_plan.outputs[0]
    output.statement = attack
    output.indicators[0].description = attack
    output.activities[0].description = attack
    output.activities[0].location = '<img src="file:///dev/urandom">'
    demo_plan.risks[0].mitigation = attack
    demo_plan.lessons[0].how_applied = attack
    db.session.commit()

    with caplog.at_level(logging.WARNING, logger="app.export.fetcher"):
        response = sign_in(pk_officer).get(f"/workplans/{demo_plan.id}/export.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = run("pdftotext", data=response.data, tmp_path=tmp_path)
    printed = squash("".join(page_texts(response.data)))
    for payload in payloads(canary.server_port):
        assert squash(payload) in printed, payload
    assert "<b>bold</b> plan" in text
    assert "root:x:0:0" not in text and "root:x:0:0" not in printed
    assert attachments(response.data, tmp_path) == 0
    assert canary.hits == []
    # Escaping stops the payloads before any fetch: the fetcher was never even asked.
    assert [record.getMessage() for record in caplog.records] == []


def raw_attack(port: int) -> str:
    return "<html><body><p>Hello</p>" + "".join(payloads(port)) + "</body></html>"


def test_the_fetcher_denies_local_files_and_the_network_when_fed_raw_html(canary, poppler, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="app.export.fetcher"):
        data = HTML(string=raw_attack(canary.server_port), base_url=None, url_fetcher=AssetOnlyFetcher()).write_pdf()

    denied = [record.getMessage() for record in caplog.records if record.name == "app.export.fetcher"]
    assert any("file:///etc/passwd" in message for message in denied)
    assert any(f"http://127.0.0.1:{canary.server_port}/" in message for message in denied)
    assert canary.hits == []
    assert attachments(data, tmp_path) == 0
    assert "root:x:0:0" not in run("pdftotext", data=data, tmp_path=tmp_path)


def test_a_strict_fetcher_stops_the_render_at_the_first_denied_url(canary):
    with pytest.raises(FatalURLFetchingError):
        HTML(
            string=raw_attack(canary.server_port), base_url=None, url_fetcher=AssetOnlyFetcher(strict=True)
        ).write_pdf()
    assert canary.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/font.ttf",
        "ftp://example.org/x.css",
        "data:text/css,body{}",
        "gopher://127.0.0.1/",
        "asset:fonts/../../../../etc/passwd",
        "asset:print/../fonts/NotoSans-Regular.ttf",
        "asset:fonts/OFL.txt",
        "asset:fonts/%2e%2e/print/plan.css",
        "asset:css/app.css",
        "asset:fonts/",
        "asset:/etc/passwd",
    ],
)
def test_the_fetcher_denies_everything_but_bundled_assets(url, caplog):
    with caplog.at_level(logging.WARNING, logger="app.export.fetcher"), pytest.raises(ValueError):
        AssetOnlyFetcher().fetch(url)
    assert caplog.records[-1].getMessage() == f"PDF fetch denied: {url}"


def test_denials_are_logged_truncated(caplog):
    url = "http://127.0.0.1/" + "a" * 500
    with caplog.at_level(logging.WARNING, logger="app.export.fetcher"), pytest.raises(ValueError):
        AssetOnlyFetcher().fetch(url)
    assert caplog.records[-1].getMessage() == f"PDF fetch denied: {url[:200]}"


@pytest.mark.parametrize(
    "url, mime_type",
    [
        ("asset:fonts/NotoSans-Regular.ttf", "font/ttf"),
        ("asset:fonts/NotoNastaliqUrdu-Regular.ttf", "font/ttf"),
        ("asset:print/plan.css", "text/css"),
    ],
)
def test_the_fetcher_serves_bundled_assets_with_explicit_types(url, mime_type):
    response = AssetOnlyFetcher().fetch(url)
    assert response.content_type == mime_type
    assert len(response.read()) > 1000


def test_the_canary_does_count_requests(canary):
    """The "0 requests" above mean something: a direct request is counted."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", canary.server_port, timeout=5)
    connection.request("GET", "/probe")
    assert connection.getresponse().status == 302
    connection.close()
    assert canary.hits == ["/probe"]
