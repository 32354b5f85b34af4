"""The operator surface: request ids and access logs, probes, and Prometheus metrics."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Call first in create_app: the request hooks must wrap every other hook."""
    from ... import metrics
    from ...extensions import limiter
    from . import tracking, views

    metrics.init_app(app)
    app.extensions["community_metrics_allowed"] = views.allowed_networks(
        app.config["METRICS_ALLOWED_IPS"])
    metrics.metrics_of(app).registry.register(views.CurrentStateCollector(app))
    tracking.init_app(app)
    limiter.exempt(views.bp)
    app.register_blueprint(views.bp)
