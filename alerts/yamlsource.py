"""YAML with line numbers: every mapping key and list item remembers the line it came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from alerts.errors import ConfigError, ConfigIssue

PathKey = tuple[str | int, ...]


@dataclass
class Located:
    """Plain data from YAML plus (file, line) for each path into it."""

    data: Any
    marks: dict[PathKey, tuple[str, int]] = field(default_factory=dict)

    def line_of(self, path: Sequence[str | int]) -> tuple[str, int, PathKey]:
        """The deepest known location on `path`; unknown steps (pydantic union tags) are skipped."""
        found: PathKey = ()
        for step in path:
            candidate = (*found, step)
            if candidate in self.marks:
                found = candidate
        file, line = self.marks.get(found, self.marks.get((), ("?", 1)))
        return file, line, found


def load_yaml(path: Path) -> Located:
    """Reads one YAML file; syntax errors and duplicate keys become ConfigError with a line."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError.one(name, 1, f"не удалось прочитать файл: {exc.strerror}") from exc
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        located = Located(None, {(): (name, 1)})
        if node is not None:
            located.data = _build(loader, node, (), located.marks, name)
        return located
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise ConfigError.one(name, line, f"ошибка синтаксиса YAML: {exc.problem}") from exc
    finally:
        loader.dispose()


def merge(parts: Sequence[Located]) -> Located:
    """Top-level keys of several files make one document; a key may live in one file only."""
    merged = Located({}, {})
    issues: list[ConfigIssue] = []
    for part in parts:
        if part.data is None:
            continue
        file, line = part.marks[()]
        if not isinstance(part.data, dict):
            issues.append(ConfigIssue(file, line, "", "ожидается словарь (ключ: значение)"))
            continue
        for key, value in part.data.items():
            if key in merged.data:
                first_file, first_line = merged.marks[(key,)]
                at_file, at_line = part.marks[(key,)]
                issues.append(
                    ConfigIssue(
                        at_file, at_line, str(key), f"уже задан в {first_file}:{first_line}"
                    )
                )
                continue
            merged.data[key] = value
        for path, mark in part.marks.items():
            if path and path not in merged.marks:
                merged.marks[path] = mark
        merged.marks.setdefault((), part.marks[()])
    if issues:
        raise ConfigError(issues)
    return merged


def _build(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: PathKey,
    marks: dict[PathKey, tuple[str, int]],
    file: str,
) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | bool | float):
                raise ConfigError.one(
                    file, key_node.start_mark.line + 1, "ключ должен быть строкой"
                )
            if key in result:
                raise ConfigError.one(
                    file,
                    key_node.start_mark.line + 1,
                    f"ключ {key!r} задан дважды",
                    ".".join(str(p) for p in path),
                )
            sub = (*path, key if isinstance(key, str) else str(key))
            marks[sub] = (file, key_node.start_mark.line + 1)
            result[sub[-1]] = _build(loader, value_node, sub, marks, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            sub = (*path, index)
            marks[sub] = (file, item.start_mark.line + 1)
            items.append(_build(loader, item, sub, marks, file))
        return items
    return loader.construct_object(node, deep=True)
