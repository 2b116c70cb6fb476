"""Drives a running IGNY8 server with the Python client generated from its OpenAPI document.

Signs up, creates a site and a sector, imports a CSV of keywords and pages through them by
the `next` links (numbered pages, then a cursor scan), checking the counts on the way. Run by
tests/clients/run.sh, which generates the client (package `igny8_api_client`) first:

    PYTHONPATH=<generated> python walkthrough.py http://127.0.0.1:8011
"""

import io
import sys
import uuid
from urllib.parse import parse_qs, urlsplit

from igny8_api_client import AuthenticatedClient, Client
from igny8_api_client.api.auth import post_auth_register, post_auth_sectors, post_auth_sites
from igny8_api_client.api.planner import get_planner_keywords, post_planner_keywords_import
from igny8_api_client.models import NewSector, NewSite, Register
from igny8_api_client.types import UNSET, File

KEYWORDS = 237
PAGE_SIZE = 50


def ok(response, status=200):
    """The envelope's data, after checking the status and `success`."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.parsed
    assert body is not None and body.success, response.content[:500]
    return body.data


def query_of(link):
    """The query parameters of a `next` link (a path and query on the server)."""
    assert link.startswith("/api/v1/"), link
    return {k: v[0] for k, v in parse_qs(urlsplit(link).query, keep_blank_values=True).items()}


def page_through(client, sector_id, **first):
    """Every keyword of the sector, following `next` from the first page; the pages' sizes
    and the count of the first page."""
    params, sizes, seen, count = dict(first), [], [], None
    while True:
        page = ok(
            get_planner_keywords.sync_detailed(
                client=client,
                sector_id=sector_id,
                page_size=PAGE_SIZE,
                page=int(params["page"]) if "page" in params else UNSET,
                cursor=params["cursor"] if "cursor" in params else UNSET,
            )
        )
        if count is None:
            count = page.count
        sizes.append(len(page.results))
        seen.extend(k.keyword for k in page.results)
        if not page.next_:
            return seen, sizes, count
        params = query_of(page.next_)
        assert int(params["sector_id"]) == sector_id and int(params["page_size"]) == PAGE_SIZE


def main(base):
    api = base.rstrip("/") + "/api/v1"
    email = f"client-{uuid.uuid4().hex[:12]}@example.com"
    tokens = ok(
        post_auth_register.sync_detailed(
            client=Client(base_url=api),
            body=Register(email=email, password="a long client password", account_name="Clients"),
        ),
        201,
    )
    client = AuthenticatedClient(base_url=api, token=tokens.access)

    site = ok(post_auth_sites.sync_detailed(client=client, body=NewSite(name="Blog")), 201)
    sector = ok(
        post_auth_sectors.sync_detailed(
            client=client, body=NewSector(site_id=site.id, name="Kitchen")
        ),
        201,
    )

    rows = ["keyword,volume,difficulty"]
    rows += [f"kitchen idea {i},{1000 - i},{i % 101}" for i in range(KEYWORDS)]
    rows.append("kitchen idea 3,5,5")  # a duplicate: merged, not counted twice
    csv = ("\n".join(rows) + "\n").encode()
    report = ok(
        post_planner_keywords_import.sync_detailed(
            client=client,
            sector_id=sector.id,
            body=File(payload=io.BytesIO(csv), file_name="keywords.csv", mime_type="text/csv"),
        )
    )
    assert (report.imported, report.merged, report.rejected) == (KEYWORDS, 1, 0), report

    pages = -(-KEYWORDS // PAGE_SIZE)
    last = KEYWORDS - (pages - 1) * PAGE_SIZE
    seen, sizes, count = page_through(client, sector.id)
    assert count == KEYWORDS, count
    assert sizes == [PAGE_SIZE] * (pages - 1) + [last], sizes
    assert sorted(seen) == sorted(f"kitchen idea {i}" for i in range(KEYWORDS))

    seen, sizes, count = page_through(client, sector.id, cursor="")
    assert count is None, count  # cursor pages don't count
    assert len(seen) == KEYWORDS and len(set(seen)) == KEYWORDS, len(seen)

    print(f"client walkthrough: {KEYWORDS} keywords imported, {pages} pages by number and by cursor")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8011")
