"""Russian names of category codes and department ids for what people read; data keeps the codes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from alerts.templates import CATEGORY_RU

# Rubricator titles (after the ПОС) by the codes nlp/ assigns: the same list the alerts use.
CATEGORY_TITLES: Mapping[str, str] = MappingProxyType(dict(CATEGORY_RU))


@dataclass(frozen=True)
class Names:
    """How codes are shown: category titles and department names; unknown codes show as is."""

    categories: Mapping[str, str] = field(default_factory=lambda: CATEGORY_TITLES)
    departments: Mapping[str, str] = field(default_factory=dict)

    def category(self, code: str) -> str:
        return self.categories.get(code, code)

    def department(self, id: str) -> str:
        return self.departments.get(id, id)


DEFAULT_NAMES = Names()
