"""ПОС (платформа обратной связи): appeals from its notification letters and exported registries."""

from __future__ import annotations

from datetime import datetime

from connectors.message import Author, Wire
from contract.message import PosAppeal


def appeal(
    *,
    number: str,
    text: str,
    created_at: datetime,
    url: str,
    category: str | None = None,
    subcategory: str | None = None,
    address: str | None = None,
    applicant: str | None = None,
    applicant_address: str | None = None,
    deadline: datetime | None = None,
    status: str | None = None,
) -> Wire:
    """One ПОС appeal: id `pos:<number>`, its ПОС deadline and category kept as given (`pos`)."""
    mid = f"pos:{number}"
    details = {
        "number": number,
        "category": category,
        "subcategory": subcategory,
        "address": address,
        "applicant_address": applicant_address,
        "status": status,
        "deadline": deadline,
    }
    return Wire(
        id=mid,
        source="pos",
        kind="appeal",
        thread_id=mid,
        url=url,
        author=Author(name=applicant),
        text=text,
        created_at=created_at,
        category_hint=category,
        pos=PosAppeal.model_validate({k: v for k, v in details.items() if v}),
    )
