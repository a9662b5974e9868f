"""Loads rules.yaml, routes.yaml, roster.yaml; a mistake stops start-up with file:line: reason."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from alerts.calendar import ProductionCalendar, WorkingTime, WorkSchedule
from alerts.deadlines import DEFAULT_DEADLINES, DeadlineRuleConfig
from alerts.durations import parse_duration
from alerts.errors import ConfigError, ConfigIssue
from alerts.escalation import EscalationChain
from alerts.inhibition import InhibitRuleConfig
from alerts.items import ItemsConfig
from alerts.roster import DEPARTMENT_RECEIVER, Roster, RosterConfig
from alerts.routes import GROUP_ALL, Route, RouteConfig, build_route
from alerts.rules import REGISTRY, RuleSpec
from alerts.silences import SilenceConfig
from alerts.timeintervals import TimeIntervalConfig
from alerts.yamlsource import Located, PathKey, load_yaml, merge
from incidents.policy import IncidentsConfig


def _clock(value: Any) -> Any:
    # Unquoted 13:00 is a base-60 integer (780) in YAML 1.1; read it back as a time of day.
    if isinstance(value, int) and not isinstance(value, bool):
        return time(value // 60, value % 60) if 0 <= value < 24 * 60 else value
    return value


ClockField = Annotated[time, BeforeValidator(_clock)]
DurationField = Annotated[timedelta, BeforeValidator(parse_duration)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CalendarConfig(_Strict):
    # Extra calendar files (relative to the config file); their years replace the built-in ones.
    files: list[str] = []
    builtin: bool = True
    workday_start: ClockField = time(9, 0)
    workday_end: ClockField = time(18, 0)
    breaks: list[tuple[ClockField, ClockField]] = [(time(13, 0), time(14, 0))]
    short_day_cut: DurationField = timedelta(hours=1)


class LinksConfig(_Strict):
    # Kibana / OpenSearch Dashboards view of one message; {id} and {id_url} are replaced.
    message_url: str | None = None


class AlertsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    timezone: str = "Asia/Yekaterinburg"
    calendar: CalendarConfig = CalendarConfig()
    links: LinksConfig = LinksConfig()
    items: ItemsConfig = ItemsConfig()
    incidents: IncidentsConfig = IncidentsConfig()
    deadlines: list[DeadlineRuleConfig] = [
        DeadlineRuleConfig.model_validate(d) for d in DEFAULT_DEADLINES
    ]
    rules: list[RuleSpec] = []
    route: RouteConfig
    inhibit_rules: list[InhibitRuleConfig] = []
    time_intervals: list[TimeIntervalConfig] = []
    escalations: dict[str, EscalationChain] = {}
    silences: list[SilenceConfig] = []
    roster: RosterConfig = RosterConfig()

    _blocks: dict[str, BaseModel] = PrivateAttr(default_factory=dict)
    _calendar: ProductionCalendar = PrivateAttr(default_factory=ProductionCalendar.empty)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"неизвестный часовой пояс {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def production_calendar(self) -> ProductionCalendar:
        return self._calendar

    def working_time(self) -> WorkingTime:
        cal = self.calendar
        schedule = WorkSchedule(
            cal.workday_start, cal.workday_end, tuple(cal.breaks), cal.short_day_cut
        )
        return WorkingTime(self._calendar, schedule, self.tz)

    def rule_block(self, name: str) -> BaseModel:
        return self._blocks[name]

    def root_route(self) -> Route:
        return build_route(self.route)

    def roster_index(self) -> Roster:
        return Roster(self.roster)


def load_config(paths: Sequence[str | Path]) -> AlertsConfig:
    """Merges the files (a top-level key lives in one file), validates, loads calendars."""
    if not paths:
        raise ConfigError.one("<config>", 1, "не указан ни один файл конфигурации")
    doc = merge([load_yaml(Path(p)) for p in paths])
    return build_config(doc)


def config_from_dict(data: Mapping[str, Any]) -> AlertsConfig:
    """The same checks for config assembled in code (tests); locations say <dict>."""
    return build_config(Located(dict(data), {(): ("<dict>", 1)}))


def build_config(doc: Located) -> AlertsConfig:
    data = doc.data if isinstance(doc.data, dict) else {}
    try:
        config = AlertsConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError([_issue(doc, e["loc"], _reason(e)) for e in exc.errors()]) from None
    issues = _rule_blocks(config, doc)
    issues += [_issue(doc, ("roster", *path), reason) for path, reason in config.roster.problems()]
    issues += _cross_checks(config, doc)
    if issues:
        raise ConfigError(issues)
    config._calendar = _calendar(config, doc)
    return config


def _rule_blocks(config: AlertsConfig, doc: Located) -> list[ConfigIssue]:
    issues: list[ConfigIssue] = []
    seen: set[str] = set()
    for index, spec in enumerate(config.rules):
        base: PathKey = ("rules", index)
        if spec.name in seen:
            issues.append(_issue(doc, (*base, "name"), f"правило {spec.name!r} уже есть"))
        seen.add(spec.name)
        kind = REGISTRY.get(spec.kind)
        if kind is None:
            known = ", ".join(sorted(REGISTRY))
            issues.append(
                _issue(
                    doc, (*base, "kind"), f"неизвестный вид правила {spec.kind!r}; есть: {known}"
                )
            )
            continue
        for stray in spec.stray_keys():
            issues.append(
                _issue(
                    doc,
                    (*base, stray),
                    f"неизвестное поле; настройки вида пишутся под ключом {spec.kind}:",
                )
            )
        try:
            config._blocks[spec.name] = kind.config_model.model_validate(spec.block() or {})
        except ValidationError as exc:
            for e in exc.errors():
                issues.append(_issue(doc, (*base, spec.kind, *e["loc"]), _reason(e)))
    return issues


def _cross_checks(config: AlertsConfig, doc: Located) -> list[ConfigIssue]:
    issues: list[ConfigIssue] = []
    roster = Roster(config.roster)
    intervals = {t.name for t in config.time_intervals}

    def receiver(path: PathKey, name: str) -> None:
        if not roster.knows(name):
            issues.append(
                _issue(
                    doc,
                    path,
                    f"получатель {name!r} не найден в roster (people, groups, departments)",
                )
            )

    def interval_names(path: PathKey, names: Iterable[str]) -> None:
        for i, name in enumerate(names):
            if name not in intervals:
                issues.append(
                    _issue(doc, (*path, i), f"нет интервала времени {name!r} в time_intervals")
                )

    if config.route.receiver is None:
        issues.append(_issue(doc, ("route",), "у корневого маршрута должен быть receiver"))
    if config.route.matchers:
        issues.append(_issue(doc, ("route", "matchers"), "у корневого маршрута не бывает matchers"))

    def walk(cfg: RouteConfig, path: PathKey, group_by: list[str]) -> None:
        group_by = cfg.group_by if cfg.group_by is not None else group_by
        if cfg.receiver is not None:
            receiver((*path, "receiver"), cfg.receiver)
            if cfg.receiver == DEPARTMENT_RECEIVER and not {"department", GROUP_ALL} & set(
                group_by
            ):
                issues.append(
                    _issue(
                        doc,
                        (*path, "receiver"),
                        "receiver $department требует department в group_by",
                    )
                )
        if cfg.escalation is not None and cfg.escalation not in config.escalations:
            issues.append(
                _issue(doc, (*path, "escalation"), f"нет цепочки {cfg.escalation!r} в escalations")
            )
        interval_names((*path, "mute_time_intervals"), cfg.mute_time_intervals)
        interval_names((*path, "active_time_intervals"), cfg.active_time_intervals)
        for i, child in enumerate(cfg.routes):
            walk(child, (*path, "routes", i), group_by)

    walk(config.route, ("route",), config.route.group_by or ["rule"])
    for name, chain in config.escalations.items():
        for i, step in enumerate(chain.steps):
            receiver(("escalations", name, "steps", i, "receiver"), step.receiver)
        interval_names(("escalations", name, "mute_time_intervals"), chain.mute_time_intervals)
        interval_names(("escalations", name, "active_time_intervals"), chain.active_time_intervals)
    names = [t.name for t in config.time_intervals]
    for i, name in enumerate(names):
        if names.index(name) != i:
            issues.append(_issue(doc, ("time_intervals", i, "name"), f"интервал {name!r} уже есть"))
    deadline_names = [d.name for d in config.deadlines]
    for i, name in enumerate(deadline_names):
        if deadline_names.index(name) != i:
            issues.append(_issue(doc, ("deadlines", i, "name"), f"срок {name!r} уже есть"))
    return issues


def _calendar(config: AlertsConfig, doc: Located) -> ProductionCalendar:
    base = ProductionCalendar.builtin() if config.calendar.builtin else ProductionCalendar.empty()
    declared_in, _, _ = doc.line_of(("calendar",))
    folder = Path(declared_in).parent if declared_in not in ("?", "<dict>") else Path.cwd()
    paths = []
    for i, name in enumerate(config.calendar.files):
        path = Path(name) if Path(name).is_absolute() else folder / name
        if not path.is_file():
            raise ConfigError(
                [_issue(doc, ("calendar", "files", i), f"нет файла календаря {path}")]
            )
        paths.append(path)
    return ProductionCalendar.load(paths, base)


_REASONS = {
    "missing": "обязательное поле не задано",
    "extra_forbidden": "неизвестное поле",
    "string_type": "ожидается строка",
    "int_type": "ожидается целое число",
    "int_parsing": "ожидается целое число",
    "int_from_float": "ожидается целое число",
    "float_type": "ожидается число",
    "float_parsing": "ожидается число",
    "bool_type": "ожидается true или false",
    "bool_parsing": "ожидается true или false",
    "list_type": "ожидается список",
    "tuple_type": "ожидается список",
    "dict_type": "ожидается словарь (ключ: значение)",
    "model_type": "ожидается словарь (ключ: значение)",
    "model_attributes_type": "ожидается словарь (ключ: значение)",
    "datetime_type": "ожидается дата и время ISO 8601 со смещением",
    "datetime_parsing": "ожидается дата и время ISO 8601 со смещением",
    "datetime_from_date_parsing": "ожидается дата и время ISO 8601 со смещением",
    "time_parsing": "ожидается время ЧЧ:ММ",
    "time_type": "ожидается время ЧЧ:ММ",
}


def _reason(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    if kind == "literal_error":
        return f"допустимые значения: {ctx.get('expected', '')}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {
            "greater_than": ">",
            "greater_than_equal": "≥",
            "less_than": "<",
            "less_than_equal": "≤",
        }[kind]
        bound = next(iter(ctx.values()), "")
        return f"значение должно быть {sign} {bound}"
    if kind == "too_short":
        return f"нужно хотя бы {ctx.get('min_length', 1)} элемент(ов)"
    if kind == "string_pattern_mismatch":
        return f"значение не подходит под шаблон {ctx.get('pattern', '')}"
    return _REASONS.get(kind, str(error.get("msg", kind)))


def _issue(doc: Located, loc: Sequence[Any], reason: str) -> ConfigIssue:
    path = tuple(p if isinstance(p, int) else str(p) for p in loc)
    file, line, _ = doc.line_of(path)
    # Pydantic adds union / validator tags to loc; they are not part of the user's path.
    shown = tuple(p for p in path if isinstance(p, int) or not any(c in p for c in "[(-"))
    return ConfigIssue(file, line, _dotted(shown), reason)


def _dotted(path: Sequence[str | int]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out
