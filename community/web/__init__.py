"""Thin HTTP edges: HTML pages and the JSON API under /api/v1."""
