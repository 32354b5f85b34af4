"""Fetch a shared link's page for its preview, refusing anything but a public http(s) HTML page.

Every hop (the URL and each redirect) is checked the same way: scheme, no credentials, the host
name, then every address one getaddrinfo() call returns. The connection then goes to a checked
address itself, never to a second lookup, so DNS cannot change its answer between check and use.

Limits: ``timeout`` is one wall-clock budget for the whole fetch, lookups and redirects included;
bodies are read up to ``max_bytes`` and a longer page is previewed from its start (title and
description sit in <head>) with ``truncated`` set; we ask for ``identity`` encoding and refuse
compressed bodies, so there is no decompression to bound. No cookies, no proxies.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import ssl
import threading
import time
from collections.abc import Collection
from concurrent.futures import Future
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from .addresses import (
    HostAllowList,
    IPAddress,
    is_local_host_name,
    is_metadata_address,
    is_metadata_host,
    is_public_address,
    parse_ip_literal,
)
from .extract import PagePreview, decode_html, extract_preview

_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
_PATH_SAFE = "!$&'()*+,/:;=?@[]~%"  # kept as they are; anything else (spaces, non-ASCII) is escaped
_READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchedPage:
    final_url: str  # after redirects
    preview: PagePreview
    truncated: bool = False  # the body passed max_bytes; the preview is of its first max_bytes


class FetchRefused(Exception):
    """The page was not fetched; ``reason`` says why in a few words, for logs and the resource page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def fetch_page(
    url: str,
    *,
    allowed_hosts: Collection[str] = (),
    timeout: float = 5.0,
    max_bytes: int = 1_000_000,
    max_redirects: int = 5,
    user_agent: str = "CommunityPreview/1.0",
) -> FetchedPage:
    """GET ``url`` and extract its preview, or raise FetchRefused.

    ``allowed_hosts`` are host names or IP addresses (any port) that may be fetched although they
    are internal; each hop is judged on its own, so a redirect from an allowed host to an internal
    one is refused. Cloud metadata hosts and addresses are refused even when allowed.
    """
    allow_list = HostAllowList(allowed_hosts)
    deadline = _Deadline(timeout)
    for _hop in range(max_redirects + 1):
        target = _parse_url(url)
        addresses = _checked_addresses(target, allow_list, deadline)
        reply = _exchange(target, addresses, deadline, max_bytes, user_agent)
        if reply.redirect_to is None:
            html = decode_html(reply.body, reply.charset)
            return FetchedPage(target.url, extract_preview(html, target.url), reply.truncated)
        url = reply.redirect_to
    raise FetchRefused("too many redirects")


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self._at = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self._at - time.monotonic()
        if left <= 0:
            raise FetchRefused("timed out")
        return left


@dataclass(frozen=True)
class _Target:
    """One hop's URL, taken apart."""

    url: str
    scheme: str
    host: str  # ASCII, lower case, without brackets or trailing dot
    ip: IPAddress | None  # what the host means when it is an address literal
    port: int
    request_target: str  # path and query

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


@dataclass(frozen=True)
class _Reply:
    redirect_to: str | None = None
    body: bytes = b""
    charset: str | None = None
    truncated: bool = False


def _parse_url(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchRefused("not a valid URL") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise FetchRefused(f"only http and https links are fetched, not {scheme or 'this'}")
    if "@" in parts.netloc:
        raise FetchRefused("credentials in the URL")
    host = (parts.hostname or "").rstrip(".")
    ip = parse_ip_literal(host) if host else None
    if ip is None and "[" in parts.netloc:
        raise FetchRefused("not a valid host name")  # brackets hold IPv6 only, not "IPvFuture" [v1.x]
    if ip is None:
        host = _ascii_host_name(host)
    request_target = parts.path or "/"
    if parts.query:
        request_target += "?" + parts.query
    return _Target(url.strip(), scheme, str(ip) if ip else host, ip, port or _DEFAULT_PORTS[scheme],
                   quote(request_target, safe=_PATH_SAFE))


def _ascii_host_name(host: str) -> str:
    try:
        ascii_host = host.encode("idna").decode("ascii").lower() if host else ""
    except UnicodeError:
        ascii_host = ""
    if not _HOST_NAME.fullmatch(ascii_host):
        raise FetchRefused("not a valid host name")
    return ascii_host


def _checked_addresses(target: _Target, allow_list: HostAllowList, deadline: _Deadline) -> list[IPAddress]:
    if is_metadata_host(target.host):
        raise FetchRefused(f"host {target.host} is a cloud metadata service")
    allowed = allow_list.permits(target.host)
    if is_local_host_name(target.host) and not allowed:
        raise FetchRefused(f"host {target.host} is not public")
    addresses = [target.ip] if target.ip else _resolve(target.host, target.port, deadline)
    for ip in addresses:
        if is_metadata_address(ip):
            raise FetchRefused(f"address {ip} is a cloud metadata service")
        if not allowed and not is_public_address(ip):
            raise FetchRefused(f"address {ip} is not public")
    return addresses


def _resolve(host: str, port: int, deadline: _Deadline) -> list[IPAddress]:
    """Every address of ``host``, from one getaddrinfo() call, answered within the deadline."""
    answer: Future[list] = Future()

    def look_up() -> None:
        try:
            answer.set_result(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as exc:  # handed to the caller, who decides
            answer.set_exception(exc)

    # getaddrinfo() has no timeout of its own; a lookup that outlives us just ends in its thread.
    threading.Thread(target=look_up, name="preview-dns", daemon=True).start()
    try:
        infos = answer.result(timeout=deadline.remaining())
    except TimeoutError:
        raise FetchRefused("timed out") from None
    except OSError as exc:
        raise FetchRefused(f"could not resolve {host}") from exc
    addresses = {parse_ip_literal(str(info[4][0])): None for info in infos
                 if info[0] in (socket.AF_INET, socket.AF_INET6)}
    if not addresses or None in addresses:
        raise FetchRefused(f"could not resolve {host}")
    return list(addresses)


def _exchange(target: _Target, addresses: list[IPAddress], deadline: _Deadline, max_bytes: int,
              user_agent: str) -> _Reply:
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, addresses, deadline)
    watchdog = _Watchdog(connection, deadline.remaining())
    try:
        connection.request("GET", target.request_target, headers={
            "Host": target.host_header,
            "User-Agent": user_agent,
            "Accept": "text/html, application/xhtml+xml",
            "Accept-Encoding": "identity",
            "Connection": "close",
        })
        reply = _read_reply(target, connection, deadline, max_bytes)
    except (OSError, http.client.HTTPException) as exc:
        raise _refusal_for(exc, timed_out=watchdog.fired) from exc
    finally:
        watchdog.cancel()
        connection.close()
    if watchdog.fired:  # the socket was shut mid-read, so what was read is incomplete
        raise FetchRefused("timed out")
    return reply


def _read_reply(target: _Target, connection: _PinnedHTTPConnection, deadline: _Deadline,
                max_bytes: int) -> _Reply:
    with connection.getresponse() as response:  # closing it releases the socket the response holds
        return _read_response(target, response, connection, deadline, max_bytes)


def _read_response(target: _Target, response: http.client.HTTPResponse, connection: _PinnedHTTPConnection,
                   deadline: _Deadline, max_bytes: int) -> _Reply:
    if response.status in _REDIRECT_STATUSES:
        location = response.getheader("Location", "").strip()
        if not location:
            raise FetchRefused("redirect without a location")
        return _Reply(redirect_to=urljoin(target.url, location))
    if not 200 <= response.status < 300:
        raise FetchRefused(f"HTTP status {response.status}")
    if response.headers.get_content_type() not in _HTML_TYPES:
        raise FetchRefused("not an HTML page")
    if response.getheader("Content-Encoding", "identity").strip().lower() != "identity":
        raise FetchRefused("compressed response")  # we asked for identity; we never decompress
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:  # read one byte past the cap to know whether there was more
        connection.opened.settimeout(deadline.remaining())
        chunk = response.read1(min(_READ_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    body = b"".join(chunks)
    return _Reply(body=body[:max_bytes], charset=response.headers.get_content_charset(),
                  truncated=size > max_bytes)


def _refusal_for(exc: Exception, *, timed_out: bool) -> FetchRefused:
    if timed_out or isinstance(exc, TimeoutError):
        return FetchRefused("timed out")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return FetchRefused("certificate not valid for this host")
    if isinstance(exc, ssl.SSLError):
        return FetchRefused("TLS handshake failed")
    if isinstance(exc, http.client.HTTPException):
        return FetchRefused("not a valid HTTP response")
    return FetchRefused("connection failed")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address that was checked, never to a new lookup of the host name."""

    def __init__(self, target: _Target, addresses: list[IPAddress], deadline: _Deadline) -> None:
        super().__init__(target.host, target.port)
        self._addresses = addresses
        self._deadline = deadline
        self.opened: socket.socket | None = None  # kept after close(): the response still reads from it

    def connect(self) -> None:
        self._use(_open_socket(self._addresses, self.port, self._deadline))

    def _use(self, sock: socket.socket) -> None:
        self.sock = self.opened = sock
        # Had the watchdog fired before it could see this socket, nothing would stop a slow server.
        self._deadline.remaining()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """The same pinned connection, then TLS verified against the host name from the URL."""

    def connect(self) -> None:
        super().connect()
        context = ssl.create_default_context()
        # No handshake yet: the watchdog must see the TLS socket first, to stop a slow handshake.
        self._use(context.wrap_socket(self.sock, server_hostname=self.host, do_handshake_on_connect=False))
        self.sock.do_handshake()


def _open_socket(addresses: list[IPAddress], port: int, deadline: _Deadline) -> socket.socket:
    error: OSError = OSError("no address to connect to")
    for ip in addresses:
        sock = socket.socket(socket.AF_INET6 if ip.version == 6 else socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.settimeout(deadline.remaining())
            sock.connect((str(ip), port))
        except OSError as exc:
            sock.close()
            error = exc
        except BaseException:
            sock.close()
            raise
        else:
            return sock
    raise error


class _Watchdog:
    """Shuts the connection's socket when the deadline passes.

    A socket timeout bounds each read, not their sum: a server sending a byte a second would keep
    us forever. Shutting the socket makes any read in progress end at once.
    """

    def __init__(self, connection: _PinnedHTTPConnection, seconds: float) -> None:
        self.fired = False
        self._connection = connection
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        sock = self._connection.opened
        if sock is not None:
            # The plain socket method: SSLSocket.shutdown would also drop its TLS state under the
            # reading thread's feet. OSError: the socket is closed already.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()
