"""XSS in real browsers: a corpus of known vectors (tests/fixtures/xss_vectors.txt) is posted through
the JSON API into every kind of user text, then every page that shows it is opened in Chromium with
alert/prompt/confirm/print and network beacons trapped. Nothing may run: no trapped call, no dialog,
no request to another host or to /xss-beacon, no extra frame, and the rendered DOM holds no
event-handler attribute, no javascript:/data: URL and no injected element. The same holds for
content that arrives live over Socket.IO and is inserted by the page's own scripts.

Every vector goes into every rich-text place (question, answer, message, bio, resource description
and review, Markdown preview, search query); the short one-line fields (titles, names, summaries,
kudos) take as many vectors as fit in a few dozen objects each.

The browser ignores the Content-Security-Policy (``bypass_csp``), so what is tested here is the
escaping and the sanitizer themselves, not the CSP safety net behind them."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask

from community import search
from tests.browser.conftest import make_live_app, serving
from tests.browser.test_journey import log_in
from tests.factories import make_user
from tests.support import ApiClient

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "xss_vectors.txt"
BEACON = "xss-beacon"
PER_TEXT = 40    # vectors in one post body, message or bio
SHORT_FIELD = 40  # objects carrying the vectors of one short field (a name, a room title...)


def load_vectors() -> list[str]:
    """The corpus: one vector a line, ``{NL}`` for a newline inside one, ``##`` lines are comments."""
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    return [line.replace("{NL}", "\n") for line in lines if line.strip() and not line.startswith("##")]


VECTORS = load_vectors()
ONE_LINE = [vector for vector in VECTORS if "\n" not in vector]


def packed(limit: int, *, most: int = SHORT_FIELD, minimum: int = 1) -> list[tuple[str, int]]:
    """Values for a one-line field of at most ``limit`` characters: one-line vectors, shortest first,
    joined by spaces, in at most ``most`` values (padded to ``minimum``); each with its count."""
    packs: list[list[str]] = []
    for vector in sorted((v for v in ONE_LINE if len(v) <= limit), key=len):
        if packs and len(" ".join([*packs[-1], vector])) <= limit:
            packs[-1].append(vector)
        elif len(packs) < most:
            packs.append([vector])
    return [(" ".join(pack).ljust(minimum, "."), len(pack)) for pack in packs]


def chunked(limit: int) -> list[tuple[str, int]]:
    """Every vector, in Markdown texts of at most ``limit`` characters and PER_TEXT vectors, one
    paragraph each; each text with how many vectors it carries."""
    chunks: list[list[str]] = [[]]
    for vector in VECTORS:
        if chunks[-1] and (len("\n\n".join([*chunks[-1], vector])) > limit
                           or len(chunks[-1]) >= PER_TEXT):
            chunks.append([])
        chunks[-1].append(vector)
    return [("\n\n".join(chunk), len(chunk)) for chunk in chunks]


# --- the site full of vectors -----------------------------------------------------------------


@dataclass
class Site:
    base: str = ""
    pages: list[tuple[str, bool]] = field(default_factory=list)  # (path, as the logged-in reader)
    placed: Counter = field(default_factory=Counter)             # place -> vectors put there
    body_threads: list[int] = field(default_factory=list)
    messages_room: str = ""
    resource_id: int = 0
    colleagues: list[ApiClient] = field(default_factory=list)    # their names are vectors


def created(response, status: int = 201) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.json if response.is_json else {}


def seed_people(app: Flask, site: Site) -> None:
    """Colleagues whose display name, department and job role are vectors; others with vector bios."""
    for n, (name, count) in enumerate(packed(60)):
        client = ApiClient(app).as_user(make_user(app, f"name{n}"))
        created(client.patch("me", {"display_name": name, "department": name, "job_role": name}), 200)
        site.colleagues.append(client)
        site.placed["display name"] += count
        site.placed["department and job role"] += count
    for n, (bio, count) in enumerate(chunked(2_000)):
        client = ApiClient(app).as_user(make_user(app, f"bio{n}"))
        created(client.patch("me", {"bio": bio}), 200)
        site.placed["profile bio"] += count
        site.pages.append((f"/users/bio{n}", False))
    site.pages += [(f"/users/name{n}", False) for n in (0, len(site.colleagues) - 1)]
    site.pages += [(f"/users/name{n}/avatar.svg", False) for n in (0, len(site.colleagues) - 1)]


def seed_threads(site: Site, reader: ApiClient, answerer: ApiClient) -> None:
    """Questions by the reader with vector titles; the first ones carry every vector in the body, and
    so does the answer on each. The colleagues answer the others, so the reader is notified of each
    (the notification shows the title and the colleague's name)."""
    bodies = chunked(30_000)
    titles = packed(200, most=60, minimum=10)
    for i, (title, count) in enumerate(titles):
        body, body_count = bodies[i] if i < len(bodies) else ("The title carries XSS vectors.", 0)
        thread = created(reader.post("threads", {"title": title, "body": body, "tags": ["xss"]}))
        site.placed["question title"] += count
        if body_count:
            site.body_threads.append(thread["id"])
            site.placed["question body"] += body_count
            created(answerer.post(f"threads/{thread['id']}/answers", {"body": body}))
            site.placed["answer body"] += body_count
        else:
            colleague = site.colleagues[(i - len(bodies)) % len(site.colleagues)]
            created(colleague.post(f"threads/{thread['id']}/answers", {"body": "Try restarting it."}))
    site.pages += [(f"/questions/{thread_id}", True) for thread_id in site.body_threads]


def seed_rooms(site: Site, reader: ApiClient, answerer: ApiClient) -> None:
    """Rooms with vector titles and topics; every vector in messages; the colleagues chatting and
    raising hands with vector summaries."""
    topics = packed(300)
    slugs = []
    for i, (title, count) in enumerate(packed(100, minimum=3)):
        topic, topic_count = topics[i] if i < len(topics) else ("", 0)
        slugs.append(created(reader.post("rooms", {"title": title, "topic": topic}))["slug"])
        site.placed["room title"] += count
        site.placed["room topic"] += topic_count
    site.messages_room, names_room = slugs[:2]
    for body, count in chunked(4_000):
        created(answerer.post(f"rooms/{site.messages_room}/messages", {"body": body}))
        site.placed["room message"] += count
    for n, colleague in enumerate(site.colleagues):
        created(colleague.post(f"rooms/{names_room}/messages", {"body": f"Hello, I am colleague {n}."}))
    for n, (summary, count) in enumerate(packed(300, minimum=3)):
        created(site.colleagues[n].post(f"rooms/{site.messages_room}/help-requests", {"summary": summary}))
        site.placed["help request summary"] += count
    site.pages += [(f"/rooms/{slug}", True) for slug in (site.messages_room, names_room)]


def seed_resources(site: Site, answerer: ApiClient) -> None:
    """Shared links with vector titles and descriptions; reviews carrying every vector."""
    descriptions = chunked(2_000)
    ids = []
    for i, (title, count) in enumerate(packed(200)):
        description, described = descriptions[i] if i < len(descriptions) else ("", 0)
        ids.append(created(answerer.post("resources", {
            "url": f"https://learn.example.com/xss/{i}", "title": title, "description": description,
            "kind": "article", "tags": ["xss"]}))["id"])
        site.placed["resource title"] += count
        site.placed["resource description"] += described
    site.resource_id = ids[0]
    reviews = chunked(1_000)
    for n, (review, count) in enumerate(reviews):
        created(site.colleagues[n].put(f"resources/{ids[0]}/rating", {"stars": 1 + n % 5, "review": review}),
                200)
        site.placed["resource review"] += count
    site.pages += [(f"/resources/{i}", i == ids[0]) for i in ids[:len(descriptions)]]
    site.pages += [(f"/resources/{ids[0]}?page={n}", False) for n in range(2, (len(reviews) - 1) // 10 + 2)]


def seed_kudos(site: Site) -> None:
    """Kudos from the colleagues to the reader, the messages being vectors."""
    for n, (message, count) in enumerate(packed(280)):
        created(site.colleagues[n].post("kudos", {"to": "reader", "message": message}))
        site.placed["kudos message"] += count


def list_pages(site: Site, reader: ApiClient) -> None:
    """Every page of every list that shows the vectors (20 to a page)."""
    xss_threads = reader.get("threads?tag=xss").json["total"]
    totals = {"/": (xss_threads, False), "/tags/xss": (xss_threads, False),
              "/users/reader": (xss_threads, False),
              "/notifications": (reader.get("notifications").json["total"], True),
              "/rooms": (reader.get("rooms").json["total"], False),
              "/resources": (reader.get("resources").json["total"], False),
              "/kudos": (reader.get("kudos").json["total"], False)}
    for path, (total, logged_in) in totals.items():
        site.pages += [(f"{path}?page={n}", logged_in) for n in range(1, (total - 1) // 20 + 2)]


def search_pages(site: Site) -> None:
    """Every one-line vector in a search query (the page shows the query back, and maybe a "did you
    mean"), and queries whose result snippets are cut from the vectors."""
    queries: list[list[str]] = [[]]
    for vector in ONE_LINE:
        if queries[-1] and len(" ".join([*queries[-1], vector])) > 900:
            queries.append([])
        queries[-1].append(vector)
    # Matching rooms only (few) keeps these fast; the query is shown the same way for every type.
    site.pages += [(f"/search?q={quote(' '.join(q))}&type={'room' if n else 'all'}", False)
                   for n, q in enumerate(queries)]
    site.placed["search query"] = len(ONE_LINE)
    for terms, kinds in (("alert onerror", ("all", "answer", "resource", "room")),
                         ("script javascript", ("thread", "answer")), ("svg onload img src", ("all",))):
        site.pages += [(f"/search?q={quote(terms)}&type={kind}", False) for kind in kinds]


@pytest.fixture(scope="module")
def xss_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app of its own: the vectors don't leak into the pages other browser tests look at. Static
    files are cached by the browser, as in production, so the hundred page loads stay quick."""
    return make_live_app(tmp_path_factory.mktemp("xss"), SEND_FILE_MAX_AGE_DEFAULT=3600)


@pytest.fixture(scope="module")
def xss_site(xss_app: Flask) -> Iterator[Site]:
    site = Site()
    reader = ApiClient(xss_app).as_user(make_user(xss_app, "reader", display_name="Rita Reader"))
    answerer = ApiClient(xss_app).as_user(make_user(xss_app, "answerer", display_name="Ann Answerer"))
    seed_people(xss_app, site)
    seed_threads(site, reader, answerer)
    seed_rooms(site, reader, answerer)
    seed_resources(site, answerer)
    seed_kudos(site)
    list_pages(site, reader)
    search_pages(site)
    search.index_pending(xss_app)
    with serving(xss_app) as base_url:
        site.base = base_url
        yield site


# --- the traps ----------------------------------------------------------------------------------

TRAP_SCRIPT = """
(() => {
  window.__xss = [];
  for (const name of ["alert", "prompt", "confirm", "print"]) {
    const trap = (...args) => { window.__xss.push(`${name}(${args.map(String).join(", ")})`); };
    Object.defineProperty(window, name, { value: trap, writable: false, configurable: false });
  }
})();
"""

# Anything the sanitizer or the escaping let through shows in the DOM, whether or not it ran.
DOM_CHECK = r"""
() => {
  const problems = [];
  const INJECTED = new Set(["script", "iframe", "frame", "frameset", "object", "embed", "applet",
    "base", "style", "math", "noscript", "noembed", "noframes", "xmp", "listing", "plaintext",
    "marquee", "bgsound", "isindex", "keygen", "dialog", "foreignobject", "animate",
    "animatetransform", "animatemotion", "set", "discard", "use", "image"]);
  const URL_ATTRIBUTES = new Set(["href", "src", "action", "data", "background", "poster", "lowsrc",
    "dynsrc", "srcset", "ping", "codebase", "cite", "longdesc", "values", "to"]);
  const BAD_URL = /^(javascript|vbscript|livescript|data):/i;
  const SPACES = /[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/g;
  const where = (el) => {
    const holder = el.closest("[id]");
    return `<${el.localName}>` + (holder ? ` in #${holder.id}` : "");
  };
  const ownScript = (el) => el instanceof HTMLScriptElement
    && el.src.startsWith(`${location.origin}/static/`);
  const visit = (root) => {
    for (const el of root.querySelectorAll("*")) {
      const tag = el.localName.toLowerCase();
      if (INJECTED.has(tag) && !ownScript(el)) problems.push(`injected ${where(el)}`);
      if (el instanceof HTMLUnknownElement) problems.push(`unknown element ${where(el)}`);
      if ((tag === "link" || tag === "meta") && el.closest("body")) problems.push(`injected ${where(el)}`);
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        const value = attr.value.slice(0, 60);
        if (name.startsWith("on") || name === "srcdoc" || name === "formaction") {
          problems.push(`${name}="${value}" on ${where(el)}`);
        } else if ((URL_ATTRIBUTES.has(name) || name.endsWith(":href"))
                   && BAD_URL.test(attr.value.replace(SPACES, ""))) {
          problems.push(`${name}="${value}" on ${where(el)}`);
        } else if (name === "style" && /expression|url\s*\(|javascript|behavior/i.test(attr.value)) {
          problems.push(`style="${value}" on ${where(el)}`);
        }
      }
      if (tag === "template") visit(el.content);
    }
  };
  visit(document);
  return problems;
}
"""

SETTLE = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 40)))"


class Trap:
    """A browser context whose page reports anything a vector made happen."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.events: list[str] = []  # requests and dialogs since the last check
        self.context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        self.context.add_init_script(TRAP_SCRIPT)
        # Requests are watched, not intercepted: interception would turn off the browser's cache.
        self.beacon = re.compile(rf"^(?!{re.escape(base)}/)|^{re.escape(base)}/[^?#]*{BEACON}")
        self.context.on("request", self._request)
        self.context.on("page", lambda page: page.on("dialog", self._dialog))
        self.page = self.context.new_page()

    def _request(self, request) -> None:
        """A request to another host or to the beacon (nothing resolves outside the test server)."""
        if self.beacon.match(request.url) and not request.url.startswith(("data:", "blob:")):
            self.events.append(f"request to {request.url}")

    def _dialog(self, dialog) -> None:
        self.events.append(f"{dialog.type} dialog: {dialog.message}")
        dialog.dismiss()

    def visit(self, paths: list[str]) -> list[str]:
        """Open every path and check each page."""
        problems: list[str] = []
        for path in paths:
            self.page.goto(self.base + path)
            problems += self.check(path[:100])
            if self.page.url != self.base + path:
                problems.append(f"{path[:100]}: navigated away to {self.page.url}")
        return problems

    def check(self, where: str) -> list[str]:
        """What ran or got injected on the page since the last check."""
        from playwright.sync_api import Error

        page = self.page
        found: list[str] = []
        try:
            page.evaluate(SETTLE)
            for frame in page.frames:
                found += frame.evaluate("() => window.__xss || []")
            found += page.evaluate(DOM_CHECK)
        except Error as exc:  # e.g. a vector navigated the page away (meta refresh, location=...)
            found.append(f"the check failed on {page.url}: {exc.message[:100]}")
        found += self.events
        self.events.clear()
        if len(self.context.pages) > 1:
            found.append(f"{len(self.context.pages) - 1} window(s) opened")
        if len(page.frames) > 1:
            found.append(f"{len(page.frames) - 1} injected frame(s)")
        return [f"{where}: {problem}" for problem in found]

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def reader_trap(browser, xss_site: Site) -> Iterator[Trap]:
    trap = Trap(browser, xss_site.base)
    log_in(trap.page, xss_site.base, "reader")
    trap.events.clear()
    yield trap
    trap.close()


@pytest.fixture(scope="module")
def guest_trap(browser, xss_site: Site) -> Iterator[Trap]:
    trap = Trap(browser, xss_site.base)
    yield trap
    trap.close()


def assert_clean(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} XSS finding(s):\n" + "\n".join(problems[:60])


def reader_of(app: Flask) -> ApiClient:
    from community.extensions import db
    from community.models import User

    with app.app_context():
        reader = db.session.scalar(db.select(User).where(User.username == "reader"))
        db.session.expunge_all()
    return ApiClient(app).as_user(reader)


# --- the tests ----------------------------------------------------------------------------------


def test_the_corpus_is_large_and_every_vector_tries_to_run_something():
    assert 150 <= len(VECTORS) <= 400
    assert len(set(VECTORS)) == len(VECTORS)
    # alert, written plainly, escaped (\u0061lert) or split ('al'+'ert'); a base64 payload; a
    # beacon; a javascript: link in Markdown; or a template expression
    active = re.compile(r"lert|'ert'|eval|atob|prompt|confirm|print|msgbox|base64,|xss\.invalid|"
                        r"xss-beacon|fetch|expression|document\.|\[x\]\(|@import|\$\{|\{\{", re.I)
    assert [vector for vector in VECTORS if not active.search(html.unescape(vector))] == []


def test_a_vector_as_a_tag_name_is_refused_with_a_422(xss_app):
    """Tag names are ^[a-z0-9][a-z0-9+#.-]{0,34}$: every vector is refused cleanly, never a 500,
    both as a question's tag and as a skill on the profile."""
    client = ApiClient(xss_app).as_user(make_user(xss_app, "tagger"))
    for vector in VECTORS:
        response = client.post("threads", {"title": "Which tag fits this question?", "body": "Body.",
                                           "tags": [vector]})
        assert response.status_code == 422, (vector, response.get_data(as_text=True)[:300])
        assert set(response.json["error"]["fields"]) == {"tags"}
        skills = client.patch("me", {"skills": [vector]})
        assert skills.status_code == 422, (vector, skills.get_data(as_text=True)[:300])
    assert client.get("threads?author=tagger").json["total"] == 0


def test_no_vector_runs_on_any_page_that_shows_them(xss_site: Site, reader_trap: Trap, guest_trap: Trap):
    assert xss_site.placed["question body"] == xss_site.placed["answer body"] == len(VECTORS)
    problems = reader_trap.visit([path for path, logged_in in xss_site.pages if logged_in])
    problems += guest_trap.visit([path for path, logged_in in xss_site.pages if not logged_in])
    assert_clean(problems)


def test_no_vector_runs_in_the_preview_or_the_similar_questions_panel(xss_site: Site, reader_trap: Trap):
    from playwright.sync_api import expect

    page = reader_trap.page
    page.goto(f"{xss_site.base}/questions/ask")
    page.fill("#body", "\n\n".join([*VECTORS, "preview-done"]))  # all of them fit in one body
    expect(page.locator("[data-preview-output]")).to_contain_text("preview-done")
    problems = reader_trap.check("preview")
    page.fill("#title", "<img src=x onerror=alert(1)> <script>alert(1)</script> onerror alert")
    expect(page.locator("#similar-questions li").first).to_be_visible()
    problems += reader_trap.check("similar questions panel")
    assert_clean(problems)


def test_no_vector_runs_when_answers_and_edits_arrive_live(xss_site: Site, reader_trap: Trap, xss_app):
    """The thread page inserts answers (innerHTML of body_html) and edits as they happen, and the
    question's new title; the bell's toasts show titles and names. Nothing from the vectors runs."""
    from playwright.sync_api import expect

    page = reader_trap.page
    thread_id = xss_site.body_threads[0]
    page.goto(f"{xss_site.base}/questions/{thread_id}")
    expect(page.locator("[data-live-status-text]")).to_have_text("Live")
    page.evaluate("window.notReloaded = true")
    answers = page.locator("article[data-answer-id]")
    before = answers.count()
    chunks = chunked(30_000)
    posted = [created(xss_site.colleagues[n].post(f"threads/{thread_id}/answers", {"body": body}))["id"]
              for n, (body, _) in enumerate(chunks)]
    expect(answers).to_have_count(before + len(chunks))
    problems = reader_trap.check("answers arriving live")

    edit = {"body": f"{chunks[1][0]}\n\nedited-live"}
    created(xss_site.colleagues[0].patch(f"posts/{posted[0]}", edit), 200)
    expect(page.locator(f"#answer-{posted[0]} .post-body")).to_contain_text("edited-live")
    title = packed(200, most=61, minimum=10)[-1][0]  # one no question had yet
    created(reader_of(xss_app).patch(f"threads/{thread_id}", {
        "title": title, "body": f"{chunks[2][0]}\n\nedited-question"}), 200)
    expect(page.locator("#question .post-body")).to_contain_text("edited-question")
    problems += reader_trap.check("edits arriving live")
    assert page.evaluate("window.notReloaded") is True
    assert_clean(problems)


def test_no_vector_runs_when_messages_arrive_live_in_a_room(xss_site: Site, reader_trap: Trap, xss_app):
    """The room page inserts messages (innerHTML of body_html), help requests and room changes as
    they happen, and the reader's own message comes back through the socket's ack."""
    from playwright.sync_api import expect

    page = reader_trap.page
    slug = xss_site.messages_room
    page.goto(f"{xss_site.base}/rooms/{slug}")
    expect(page.locator("[data-live-status-text]")).to_have_text("Live")
    page.evaluate("window.notReloaded = true")
    messages = page.locator("[data-message-list] > li")
    before = messages.count()
    chunks = chunked(3_900)  # room for the marker the reader's own message ends with
    for n, (body, _) in enumerate(chunks):
        created(xss_site.colleagues[n].post(f"rooms/{slug}/messages", {"body": body}))
    expect(messages).to_have_count(before + len(chunks))
    page.fill("#chat-body", f"{chunks[0][0]}\n\nsent-by-me")
    page.locator("#chat-body").press("Enter")
    expect(messages.last).to_contain_text("sent-by-me")
    problems = reader_trap.check("messages arriving live")

    latecomer = ApiClient(xss_app).as_user(make_user(xss_app, "latecomer"))
    name, summary = packed(60)[-1][0], packed(300)[-1][0]
    created(latecomer.patch("me", {"display_name": name}), 200)
    waiting = page.locator("[data-help-list] > li")
    before = waiting.count()
    created(latecomer.post(f"rooms/{slug}/help-requests", {"summary": summary}))
    expect(waiting).to_have_count(before + 1)
    room_title, topic = packed(100)[-1][0], packed(300)[-1][0]
    created(reader_of(xss_app).patch(f"rooms/{slug}", {"title": room_title, "topic": topic}), 200)
    expect(page.locator("[data-room-title]")).to_have_text(room_title)
    problems += reader_trap.check("room changes arriving live")
    assert page.evaluate("window.notReloaded") is True
    assert_clean(problems)
