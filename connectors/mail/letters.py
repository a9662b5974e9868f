"""A fetched letter (imap-tools MailMessage) → a wire message: an appeal, an official reply,
or a ПОС appeal when the letter is a ПОС notification. Ids are `mail:<Message-ID>`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from imap_tools import MailMessage

from connectors.mail import pos as pos_letter
from connectors.mail.text import readable
from connectors.message import Author, Wire
from connectors.pos import appeal


@dataclass(frozen=True)
class Mailbox:
    """Who is who in this mailbox."""

    officials: Collection[str]
    pos_senders: Collection[str]
    pos_url: str
    zone: ZoneInfo


def _headers(letter: MailMessage) -> dict[str, tuple[str, ...]]:
    return dict(letter.headers)


def message_id(letter: MailMessage, fallback: str) -> str:
    raw = (_headers(letter).get("message-id") or ("",))[0].strip()
    return f"mail:<{raw.strip('<>')}>" if raw else f"mail:{fallback}"


def _refs(letter: MailMessage) -> list[str]:
    headers = _headers(letter)
    values = [*headers.get("references", ()), *headers.get("in-reply-to", ())]
    found = [f"mail:<{part.strip('<>')}>" for v in values for part in v.split() if part.strip("<>")]
    return list(dict.fromkeys(found))


def _date(letter: MailMessage) -> datetime:
    date = letter.date
    if date.year < 1980:  # imap-tools' value for a missing or unreadable Date
        return datetime.now(UTC)
    return date if date.tzinfo else date.replace(tzinfo=UTC)


def to_wire(letter: MailMessage, box: Mailbox, fallback_id: str) -> Wire:
    sender = (letter.from_ or "").lower()
    text = readable(letter.text or "", letter.html or "")
    files = [a.filename for a in letter.attachments if a.filename]
    if sender in {s.lower() for s in box.pos_senders}:
        found = pos_letter.parse(text, letter.subject or "", box.zone)
        if found is not None:
            return appeal(
                number=found.number,
                text=found.text,
                created_at=_date(letter),
                url=found.url or box.pos_url.format(number=found.number),
                category=found.category,
                subcategory=found.subcategory,
                address=found.address,
                applicant=found.applicant,
                applicant_address=found.applicant_address,
                deadline=found.deadline,
            )
    mid = message_id(letter, fallback_id)
    refs = _refs(letter)
    official = sender in {s.lower() for s in box.officials}
    parent = refs[-1] if refs else None
    subject = (letter.subject or "").strip()
    body = f"{subject}\n\n{text}".strip() if subject else text
    return Wire(
        id=mid,
        source="email",
        kind="reply" if official and parent else "appeal",
        thread_id=refs[0] if refs else mid,
        parent_id=parent,
        author=Author(
            id=f"mail:{sender}" if sender else None,
            name=letter.from_values.name if letter.from_values else None,
            is_official=official,
        ),
        text=body,
        created_at=_date(letter),
        extra={"attachments": files, "subject": subject} if files else {"subject": subject},
    )
