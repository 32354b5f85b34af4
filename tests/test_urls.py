"""URL normalization for shared links: what counts as the same resource, and what can't be shared."""

from __future__ import annotations

import pytest

from community.errors import ValidationFailed
from community.text.urls import check_share_url, normalize_url

EQUIVALENT = [
    ("HTTPS://Example.COM/Guide", "https://example.com/Guide"),
    ("https://example.com:443/guide", "https://example.com/guide"),
    ("http://example.com:80/guide", "http://example.com/guide"),
    ("https://example.com/guide/", "https://example.com/guide"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/guide#section-2", "https://example.com/guide"),
    ("https://www.example.com/guide", "https://example.com/guide"),
    ("https://WWW.Example.com./guide", "https://example.com/guide"),
    ("https://example.com/guide?utm_source=mail&utm_medium=x&utm_campaign=q3", "https://example.com/guide"),
    ("https://example.com/guide?fbclid=abc123", "https://example.com/guide"),
    ("https://example.com/guide?gclid=1&id=5", "https://example.com/guide?id=5"),
    ("https://example.com/watch?v=abc&t=10", "https://example.com/watch?t=10&v=abc"),
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    ("https://example.com/%7Euser/caf%c3%a9", "https://example.com/~user/caf%C3%A9"),
    ("https://example.com/café", "https://example.com/caf%C3%A9"),
    ("https://example.com/search?q=a+b", "https://example.com/search?q=a%20b"),
    ("https://example.com/guide?", "https://example.com/guide"),
    ("  https://example.com/guide  ", "https://example.com/guide"),
    ("https://bücher.example/kurs", "https://xn--bcher-kva.example/kurs"),
]

DIFFERENT = [
    ("http://example.com/guide", "https://example.com/guide"),  # a site may serve other content
    ("https://example.com/Guide", "https://example.com/guide"),  # paths are case-sensitive
    ("https://example.com:8443/guide", "https://example.com/guide"),
    ("https://example.com/watch?v=abc", "https://example.com/watch?v=xyz"),
    ("https://example.com/guide?id=5", "https://example.com/guide"),
    ("https://docs.example.com/guide", "https://example.com/guide"),
    ("https://example.com/a%2Fb", "https://example.com/a/b"),  # an encoded slash is not a slash
    ("https://www.com/guide", "https://com/guide"),  # "www." is only dropped before a domain
]


@pytest.mark.parametrize(("given", "expected"), EQUIVALENT)
def test_equivalent_links_normalize_to_one_form(given, expected):
    assert normalize_url(given) == expected
    assert normalize_url(expected) == expected  # idempotent


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_links_stay_different(one, other):
    assert normalize_url(one) != normalize_url(other)


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<script>x</script>",
    "vbscript:msgbox(1)", "file:///etc/passwd", "ftp://example.com/file", "mailto:a@example.com",
    "example.com/guide", "//example.com/guide", "/questions/1",
])
def test_only_http_and_https_links_can_be_shared(url):
    with pytest.raises(ValidationFailed) as error:
        check_share_url("url", url)
    assert "http://" in error.value.fields["url"]


@pytest.mark.parametrize("url", ["https://user:secret@example.com/", "https://user@example.com/x",
                                 "http://:pw@example.com/"])
def test_links_with_credentials_are_refused(url):
    with pytest.raises(ValidationFailed) as error:
        check_share_url("url", url)
    assert "password" in error.value.fields["url"]


@pytest.mark.parametrize("url", ["https:///path", "https://exa mple.com/", "https://example.com:99999/",
                                 "https://[::1/", "https://ex\x00ample.com/", "", "   ",
                                 "https://" + "a" * 2000 + ".com/", "https://-bad-.com/"])
def test_malformed_links_get_a_clear_reason(url):
    with pytest.raises(ValidationFailed) as error:
        check_share_url("url", url)
    assert error.value.fields["url"]


def test_a_non_string_is_refused():
    with pytest.raises(ValidationFailed):
        check_share_url("url", 42)


def test_ip_literal_hosts_are_kept_as_written():
    assert normalize_url("http://[2001:DB8::1]:80/x") == "http://[2001:db8::1]/x"
    assert normalize_url("http://192.0.2.1:8080/x/") == "http://192.0.2.1:8080/x"
