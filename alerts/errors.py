"""Configuration errors that name the file, the line and the reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigIssue:
    file: str
    line: int
    path: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.reason}"


class ConfigError(ValueError):
    """A bad configuration file; every issue knows its file and line."""

    def __init__(self, issues: list[ConfigIssue]) -> None:
        self.issues = issues
        super().__init__(
            "Ошибка в конфигурации оповещений:\n" + "\n".join(f"  {i}" for i in issues)
        )

    @classmethod
    def one(cls, file: str, line: int, reason: str, path: str = "") -> ConfigError:
        return cls([ConfigIssue(file, line, path, reason)])
