"""This process's Prometheus metrics: one registry per app, read by ``GET /metrics``.

Counters and histograms are updated where things happen (the request hooks in web/operations,
``publish_envelope`` for events); gauges that describe current state (connected sockets, indexer
lag, preview queue) are computed when the endpoint is scraped. Each server process keeps its own
numbers, so every process is scraped on its own port (see "Running in production").
"""

from __future__ import annotations

from flask import Flask
from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class AppMetrics:
    """The metric objects of one app, registered on its own registry (tests build many apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "community_http_requests", "HTTP requests answered, by method, Flask endpoint and status.",
            ["method", "endpoint", "status"], registry=self.registry)
        self.http_request_duration = Histogram(
            "community_http_request_duration_seconds", "Time to answer an HTTP request, by Flask endpoint.",
            ["endpoint"], registry=self.registry)
        self.events_published = Counter(
            "community_events_published", "Stored events published to Socket.IO channels, by type.",
            ["type"], registry=self.registry)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)

    def observe_request(self, method: str, endpoint: str, status: int, seconds: float) -> None:
        """Count one answered request; unknown methods share one label so the series stay few."""
        method = method if method in HTTP_METHODS else "other"
        self.http_requests.labels(method=method, endpoint=endpoint, status=str(status)).inc()
        self.http_request_duration.labels(endpoint=endpoint).observe(seconds)


def init_app(app: Flask) -> None:
    app.extensions["community_metrics"] = AppMetrics()


def metrics_of(app: Flask) -> AppMetrics:
    return app.extensions["community_metrics"]
