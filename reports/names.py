"""Russian names of category codes and department ids for what people read; data keeps the codes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Titles after the rubricator of the ПОС (платформа обратной связи), by the codes nlp/ assigns.
CATEGORY_TITLES: Mapping[str, str] = MappingProxyType(
    {
        "improvement": "Благоустройство",
        "housing": "ЖКХ",
        "health": "Здравоохранение",
        "culture": "Культура",
        "forestry": "Лесное хозяйство",
        "education": "Образование",
        "economy": "Экономика",
        "roads": "Дороги",
        "communications": "Связь",
        "agriculture": "Сельское хозяйство",
        "social": "Социальная защита",
        "construction": "Строительство",
        "transport": "Транспорт",
        "sport": "Спорт",
        "ecology": "Экология",
        "safety": "Безопасность",
        "government": "Органы власти",
        "other": "Прочее",
    }
)


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
