"""Tagger configuration: YAML files shipped in nlp/lexicons/, validated at load, frozen inside."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

DEFAULT_DIR = Path(__file__).parent / "lexicons"
Weighted = Mapping[str, float]


class ConfigError(ValueError):
    """A configuration file is missing, unreadable or invalid; the message names the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Category(_Strict):
    strong: list[str] = []
    weak: list[str] = []


class _Subcategory(_Strict):
    code: str
    terms: list[str] = []


class _Official(_Strict):
    surname: str
    name: str
    patronymic: str
    role: str = ""
    department: str = ""


class _File(_Strict):
    categories: dict[str, _Category] = {}
    rubricator: dict[str, dict[str, _Subcategory]] = {}
    category_weights: dict[str, float] = {}
    roster: list[_Official] = []
    street_types: dict[str, list[str]] = {}
    streets: list[str] = []
    places: dict[str, list[str]] = {}
    organisations: dict[str, list[str]] = {}
    organisation_types: dict[str, list[str]] = {}
    lexicons: dict[str, list[str] | dict[str, float]] = {}
    patterns: dict[str, list[str]] = {}
    thresholds: dict[str, float] = {}

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, regexes in value.items():
            for regex in regexes:
                try:
                    re.compile(regex)
                except re.error as error:
                    raise ValueError(f"pattern {name!r}: {regex!r}: {error}") from error
        return value


@dataclass(frozen=True, slots=True)
class Official:
    surname: str
    name: str
    patronymic: str
    role: str = ""
    department: str = ""

    @property
    def normal(self) -> str:
        return f"{self.surname} {self.name[0]}.{self.patronymic[0]}."


@dataclass(frozen=True)
class TaggerConfig:
    """Everything the rules know: rubricator, roster, gazetteers, lexicons, regexes, thresholds."""

    categories: Mapping[str, Weighted] = field(default_factory=dict)
    # The public topic tree people file appeals under: topic → subcategory → project code.
    rubricator: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    roster: tuple[Official, ...] = ()
    street_types: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    streets: tuple[str, ...] = ()
    places: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    organisations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    organisation_types: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lexicons: Mapping[str, Weighted] = field(default_factory=dict)
    patterns: Mapping[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    thresholds: Mapping[str, float] = field(default_factory=dict)

    def lexicon(self, name: str) -> Weighted:
        return self.lexicons.get(name, {})

    def regexes(self, name: str) -> tuple[re.Pattern[str], ...]:
        return self.patterns.get(name, ())

    def threshold(self, name: str, default: float) -> float:
        return self.thresholds.get(name, default)


def _weighted(value: list[str] | dict[str, float], weight: float = 1.0) -> dict[str, float]:
    return dict(value) if isinstance(value, dict) else dict.fromkeys(value, weight)


def _read(path: Path) -> _File:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return _File.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise ConfigError(f"{path}: {error}") from error


def load_config(directory: Path | None = None) -> TaggerConfig:
    """Reads the shipped YAML files; files of the same name in `directory` replace them."""
    files = {path.name: path for path in sorted(DEFAULT_DIR.glob("*.yaml"))}
    if directory is not None:
        if not directory.is_dir():
            raise ConfigError(f"{directory}: не каталог с YAML-файлами конфигурации")
        files.update({path.name: path for path in sorted(directory.glob("*.yaml"))})
    specs: dict[str, tuple[list[str], list[str]]] = {}
    weights: dict[str, float] = {}
    roster: list[Official] = []
    street_types: dict[str, tuple[str, ...]] = {}
    streets: list[str] = []
    places: dict[str, tuple[str, ...]] = {}
    organisations: dict[str, tuple[str, ...]] = {}
    organisation_types: dict[str, tuple[str, ...]] = {}
    lexicons: dict[str, dict[str, float]] = {}
    patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
    thresholds: dict[str, float] = {}
    rubricator: dict[str, dict[str, str]] = {}
    rubric_terms: dict[str, list[str]] = {}
    for name in sorted(files):
        parsed = _read(files[name])
        for topic, subcategories in parsed.rubricator.items():
            for subcategory, entry in subcategories.items():
                rubricator.setdefault(topic, {})[subcategory] = entry.code
                rubric_terms.setdefault(entry.code, []).extend(entry.terms)
        weights.update(parsed.category_weights)
        for category, spec in parsed.categories.items():
            strong, weak = specs.setdefault(category, ([], []))
            strong.extend(spec.strong)
            weak.extend(spec.weak)
        roster.extend(Official(**official.model_dump()) for official in parsed.roster)
        street_types.update({key: tuple(value) for key, value in parsed.street_types.items()})
        streets.extend(parsed.streets)
        places.update({key: tuple(value) for key, value in parsed.places.items()})
        organisations.update({key: tuple(value) for key, value in parsed.organisations.items()})
        organisation_types.update(
            {key: tuple(value) for key, value in parsed.organisation_types.items()}
        )
        for lexicon, value in parsed.lexicons.items():
            lexicons.setdefault(lexicon, {}).update(_weighted(value))
        for pattern, regexes in parsed.patterns.items():
            compiled = tuple(re.compile(regex, re.IGNORECASE) for regex in regexes)
            patterns[pattern] = patterns.get(pattern, ()) + compiled
        thresholds.update(parsed.thresholds)
    unknown = sorted(set(rubric_terms) - set(specs) - {"other"})
    if unknown:
        raise ConfigError(f"rubricator: коды не из рубрикатора категорий: {', '.join(unknown)}")
    # A subcategory's terms are weak evidence; a term the category lists itself keeps its weight.
    categories = {
        category: _weighted(rubric_terms.get(category, []), weights.get("weak", 1.0))
        | _weighted(weak, weights.get("weak", 1.0))
        | _weighted(strong, weights.get("strong", 3.0))
        for category, (strong, weak) in specs.items()
    }
    return TaggerConfig(
        categories=categories,
        rubricator=rubricator,
        roster=tuple(roster),
        street_types=street_types,
        streets=tuple(streets),
        places=places,
        organisations=organisations,
        organisation_types=organisation_types,
        lexicons=lexicons,
        patterns=patterns,
        thresholds=thresholds,
    )
