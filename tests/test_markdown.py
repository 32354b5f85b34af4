"""Markdown is rendered once at write time, then sanitized: what readers get as body_html."""

from __future__ import annotations

import re

import pytest

from community.text.markdown import render_markdown
from community.text.sanitize import clean_html
from tests.factories import make_thread, make_user

REL = 'rel="nofollow ugc noopener noreferrer"'
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_bold_and_emphasis_render():
    html = render_markdown("**bold** and *soft* and ~~gone~~")
    assert "<strong>bold</strong>" in html and "<em>soft</em>" in html
    assert "<s>gone</s>" in html


def test_fenced_code_keeps_its_language_class_and_escapes_the_code():
    html = render_markdown("```python\nif a < b:\n    print('<b>')\n```")
    assert '<pre><code class="language-python">' in html
    assert "if a &lt; b:" in html and "&lt;b&gt;" in html


def test_only_language_classes_survive():
    html = clean_html('<code class="language-sql evil-class">x</code><span class="pwn">y</span>')
    assert 'class="language-sql"' in html
    assert "evil-class" not in html and "pwn" not in html


def test_tables_render_with_alignment_as_classes_not_inline_styles():
    html = render_markdown("| Name | Mid | Score |\n|:-----|:---:|------:|\n| Ann | x | 10 |")
    assert "<table>" in html and "<th" in html and "<td" in html
    assert '<th class="align-left">Name' in html and '<th class="align-center">Mid' in html
    assert '<td class="align-right">10' in html
    assert "style" not in html  # the Content-Security-Policy allows no inline styles


def test_inline_styles_and_other_cell_classes_are_dropped():
    html = clean_html('<table><tr><td style="background:url(javascript:x)">a</td>'
                      '<td style="text-align:right" class="align-right evil">b</td></tr></table>')
    assert "style" not in html and "javascript" not in html and "evil" not in html
    assert '<td class="align-right">b</td>' in html


@pytest.mark.parametrize("source", ["see https://example.com/page?q=1 now", "www.example.com",
                                    "[named](https://example.com)", "<https://example.com>"])
def test_links_get_rel_nofollow_ugc_noopener_noreferrer(source):
    html = render_markdown(source)
    assert '<a href="http' in html
    assert REL in html


def test_bare_urls_are_linkified():
    html = render_markdown("docs at https://example.com/help")
    assert '<a href="https://example.com/help"' in html


@pytest.mark.parametrize("source", ["<script>alert(1)</script>", "<b onclick=x()>hi</b>",
                                    "<iframe src=https://evil.example></iframe>",
                                    "<div>\n<img src=x onerror=alert(1)>\n</div>"])
def test_raw_html_is_escaped_not_rendered(source):
    html = render_markdown(source)
    assert "<script" not in html and "<iframe" not in html and "<b " not in html
    assert "<img" not in html
    assert "&lt;" in html
    assert not EVENT_HANDLER.search(html)


@pytest.mark.parametrize("source", ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))",
                                    "[x](vbscript:msgbox(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
                                    "<javascript:alert(1)>", "[x](\njavascript:alert(1))"])
def test_dangerous_link_schemes_are_removed(source):
    html = render_markdown(source)
    assert not re.search(r'href="\s*(javascript|vbscript|data):', html, re.IGNORECASE)


@pytest.mark.parametrize("src", ["javascript:alert(1)", "data:image/svg+xml;base64,PHN2Zz4=",
                                 "vbscript:x"])
def test_images_with_dangerous_sources_lose_them(src):
    html = render_markdown(f"![pic]({src})")
    assert not re.search(r'src="\s*(javascript|vbscript|data):', html, re.IGNORECASE)


def test_images_with_https_sources_are_kept():
    html = render_markdown('![chart](https://example.com/chart.png "Q3")')
    assert '<img src="https://example.com/chart.png" alt="chart" title="Q3">' in html


@pytest.mark.parametrize("html", [
    '<a href="https://example.com" onclick="steal()" onmouseover="x()">x</a>',
    '<img src="https://example.com/a.png" onerror="steal()" onload=x()>',
    '<div class="language-x" onfocus="x()" tabindex=1>d</div>',
    '<details ontoggle="x()" open><summary onclick=y()>s</summary></details>',
    '<svg onload="x()"><circle/></svg>', '<body onload=x()>b</body>',
    '<p ONCLICK="x()">p</p>',
])
def test_event_handler_attributes_never_survive(html):
    cleaned = clean_html(html)
    assert not EVENT_HANDLER.search(cleaned), cleaned
    assert "steal()" not in cleaned and "x()" not in cleaned


def test_sanitizer_forces_rel_on_every_link_and_drops_target():
    html = clean_html('<a href="https://example.com" rel="opener" target="_blank">x</a>')
    assert REL in html and "opener\"" not in html.replace(REL, "") and "target" not in html


def test_body_html_is_rendered_at_write_time_and_served(app, api):
    alice = make_user(app, "alice")
    thread = make_thread(app, alice, body="**Stuck** on <script>x</script> see https://example.com")
    body = api.get(f"threads/{thread.id}").json
    assert body["body"] == "**Stuck** on <script>x</script> see https://example.com"
    assert "<strong>Stuck</strong>" in body["body_html"]
    assert "&lt;script&gt;" in body["body_html"] and "<script" not in body["body_html"]
    assert REL in body["body_html"]
    edited = api.as_user(alice).patch(f"threads/{thread.id}", {"body": "```sql\nSELECT 1\n```"}).json
    assert 'class="language-sql"' in edited["body_html"]
    answer = api.as_user(make_user(app, "bob")).post(f"threads/{thread.id}/answers",
                                                     {"body": "[bad](javascript:alert(1))"}).json
    assert 'href="javascript' not in answer["body_html"]


def test_markdown_preview_uses_the_same_renderer(app, api):
    client = api.as_user(make_user(app, "alice"))
    source = "| a |\n|---|\n| **b** |\n\nhttps://example.com <em onclick=x>no</em>"
    response = client.post("markdown/preview", {"body": source})
    assert response.status_code == 200
    assert response.json["html"] == render_markdown(source)
