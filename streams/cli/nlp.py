"""`mcu tag`, `mcu eval`, `mcu bench nlp` (owned by the NLP work)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

bench_app = typer.Typer(help="Замеры производительности.", no_args_is_help=True)

DEFAULT_BENCH_FILE = Path("data/eval/dev.jsonl")


def tagger_from(config_dir: Path | None) -> Any:
    from nlp.config import ConfigError, load_config
    from nlp.tagger import Tagger

    try:
        config = load_config(config_dir)
    except ConfigError as error:
        typer.echo(f"Ошибка конфигурации NLP: {error}", err=True)
        raise typer.Exit(2) from error
    return Tagger(config)


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Каталог с YAML-файлами, заменяющими поставляемые в nlp/lexicons."
    ),
]


def tag(
    config: ConfigOption = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 64,
) -> None:
    """Размечает JSONL-сообщения со stdin и пишет их с полем nlp в stdout, строка в строку."""
    from nlp.jsonl import tag_lines

    tagger = tagger_from(config)
    out = sys.stdout.buffer
    for line in tag_lines(sys.stdin.buffer, tagger, batch_size=batch_size):
        out.write(line.encode("utf-8") + b"\n")
        out.flush()


@bench_app.command("nlp")
def bench_nlp(
    n: Annotated[int, typer.Option("--n", min=1, help="Сколько сообщений разметить")] = 1000,
    file: Annotated[Path, typer.Option("--file", help="JSONL с полем text")] = DEFAULT_BENCH_FILE,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 64,
    rounds: Annotated[int, typer.Option("--rounds", min=1, help="Повторов; берётся лучший")] = 3,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Скорость тэггера проекта против наивного конвейера natasha (документ за документом)."""
    from nlp.bench import bench, default_blas_threads
    from nlp.samples import SAMPLES
    from nlp.tagger import TextItem

    items: list[TextItem] = []
    if file.exists():
        for line in file.read_text(encoding="utf-8").splitlines():
            record = json.loads(line) if line.strip() else None
            if isinstance(record, dict) and isinstance(record.get("text"), str):
                items.append(TextItem(record["text"], str(record.get("kind") or "post")))
    if not items:
        items = [TextItem(text) for text in SAMPLES]
    items = [items[index % len(items)] for index in range(n)]
    result = bench(items, batch_size=batch_size, rounds=rounds)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "messages": result.messages,
                    "tagger_rate": round(result.tagger_rate, 1),
                    "naive_rate": round(result.naive_rate, 1),
                    "ratio": round(result.ratio, 2),
                    "peak_rss_mib": round(result.peak_rss_mib, 1),
                    "tagger_peak_rss_mib": round(result.tagger_peak_rss_mib, 1),
                    "naive_threads": result.naive_threads,
                    "tagger_threads": result.tagger_threads,
                    "blas_default_threads": default_blas_threads(),
                }
            )
        )
        return
    typer.echo(f"Сообщений: {result.messages}, повторов: {rounds} (берётся лучший)")
    typer.echo(f"Тэггер проекта: {result.tagger_rate:.1f} сообщ./с — {result.tagger_threads}")
    typer.echo(
        f"Наивный конвейер natasha: {result.naive_rate:.1f} сообщ./с — {result.naive_threads}"
    )
    typer.echo(f"(BLAS без ограничения взял бы потоков: {default_blas_threads()})")
    typer.echo(f"Отношение: {result.ratio:.2f}×")
    typer.echo(
        f"Пиковая память (RSS): тэггер {result.tagger_peak_rss_mib:.0f} МиБ, "
        f"вместе с конвейером natasha {result.peak_rss_mib:.0f} МиБ"
    )


FACTRUEVAL = Path("../shared/datasets/ner-factrueval2016")


def _real_megabyte(folder: Path) -> str:
    """About 1 MB of real news text: factRuEval documents joined, in file-name order."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*/*.txt"))]
    if not texts:
        typer.echo(f"Нет текстов factRuEval в {folder}", err=True)
        raise typer.Exit(2)
    joined = "\n\n".join(texts)
    while len(joined.encode("utf-8")) < 1_000_000:
        joined += "\n\n" + joined
    return joined.encode("utf-8")[:1_000_000].decode("utf-8", errors="ignore")


@bench_app.command("long")
def bench_long(
    factrueval: Annotated[
        Path, typer.Option("--factrueval", help="Каталог factRuEval-2016 (тексты *.txt)")
    ] = FACTRUEVAL,
    max_chars: Annotated[
        int | None, typer.Option("--max-chars", help="Сколько символов читать (0 — всё)")
    ] = None,
) -> None:
    """Время и память разметки длинных текстов: «дом 5 » × 40 000 и 1 МБ реального текста."""
    from nlp.bench import long_text, peak_rss_mib
    from nlp.config import load_config
    from nlp.tagger import Tagger, TextItem

    tagger = Tagger(load_config(), max_chars=max_chars)
    tagger.tag(TextItem("Прогрев: на Кирова яма, свет не горит."))
    limit = f"{tagger.max_chars} символов" if tagger.max_chars else "нет"
    typer.echo(f"Предел текста: {limit}")
    typer.echo(f"Память после загрузки моделей (пик RSS): {peak_rss_mib():.0f} МиБ")
    cases = [
        ("«дом 5 » × 40 000", "дом 5 " * 40_000),
        ("1 МБ factRuEval", _real_megabyte(factrueval)),
    ]
    for name, text in cases:
        result = long_text(tagger, name, text)
        flag = ", обрезан" if result.truncated else ""
        typer.echo(
            f"{result.name}: {result.chars} символов{flag}, {result.seconds:.2f} с, "
            f"пик RSS {result.rss_before_mib:.0f} → {result.rss_after_mib:.0f} МиБ"
        )


def register(app: typer.Typer) -> None:
    """Adds the NLP commands to the main app."""
    from streams.cli.evaluation import evaluate_command

    app.command("tag")(tag)
    app.command("eval")(evaluate_command)
    app.add_typer(bench_app, name="bench")
