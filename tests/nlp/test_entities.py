import pytest


def _normals(nlp: dict, kind: str) -> set[str]:
    return {entity["normal"] for entity in nlp["entities"] if entity["type"] == kind}


CASES = [
    ("На улице Кирова у дома 5 третий день течёт труба", "LOC", {"улица Кирова"}),
    ("В Камышлове снова отключили свет", "LOC", {"Камышлов"}),
    ("Мусор плывёт по реке Пышме прямо в центре", "LOC", {"река Пышма"}),
    ("Летом ездили в Екатеринбург на обследование", "LOC", {"Екатеринбург"}),
    ("В Камышловской ЦРБ нет педиатра", "ORG", {"Камышловская ЦРБ"}),
    (
        "Обращался в администрацию, ответа нет",
        "ORG",
        {"администрация Камышловского городского округа"},
    ),
    ("Управляющая компания «Квартал» не чинит крышу", "ORG", {"УК Квартал"}),
    ("В школе № 7 протекает потолок в спортзале", "ORG", {"школа №7"}),
    ("Детский сад «Ромашка» закрыли на карантин", "ORG", {"детский сад Ромашка"}),
    ("Ростелеком обещал провести интернет к лету", "ORG", {"Ростелеком"}),
    ("Спасибо Ивану Петровичу Сидоренко за ремонт подъезда", "PER", {"Сидоренко И.П."}),
    ("Депутат Морозов так и не пришёл на встречу", "PER", {"Морозов"}),
    ("Вопрос контролирует Е.В. Сенцова", "PER", {"Сенцова Е.В."}),
    ("Уважаемая Алена Александровна, помогите с расселением", "PER", {"Соболева А.А."}),
]


@pytest.mark.parametrize(("text", "kind", "normals"), CASES)
def test_entity_normal_forms(tag, text: str, kind: str, normals: set[str]) -> None:
    assert _normals(tag(text), kind) == normals


def test_entities_carry_their_text(tag) -> None:
    nlp = tag("Жалоба на УК «Квартал» с улицы Кирова")
    texts = {entity["text"] for entity in nlp["entities"]}
    assert "УК «Квартал»" in texts
    assert all(set(entity) == {"type", "text", "normal"} for entity in nlp["entities"])


def test_street_is_not_a_person_or_an_organisation(tag) -> None:
    nlp = tag("Камышловское лесничество проверит вырубку")
    assert _normals(nlp, "LOC") == set()
    assert _normals(nlp, "ORG") == {"Камышловское лесничество"}
