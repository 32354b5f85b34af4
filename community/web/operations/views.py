"""The operator endpoints: /livez, /healthz and /readyz for probes, /metrics for Prometheus.

None of them needs a login (COMMUNITY_LOGIN_REQUIRED leaves them open) or counts against a rate
limit. /metrics answers only addresses in COMMUNITY_METRICS_ALLOWED_IPS that reach the process
directly; anyone else, and any request relayed by a proxy, gets the site's ordinary 404.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from ...extensions import db
from ...metrics import metrics_of
from ...queries.resources import pending_preview_count
from ...realtime.hub import hub_for
from ...search.health import indexer_lag
from .readiness import check_readiness

log = logging.getLogger(__name__)

bp = Blueprint("operations", __name__)

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/livez")
def livez() -> ResponseReturnValue:
    """Liveness: the process answers. Touches no dependency."""
    return jsonify({"status": "ok"}), 200, NO_STORE


@bp.get("/readyz", endpoint="readyz")
@bp.get("/healthz", endpoint="healthz")
def readiness() -> ResponseReturnValue:
    """Readiness: 200 when the database, Redis and the search index answer, else 503."""
    result = check_readiness(current_app._get_current_object())
    return jsonify(result.as_json()), 503 if result.failed else 200, NO_STORE


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    if not _may_scrape():
        abort(404)
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    return Response(encoder(metrics_of(current_app).registry), content_type=content_type,
                    headers=NO_STORE)


def _may_scrape() -> bool:
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False  # relayed by a proxy: the real client is unknown
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in current_app.extensions["community_metrics_allowed"])


def allowed_networks(setting: str) -> list[IpNetwork]:
    """COMMUNITY_METRICS_ALLOWED_IPS: comma-separated addresses or networks (10.0.0.0/8)."""
    networks = []
    for item in (part.strip() for part in setting.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise RuntimeError(f"COMMUNITY_METRICS_ALLOWED_IPS: {item!r} is not an IP address "
                               "or network") from exc
    return networks


class CurrentStateCollector(Collector):
    """Gauges computed at scrape time: connected sockets, indexer lag, link previews waiting."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("community_socketio_connected_sockets",
                                "Socket.IO connections open on this process.",
                                value=hub_for(self.app).socket_count())
        try:
            lag, previews = indexer_lag(), pending_preview_count()
        except SQLAlchemyError as exc:  # the scrape still reports everything else
            log.warning("metrics: database unavailable: %s", type(exc).__name__)
            db.session.rollback()
            return
        yield GaugeMetricFamily("community_search_indexer_lag_events",
                                "Events in the log not yet applied to this host's search index.",
                                value=lag)
        yield GaugeMetricFamily("community_preview_queue_size",
                                "Shared resources whose link preview waits to be fetched.",
                                value=previews)
