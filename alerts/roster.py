"""People, groups and departments who receive alerts; departments own categories."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Channel = Literal["email", "telegram"]
CHANNELS: tuple[Channel, ...] = ("telegram", "email")
DEPARTMENT_RECEIVER = "$department"
Problem = tuple[tuple[str | int, ...], str]
# What a person may do in the alerts API: read; read and act (ack, resolve, silence);
# everything and read the audit log.
Role = Literal["viewer", "operator", "admin"]
# A token is never stored, only its SHA-256 (`mcu token new PERSON` prints both once).
TokenHash = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonConfig(_Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    short_name: str | None = None
    position: str = ""
    email: str | None = None
    telegram_chat_id: int | None = None
    # Who may press the buttons; defaults to the chat id (a private chat with the bot).
    telegram_user_id: int | None = None
    channels: list[Channel] | None = None
    # The person's alerts API tokens (several while one is being replaced) and role.
    api_tokens: list[TokenHash] = []
    api_role: Role = "operator"


class GroupConfig(_Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    members: list[str] = []
    email: str | None = None
    telegram_chat_id: int | None = None


class DepartmentConfig(GroupConfig):
    categories: list[str] = []


class RosterConfig(_Strict):
    people: list[PersonConfig] = []
    groups: list[GroupConfig] = []
    departments: list[DepartmentConfig] = []
    # Receives what no department owns (unknown or unmapped category).
    default_department: str | None = None

    def problems(self) -> list[Problem]:
        """Cross-reference errors as (path inside roster, reason)."""
        found: list[Problem] = []
        seen: dict[str, str] = {}
        people = {p.id for p in self.people}
        sections: list[tuple[str, Sequence[PersonConfig | GroupConfig]]] = [
            ("people", self.people),
            ("groups", self.groups),
            ("departments", self.departments),
        ]
        for section, entries in sections:
            for index, entry in enumerate(entries):
                if entry.id in seen:
                    found.append(
                        ((section, index, "id"), f"id {entry.id!r} уже занят в {seen[entry.id]}")
                    )
                seen.setdefault(entry.id, section)
                if entry.id.startswith("$"):
                    found.append(((section, index, "id"), "id не может начинаться с $"))
                if isinstance(entry, GroupConfig):
                    for m, member in enumerate(entry.members):
                        if member not in people:
                            found.append(
                                ((section, index, "members", m), f"нет такого человека: {member!r}")
                            )
                    if not entry.members and entry.email is None and entry.telegram_chat_id is None:
                        found.append(
                            (
                                (section, index),
                                "нет ни участников, ни адреса: оповещения некому слать",
                            )
                        )
        token_owner: dict[str, str] = {}
        for index, person in enumerate(self.people):
            for t, token in enumerate(person.api_tokens):
                if token in token_owner:
                    found.append(
                        (
                            ("people", index, "api_tokens", t),
                            f"этот токен уже у {token_owner[token]!r}",
                        )
                    )
                token_owner.setdefault(token, person.id)
        owners: dict[str, str] = {}
        for index, dept in enumerate(self.departments):
            for c, category in enumerate(dept.categories):
                if category in owners:
                    found.append(
                        (
                            ("departments", index, "categories", c),
                            f"категория {category!r} уже у {owners[category]!r}",
                        )
                    )
                owners.setdefault(category, dept.id)
        if self.default_department is not None and self.default_department not in {
            d.id for d in self.departments
        }:
            found.append(
                (("default_department",), f"нет такого отдела: {self.default_department!r}")
            )
        return found


@dataclass(frozen=True)
class Contact:
    """One address to deliver to: a person's, or a group chat / mailbox of a group."""

    id: str
    name: str
    channel: Channel
    address: str


class Roster:
    def __init__(self, config: RosterConfig) -> None:
        self.config = config
        self._people = {p.id: p for p in config.people}
        self._groups: dict[str, GroupConfig] = {g.id: g for g in config.groups}
        self._groups.update({d.id: d for d in config.departments})
        self._departments = {d.id: d for d in config.departments}
        self._owner = {c: d.id for d in config.departments for c in d.categories}
        self._by_telegram = {
            (p.telegram_user_id or p.telegram_chat_id): p.id
            for p in config.people
            if (p.telegram_user_id or p.telegram_chat_id) is not None
        }

    def department_for(self, category: str | None) -> str | None:
        """The department responsible for a category; the default department otherwise."""
        if category and category in self._owner:
            return self._owner[category]
        return self.config.default_department

    def department_ids(self) -> list[str]:
        return list(self._departments)

    def names(self) -> set[str]:
        return set(self._people) | set(self._groups)

    def knows(self, receiver: str) -> bool:
        return (
            receiver == DEPARTMENT_RECEIVER or receiver in self._people or receiver in self._groups
        )

    def display_name(self, ident: str) -> str:
        if ident in self._people:
            person = self._people[ident]
            return person.short_name or person.name
        if ident in self._groups:
            return self._groups[ident].name
        return ident

    def person_for_telegram_user(self, user_id: int) -> str | None:
        return self._by_telegram.get(user_id)

    def people_behind(self, receiver: str) -> set[str]:
        """The people a notification to this receiver reaches: the person, or a group's members."""
        if receiver in self._people:
            return {receiver}
        group = self._groups.get(receiver)
        return set(group.members) if group is not None else set()

    def resolve(self, receiver: str, labels: Mapping[str, str]) -> str | None:
        """Turns `$department` into the department of the alert; other names stay."""
        if receiver == DEPARTMENT_RECEIVER:
            return labels.get("department") or self.config.default_department
        return receiver if receiver in self._people or receiver in self._groups else None

    def contacts(
        self,
        receiver: str,
        labels: Mapping[str, str],
        channels: Collection[Channel] | None = None,
    ) -> list[Contact]:
        """Addresses of a receiver per channel; a group's own chat or mailbox wins over members'."""
        resolved = self.resolve(receiver, labels)
        if resolved is None:
            return []
        wanted = [c for c in CHANNELS if channels is None or c in channels]
        result: list[Contact] = []
        if resolved in self._people:
            result = self._person_contacts(resolved, wanted)
        else:
            group = self._groups[resolved]
            for channel in wanted:
                own = group.email if channel == "email" else group.telegram_chat_id
                if own is not None:
                    result.append(Contact(group.id, group.name, channel, str(own)))
                else:
                    for member in group.members:
                        result.extend(self._person_contacts(member, [channel]))
        unique: dict[tuple[str, str], Contact] = {}
        for contact in result:
            unique.setdefault((contact.channel, contact.address), contact)
        return list(unique.values())

    def _person_contacts(self, person_id: str, channels: list[Channel]) -> list[Contact]:
        person = self._people[person_id]
        allowed = person.channels if person.channels is not None else list(CHANNELS)
        name = person.short_name or person.name
        result = []
        for channel in channels:
            if channel not in allowed:
                continue
            address = person.email if channel == "email" else person.telegram_chat_id
            if address is not None:
                result.append(Contact(person.id, name, channel, str(address)))
        return result
