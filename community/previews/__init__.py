"""Link previews for shared resources: an SSRF-safe page fetcher and the extraction of its text.

addresses, fetch and extract need neither Flask nor the database: the preview worker calls fetch_page().
"""

from .addresses import is_public_address
from .extract import PagePreview, decode_html, extract_preview
from .fetch import FetchedPage, FetchRefused, fetch_page

__all__ = [
    "FetchRefused",
    "FetchedPage",
    "PagePreview",
    "decode_html",
    "extract_preview",
    "fetch_page",
    "is_public_address",
]
