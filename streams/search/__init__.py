"""The search engine behind the index agent and the reports: Elasticsearch 8 or OpenSearch 2."""

from __future__ import annotations

from streams.search.engine import (
    BulkResult,
    SearchEngine,
    index_for,
    written_before,
    written_by_index,
)
from streams.settings import SearchSettings

__all__ = [
    "BulkResult",
    "SearchEngine",
    "connect",
    "index_for",
    "written_before",
    "written_by_index",
]


def connect(settings: SearchSettings) -> SearchEngine:
    """A SearchEngine on the official client of the configured engine."""
    auth = None
    if settings.username and settings.password:
        auth = (settings.username, settings.password.get_secret_value())
    if settings.engine == "elasticsearch":
        from elasticsearch import Elasticsearch

        # Elasticsearch 8 with security on (docker-compose): HTTPS with the stack's own CA.
        if settings.ca_certs is not None:
            es = Elasticsearch(
                settings.url,
                basic_auth=auth,
                ca_certs=str(settings.ca_certs),
                request_timeout=30,
                retry_on_timeout=True,
            )
        else:
            es = Elasticsearch(
                settings.url, basic_auth=auth, request_timeout=30, retry_on_timeout=True
            )
        return SearchEngine(es, "elasticsearch", settings.index_prefix)
    from opensearchpy import OpenSearch

    ca = str(settings.ca_certs) if settings.ca_certs else None
    client = OpenSearch(
        hosts=[settings.url], http_auth=auth, ca_certs=ca, timeout=30, retry_on_timeout=True
    )
    return SearchEngine(client, "opensearch", settings.index_prefix)
