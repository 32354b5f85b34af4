"""Link previews: only public http(s) HTML pages are fetched, every hop checked, within size and time.

The fetches go to real HTTP servers on 127.0.0.1, reached through the allow-list; socket.connect
and getaddrinfo are watched to prove that a refused URL never opens a connection.
"""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from community.previews import FetchedPage, FetchRefused, decode_html, extract_preview, fetch_page
from community.previews.addresses import is_public_address, parse_ip_literal

PAGE = b"""<!doctype html><html><head>
<title>  Fractions,   explained </title>
<meta name="description" content="A tip sheet on adding fractions.">
<script>var secret = "not text";</script><style>body { color: red }</style>
</head><body><nav>Home | About</nav><main><h1>Adding fractions</h1><p>Find a common denominator.</p>
</main><footer>Copyright</footer></body></html>"""

Route = Callable[[BaseHTTPRequestHandler], None]


class LocalServer:
    """An HTTP server on 127.0.0.1 whose paths answer as each test says; it records every request."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {"/page": html_route(PAGE)}
        self.requests: list[BaseHTTPRequestHandler] = []
        self.stopping = threading.Event()  # ends the slow routes' waits at teardown
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self)
                server.routes.get(urlsplit(self.path).path, html_route(b"missing", status=404))(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)
        self._thread.start()

    def url(self, path: str = "/page", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def close(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def html_route(body: bytes, status: int = 200, content_type: str | None = "text/html; charset=utf-8",
               headers: dict[str, str] | None = None, length: bool = True) -> Route:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        if length:
            handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        with contextlib.suppress(OSError):  # the fetcher may stop reading at its cap
            handler.wfile.write(body)
    return answer


def redirect_route(location: str, status: int = 302, headers: dict[str, str] | None = None) -> Route:
    return html_route(b"", status=status, headers={"Location": location, **(headers or {})})


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    yield local
    local.close()


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every address a socket connects to during the test."""
    opened: list[object] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: object) -> None:
        opened.append(address)
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return opened


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every name looked up during the test; the fake DNS answers from a table, or not at all."""
    asked: list[str] = []
    answers = {"intranet.example": ["127.0.0.1"], "private.example": ["10.1.2.3"],
               "mixed.example": ["93.184.215.14", "10.1.2.3"], "localhost": ["127.0.0.1"]}

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
        asked.append(host)
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def refusal(url: str, **options: object) -> str:
    with pytest.raises(FetchRefused) as refused:
        fetch_page(url, **options)
    return refused.value.reason


# --- (1) addresses that are never fetched, and nothing is even connected to --------------------------

@pytest.mark.parametrize(("host", "reason"), [
    ("127.0.0.1", "address 127.0.0.1 is not public"),
    ("localhost", "host localhost is not public"),
    ("localhost.", "host localhost is not public"),
    ("LocalHost", "host localhost is not public"),
    ("app.localhost", "host app.localhost is not public"),
    ("2130706433", "address 127.0.0.1 is not public"),
    ("0177.0.0.1", "address 127.0.0.1 is not public"),
    ("0x7f.0.0.1", "address 127.0.0.1 is not public"),
    ("127.1", "address 127.0.0.1 is not public"),
    ("127.0.0.1.", "address 127.0.0.1 is not public"),
    ("[::1]", "address ::1 is not public"),
    # Python 3.13 prints mapped addresses in dotted form, 3.11 in hex.
    ("[::ffff:127.0.0.1]", f"address {ipaddress.ip_address('::ffff:127.0.0.1')} is not public"),
    ("[::ffff:8.8.8.8]", f"address {ipaddress.ip_address('::ffff:8.8.8.8')} is not public"),
    ("0.0.0.0", "address 0.0.0.0 is not public"),
    ("0", "address 0.0.0.0 is not public"),
    ("[::]", "address :: is not public"),
    ("10.0.0.1", "address 10.0.0.1 is not public"),
    ("172.16.0.1", "address 172.16.0.1 is not public"),
    ("192.168.1.1", "address 192.168.1.1 is not public"),
    ("169.254.169.254", "address 169.254.169.254 is a cloud metadata service"),
    ("169.254.1.1", "address 169.254.1.1 is not public"),
    ("100.64.0.1", "address 100.64.0.1 is not public"),
    ("224.0.0.1", "address 224.0.0.1 is not public"),
    ("255.255.255.255", "address 255.255.255.255 is not public"),
    ("[fc00::1]", "address fc00::1 is not public"),
    ("[fe80::1]", "address fe80::1 is not public"),
    ("[fec0::1]", "address fec0::1 is not public"),
    ("[64:ff9b::a00:1]", "address 64:ff9b::a00:1 is not public"),
    ("[2002:a00:1::]", "address 2002:a00:1:: is not public"),
    ("metadata.google.internal", "host metadata.google.internal is a cloud metadata service"),
    ("metadata", "host metadata is a cloud metadata service"),
    ("instance-data.", "host instance-data is a cloud metadata service"),
])
def test_internal_hosts_are_refused_before_any_connection(host, reason, server, connections, lookups):
    assert refusal(f"http://{host}:{server.port}/page", timeout=1) == reason
    assert connections == [] and lookups == [] and server.requests == []


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("1.1.1.1", True), ("2606:4700:4700::1111", True), ("2001:4860:4860::8888", True),
    ("127.0.0.1", False), ("10.255.255.255", False), ("172.31.0.1", False), ("172.32.0.1", True),
    ("192.0.0.9", False), ("192.0.2.1", False), ("198.18.0.1", False), ("198.19.255.255", False),
    ("198.51.100.1", False), ("203.0.113.1", False), ("240.0.0.1", False), ("100.127.255.255", False),
    ("::ffff:8.8.8.8", False), ("::8.8.8.8", False), ("2001:db8::1", False), ("2001::1", False),
    ("ff02::1", False), ("fd00:ec2::254", False), ("fe80::1%1", False), ("64:ff9b:1::1", False),
])
def test_only_public_unicast_addresses_are_public(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(("host", "meaning"), [
    ("2130706433", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"), ("0x7F.0.0.1", "127.0.0.1"),
    ("127.1", "127.0.0.1"), ("10.1.515", "10.1.2.3"), ("0x0a010203", "10.1.2.3"), ("[::1]", "::1"),
    ("example.com", None), ("1.2.3.4.5", None), ("256.0.0.1", None), ("08.0.0.1", None),
])
def test_numeric_host_forms_mean_the_address_a_browser_would_use(host, meaning):
    ip = parse_ip_literal(host)
    assert (str(ip) if ip else None) == meaning


# --- (2) host names are judged by every address they resolve to ---------------------------------------

@pytest.mark.parametrize(("host", "reason"), [
    ("private.example", "address 10.1.2.3 is not public"),
    ("mixed.example", "address 10.1.2.3 is not public"),
    ("nowhere.example", "could not resolve nowhere.example"),
])
def test_a_name_resolving_to_any_internal_address_is_refused(host, reason, connections, lookups):
    assert refusal(f"http://{host}/") == reason
    assert lookups == [host] and connections == []


def test_an_allowed_name_is_looked_up_once_and_the_checked_address_is_used(server, connections, lookups):
    page = fetch_page(server.url(host="intranet.example"), allowed_hosts=["Intranet.Example"])
    assert page.preview.title == "Fractions, explained"
    assert lookups == ["intranet.example"]
    assert connections == [("127.0.0.1", server.port)]
    assert server.requests[0].headers["Host"] == f"intranet.example:{server.port}"


def test_a_lookup_that_hangs_ends_within_the_timeout(monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: release.wait(5) and [])
    started = time.monotonic()
    try:
        assert refusal("http://slow-dns.example/", timeout=0.3) == "timed out"
    finally:
        release.set()
    assert time.monotonic() - started < 0.8


# --- (3) schemes and credentials ----------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "data:text/html,<b>hi</b>", "file:///etc/passwd", "ftp://example.com/x",
    "vbscript:msgbox(1)", "JavaScript:alert(1)", "//example.com/page", "example.com/page", "",
])
def test_only_http_and_https_links_are_fetched(url, connections, lookups):
    assert refusal(url).startswith("only http and https links are fetched")
    assert connections == [] and lookups == []


@pytest.mark.parametrize("userinfo", ["user:pass@", "user@", ":@", "127.0.0.1:80@"])
def test_links_with_credentials_are_refused_even_to_allowed_hosts(userinfo, server, connections):
    url = f"http://{userinfo}127.0.0.1:{server.port}/page"
    assert refusal(url, allowed_hosts=["127.0.0.1"]) == "credentials in the URL"
    assert connections == [] and server.requests == []


@pytest.mark.parametrize("url", ["http://exa mple.com/", "http://a..b/", "http://[v1.x]/", "http:///path",
                                 "http://example.com:99999/"])
def test_malformed_links_are_refused(url, connections):
    assert refusal(url) in ("not a valid host name", "not a valid URL")
    assert connections == []


# --- (4) the allow-list -------------------------------------------------------------------------------

def test_an_allowed_address_is_fetched_and_its_preview_extracted(server):
    page = fetch_page(server.url(), allowed_hosts=["127.0.0.1"])
    assert isinstance(page, FetchedPage)
    assert page.final_url == server.url() and not page.truncated
    assert page.preview.title == "Fractions, explained"
    assert page.preview.description == "A tip sheet on adding fractions."
    assert page.preview.text == "Adding fractions Find a common denominator."


@pytest.mark.parametrize("allowed", ["localhost", "LOCALHOST.", "localhost."])
def test_an_allowed_name_is_fetched_by_name(allowed, server):
    page = fetch_page(server.url(host="localhost"), allowed_hosts=[allowed])
    assert page.preview.title == "Fractions, explained"
    assert server.requests[0].headers["Host"] == f"localhost:{server.port}"


@pytest.mark.parametrize("host", ["2130706433", "0x7f.0.0.1", "127.1"])
def test_an_allowed_address_also_matches_its_other_spellings(host, server):
    assert fetch_page(server.url(host=host), allowed_hosts=["127.0.0.1"]).preview.title


def test_the_allow_list_matches_hosts_exactly(server, connections):
    by_name = server.url(host="localhost")
    assert refusal(by_name, allowed_hosts=["127.0.0.1"]) == "host localhost is not public"
    by_address = server.url()
    assert refusal(by_address, allowed_hosts=["localhost", "127.0.0.2"]) == "address 127.0.0.1 is not public"
    assert connections == [] and server.requests == []


def test_metadata_services_are_refused_even_when_allowed(lookups):
    allowed = ["metadata.google.internal", "169.254.169.254"]
    assert refusal("http://metadata.google.internal/", allowed_hosts=allowed).endswith("metadata service")
    assert refusal("http://169.254.169.254/", allowed_hosts=allowed).endswith("metadata service")
    assert refusal("http://[::ffff:169.254.169.254]/", allowed_hosts=["::ffff:a9fe:a9fe"]).endswith(
        "metadata service")


# --- (5) redirects: every hop is checked again --------------------------------------------------------

@pytest.mark.parametrize(("location", "reason"), [
    ("http://169.254.169.254/latest/meta-data/", "address 169.254.169.254 is a cloud metadata service"),
    ("http://10.0.0.1/", "address 10.0.0.1 is not public"),
    ("http://0x7f000001:{port}/page", None),  # the same allowed address, spelled otherwise: fine
    ("http://localhost:{port}/page", "host localhost is not public"),
    ("http://user:pw@127.0.0.1:{port}/page", "credentials in the URL"),
    ("file:///etc/passwd", "only http and https links are fetched, not file"),
    ("javascript:alert(1)", "only http and https links are fetched, not javascript"),
])
def test_redirects_are_checked_like_the_first_hop(location, reason, server, connections):
    server.routes["/go"] = redirect_route(location.format(port=server.port))
    if reason is None:
        assert fetch_page(server.url("/go"), allowed_hosts=["127.0.0.1"]).final_url.endswith("/page")
        return
    assert refusal(server.url("/go"), allowed_hosts=["127.0.0.1"]) == reason
    assert connections == [("127.0.0.1", server.port)]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_relative_redirects_are_followed(status, server):
    server.routes["/old"] = redirect_route("page?from=old", status=status)
    page = fetch_page(server.url("/old"), allowed_hosts=["127.0.0.1"])
    assert page.final_url == server.url("/page?from=old")
    assert [request.path for request in server.requests] == ["/old", "/page?from=old"]


def test_redirect_loops_stop_at_the_redirect_cap(server):
    server.routes["/loop"] = redirect_route("/loop")
    assert refusal(server.url("/loop"), allowed_hosts=["127.0.0.1"], max_redirects=3) == "too many redirects"
    assert len(server.requests) == 4


def test_a_redirect_without_a_location_is_refused(server):
    server.routes["/nowhere"] = html_route(b"", status=302)
    assert refusal(server.url("/nowhere"), allowed_hosts=["127.0.0.1"]) == "redirect without a location"


# --- (6) what is read: HTML only, capped in size and time ---------------------------------------------

@pytest.mark.parametrize("content_type", ["application/json", "image/svg+xml", "text/plain", None])
def test_pages_that_are_not_html_are_refused(content_type, server):
    server.routes["/data"] = html_route(b"<title>x</title>", content_type=content_type)
    assert refusal(server.url("/data"), allowed_hosts=["127.0.0.1"]) == "not an HTML page"


def test_xhtml_is_html(server):
    server.routes["/x"] = html_route(b"<title>Strict</title>", content_type="application/xhtml+xml")
    assert fetch_page(server.url("/x"), allowed_hosts=["127.0.0.1"]).preview.title == "Strict"


def test_error_statuses_are_refused(server):
    assert refusal(server.url("/missing"), allowed_hosts=["127.0.0.1"]) == "HTTP status 404"


def test_compressed_bodies_are_refused_since_identity_was_asked_for(server):
    server.routes["/gz"] = html_route(b"\x1f\x8b...", headers={"Content-Encoding": "gzip"})
    assert refusal(server.url("/gz"), allowed_hosts=["127.0.0.1"]) == "compressed response"
    assert server.requests[0].headers["Accept-Encoding"] == "identity"


@pytest.mark.parametrize("length", [True, False], ids=["content-length", "until-close"])
def test_a_body_past_max_bytes_is_cut_and_previewed_from_its_start(length, server):
    server.routes["/big"] = html_route(b"<title>Big</title><p>" + b"word " * 200_000, length=length)
    page = fetch_page(server.url("/big"), allowed_hosts=["127.0.0.1"], max_bytes=1000)
    assert page.truncated and page.preview.title == "Big"
    assert len(page.preview.text) <= 1000


def test_a_body_of_exactly_max_bytes_is_not_truncated(server):
    server.routes["/fits"] = html_route(b"<title>Fits</title>".ljust(1000))
    assert not fetch_page(server.url("/fits"), allowed_hosts=["127.0.0.1"], max_bytes=1000).truncated


def test_a_server_that_does_not_answer_times_out(server):
    def silent(handler: BaseHTTPRequestHandler) -> None:
        server.stopping.wait(3)

    server.routes["/slow"] = silent
    started = time.monotonic()
    assert refusal(server.url("/slow"), allowed_hosts=["127.0.0.1"], timeout=0.3) == "timed out"
    assert time.monotonic() - started < 0.8


@pytest.mark.parametrize("stage", ["headers", "body"])
def test_a_server_dripping_bytes_cannot_outlast_the_deadline(stage, server):
    def drip(handler: BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        handler.wfile.write(head + (b"X-Slow: " if stage == "headers" else b"\r\n<title>"))
        while not server.stopping.wait(0.05):  # each byte comes well within the socket timeout
            try:
                handler.wfile.write(b"a")
                handler.wfile.flush()
            except OSError:
                return

    server.routes["/drip"] = drip
    started = time.monotonic()
    assert refusal(server.url("/drip"), allowed_hosts=["127.0.0.1"], timeout=0.4) == "timed out"
    assert time.monotonic() - started < 0.9


def test_the_time_budget_covers_all_redirect_hops(server):
    def slow_redirect(handler: BaseHTTPRequestHandler) -> None:
        server.stopping.wait(0.15)
        redirect_route("/hop")(handler)

    server.routes["/hop"] = slow_redirect
    started = time.monotonic()
    options = {"allowed_hosts": ["127.0.0.1"], "timeout": 0.4, "max_redirects": 20}
    assert refusal(server.url("/hop"), **options) == "timed out"
    assert time.monotonic() - started < 0.9 and len(server.requests) <= 3


def test_a_closed_port_is_a_connection_failure(server):
    port = server.port
    server.close()
    assert refusal(f"http://127.0.0.1:{port}/", allowed_hosts=["127.0.0.1"]) == "connection failed"


# --- (7) no cookies, and the headers that are sent ----------------------------------------------------

def test_cookies_are_never_sent_back(server):
    cookie = {"Set-Cookie": "session=secret; Path=/"}
    server.routes["/cookie"] = redirect_route("/cookie-again", headers=cookie)
    server.routes["/cookie-again"] = redirect_route("/page", headers=cookie)
    fetch_page(server.url("/cookie"), allowed_hosts=["127.0.0.1"])
    assert [request.path for request in server.requests] == ["/cookie", "/cookie-again", "/page"]
    assert all(request.headers.get_all("Cookie") is None for request in server.requests)


def test_the_request_names_the_host_and_the_agent(server):
    fetch_page(server.url("/page?q=a b&x=é"), allowed_hosts=["127.0.0.1"], user_agent="Test/2")
    request = server.requests[0]
    assert request.path == "/page?q=a%20b&x=%C3%A9"
    assert request.headers["Host"] == f"127.0.0.1:{server.port}"
    assert request.headers["User-Agent"] == "Test/2"
    assert request.headers["Accept-Encoding"] == "identity"


# --- HTTPS: the pinned connection still verifies the certificate against the URL's host ---------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[LocalServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    local = LocalServer(tls=context)
    yield local
    local.close()


@pytest.fixture
def trusted_certificate(certificate, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the test certificate a trusted authority, as a real one would be."""
    real_context = ssl.create_default_context

    def create_default_context(*args: object, **kwargs: object) -> ssl.SSLContext:
        context = real_context(*args, **kwargs)
        context.load_verify_locations(cafile=str(certificate[0]))
        return context

    monkeypatch.setattr(ssl, "create_default_context", create_default_context)


def test_https_is_fetched_through_the_pinned_address_with_the_hosts_certificate(
        tls_server, trusted_certificate, connections):
    page = fetch_page(tls_server.url(host="localhost", scheme="https"), allowed_hosts=["localhost"])
    assert page.preview.title == "Fractions, explained"
    assert connections and all(address[:2] in (("127.0.0.1", tls_server.port), ("::1", tls_server.port))
                               for address in connections)


def test_https_refuses_a_certificate_for_another_name(tls_server, trusted_certificate, lookups):
    url = tls_server.url(host="intranet.example", scheme="https")
    assert refusal(url, allowed_hosts=["intranet.example"]) == "certificate not valid for this host"


def test_https_refuses_an_untrusted_certificate(tls_server):
    url = tls_server.url(host="localhost", scheme="https")
    assert refusal(url, allowed_hosts=["localhost"]) == "certificate not valid for this host"


# --- (8) extraction -----------------------------------------------------------------------------------

def test_open_graph_tags_win_over_title_and_description():
    preview = extract_preview(
        '<title>Site | Page</title><meta name="description" content="plain">'
        '<meta property="og:title" content="The Page"><meta property="og:description" content="rich">',
        "https://example.com/",
    )
    assert (preview.title, preview.description) == ("The Page", "rich")


def test_missing_fields_are_empty_and_long_ones_are_capped():
    assert extract_preview("", "https://example.com/") == extract_preview("<p>", "https://example.com/")
    preview = extract_preview(f"<title>{'t' * 400}</title><meta name=description content='{'d ' * 900}'>",
                              "https://example.com/")
    assert len(preview.title) == 300 and len(preview.description) <= 1000
    assert len(extract_preview("<p>" + "word " * 20_000, "https://example.com/").text) == 50_000 - 1


def test_scripts_styles_and_page_chrome_are_not_text():
    preview = extract_preview(
        "<body><header>Logo</header><nav>Menu</nav><script>alert('x')</script><style>p{}</style>"
        "<noscript>Enable JS</noscript><aside>Ads</aside><form><label>Search</label></form>"
        "<svg><title>icon</title><text>drawn</text></svg><template>later</template>"
        "<p>Real <b>con</b>tent</p><div>more</div><footer>Legal</footer></body>",
        "https://example.com/",
    )
    assert preview.text == "Real content more"
    assert preview.title == ""


@pytest.mark.parametrize(("html", "text"), [
    ("<p>outside</p><main><p>inside</p></main>", "inside"),
    ("<p>outside</p><article><p>story</p></article><article><p>two</p></article>", "story two"),
    ("<article>story</article><main>the main</main>", "the main"),
    ("<div>just a body</div>", "just a body"),
])
def test_main_then_article_then_the_body_hold_the_text(html, text):
    assert extract_preview(html, "https://example.com/").text == text


def test_entities_are_decoded_everywhere():
    preview = extract_preview(
        "<title>Tom &amp; Jerry &#x263A;</title><meta name=description content='caf&eacute; &lt;b&gt;'>"
        "<p>1 &lt; 2 &nbsp;&hellip;</p>",
        "https://example.com/",
    )
    assert preview.title == "Tom & Jerry \u263a"
    assert preview.description == "café <b>"
    assert preview.text == "1 < 2 \u2026"


@pytest.mark.parametrize(("body", "header", "expected"), [
    ('<meta charset="windows-1252"><p>caf\xe9 \x93q\x94'.encode("latin-1"), None, "café “q”"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">\xe9'.encode("latin-1"),
     None, "é"),
    ("<meta charset=utf-8>é".encode("latin-1"), "iso-8859-1", "é"),  # the header wins
    ("\ufeffé".encode("utf-16-le"), "iso-8859-1", "é"),  # a byte-order mark wins over all
    (b"<meta charset=no-such-thing>\xc3\xa9 \xff", None, "é \ufffd"),
    (b"\xc3\xa9", "base64", "é"),  # not a text encoding: UTF-8 instead
])
def test_the_charset_comes_from_the_bom_header_or_meta(body, header, expected):
    assert decode_html(body, header).endswith(expected)


def test_a_fetched_page_is_decoded_with_its_meta_charset(server):
    body = '<meta charset="iso-8859-1"><title>Déjà vu</title>'.encode("latin-1")
    server.routes["/latin"] = html_route(body, content_type="text/html")
    assert fetch_page(server.url("/latin"), allowed_hosts=["127.0.0.1"]).preview.title == "Déjà vu"


def test_quoted_attribute_values_may_hold_angle_brackets():
    preview = extract_preview(
        """<meta property="og:title" content="Home > Tutorials"><meta name=description content='a "b" <c>'>"""
        "<p data-x='<b>not a tag</b>'>shown</p>",
        "https://example.com/",
    )
    assert (preview.title, preview.description, preview.text) == ("Home > Tutorials", 'a "b" <c>', "shown")


@pytest.mark.parametrize("unit", ["<a ", "<!--", "<a x=\"", "<a x='", "<", "<nav>", "<title>", "</", "&amp"])
def test_hostile_markup_is_read_in_linear_time(unit):
    started = time.monotonic()
    extract_preview(unit * (300_000 // len(unit)), "https://example.com/")
    assert time.monotonic() - started < 0.5  # html.parser on Python 3.11.7 needs minutes for "<a "
