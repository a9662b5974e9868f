from pathlib import Path

import pytest

from nlp.config import ConfigError, load_config
from nlp.tagger import Tagger, TextItem


def test_shipped_config_has_rubricator_and_roster() -> None:
    config = load_config()
    assert set(config.categories) >= {"roads", "housing", "other", "government"}
    assert "Соболева А.А." in {official.normal for official in config.roster}


def test_roster_and_keywords_are_configuration(tmp_path: Path) -> None:
    (tmp_path / "roster.yaml").write_text(
        "roster:\n  - {surname: Иванов, name: Пётр, patronymic: Сергеевич, role: глава}\n",
        encoding="utf-8",
    )
    (tmp_path / "extra.yaml").write_text(
        "categories:\n  sport:\n    strong: [керлинг]\n", encoding="utf-8"
    )
    tagger = Tagger(load_config(tmp_path))
    nlp = tagger.tag(TextItem("Иванов, когда откроют площадку для керлинга?")).to_dict()
    assert nlp["officials"] == ["Иванов П.С."]
    assert nlp["category"] == "sport"
    assert tagger.tag(TextItem("Половников молодец")).to_dict()["officials"] == []


@pytest.mark.parametrize(
    "content",
    [
        "roster: [{surname: Иванов}]\n",
        "unknown_key: 1\n",
        "patterns:\n  obscene: ['(']\n",
        "a: [\n",
    ],
)
def test_bad_config_names_the_file(tmp_path: Path, content: str) -> None:
    (tmp_path / "bad.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.yaml"):
        load_config(tmp_path)
