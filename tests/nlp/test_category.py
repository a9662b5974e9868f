import pytest

CASES = [
    (
        "Во дворе на Кирова третью неделю не горят фонари, дети возвращаются из школы в темноте",
        "improvement",
    ),
    ("Песочницу на детской площадке так и не засыпали, лавочки сломаны", "improvement"),
    ("В квартире батареи еле тёплые, управляющая компания только обещает", "housing"),
    (
        "Мусорные контейнеры у дома не вывозили с понедельника, региональный оператор молчит",
        "housing",
    ),
    ("В поликлинике нет талонов к неврологу на месяц вперёд", "health"),
    ("Скорая помощь ехала к бабушке почти два часа", "health"),
    ("В библиотеке на выходных пройдёт выставка местных художников", "culture"),
    ("Какие концерты будут в Доме культуры на Масленицу?", "culture"),
    ("За посёлком вырубают сосновый бор, лесовозы ездят каждый день", "forestry"),
    ("Мою дочь не берут в детский сад, очередь не двигается второй год", "education"),
    ("Учитель физики в школе №2 уволился, уроков нет уже месяц", "education"),
    ("Зарплаты в городе маленькие, работы для молодёжи нет, все уезжают", "economy"),
    ("Цены на продукты в магазинах растут каждую неделю", "economy"),
    ("На Первомайской асфальт провалился, огромная яма посреди дороги", "roads"),
    ("Тротуар вдоль трассы никто не чистит, пешеходы идут по проезжей части", "roads"),
    ("Мобильный интернет в частном секторе не ловит совсем", "communications"),
    ("Почтовое отделение работает два дня в неделю, посылку не получить", "communications"),
    ("Фермерам обещали субсидию на скот, но деньги так и не пришли", "agriculture"),
    ("В садовом товариществе нет воды для полива огородов", "agriculture"),
    ("Пенсию маме пересчитали неправильно, соцзащита не отвечает", "social"),
    ("Семьи участников СВО просят помочь с дровами на зиму", "social"),
    ("Дом признали аварийным пять лет назад, а расселения всё нет", "construction"),
    ("Капремонт крыши подрядчик бросил на середине", "construction"),
    ("Автобус на Ирбит отменили, а расписание на вокзале не поменяли", "transport"),
    ("Маршрутка по утрам переполнена, люди едут стоя", "transport"),
    ("Когда зальют каток и откроют лыжню на стадионе?", "sport"),
    ("Секция борьбы для детей переехала, а тренера так и не нашли", "sport"),
    ("Завод сбрасывает отходы в речку, рыба гибнет", "ecology"),
    ("Стая бродячих собак бросается на прохожих у рынка", "ecology"),
    ("По ночам у магазина драки, полиция на вызовы не приезжает", "safety"),
    ("Горела заброшенная баня, пожарные приехали через сорок минут", "safety"),
    ("Как записаться на личный приём к главе округа?", "government"),
    ("Депутаты думы перед выборами обещали отчитаться, но отчёта так и не было", "government"),
    ("С Новым годом, друзья! Счастья вам", "other"),
    # General vocabulary of each rubric (categories_general.yaml).
    ("Вечером на всей Заводской пропал свет, сидим без электричества", "housing"),
    ("Управляйка третий месяц не может прочистить засор в подвале", "housing"),
    ("Когда заработает подсветка фонтана в сквере у площади?", "improvement"),
    ("Талончик к эндокринологу дают только через месяц", "health"),
    ("Хореографический коллектив Дома культуры набирает детей", "culture"),
    ("В лесном массиве за переездом горит сухостой, видно дым", "forestry"),
    ("Когда объявят списки зачисленных в гимназию на новый учебный год?", "education"),
    ("Самозанятым обещали льготную аренду торговых павильонов", "economy"),
    ("Улицу Чкалова перекрыли на неделю, объезд через промзону", "roads"),
    ("Базовую станцию поставили, а мобильный интернет так и не появился", "communications"),
    ("Поголовье КРС в личных подсобных хозяйствах сократилось вдвое", "agriculture"),
    ("Соцработница приходит к маме раз в неделю, этого мало", "social"),
    ("Соседи строят самострой прямо на красной линии, архитектура молчит", "construction"),
    ("Пригородный автобус в Захаровку опять отменили без предупреждения", "transport"),
    ("Заливка катка у школы так и не началась, хоккейный сезон пропал", "sport"),
    ("Котельная дымит чёрной гарью, копоть на белье", "ecology"),
    ("Во дворе открытый люк без крышки, ребёнок чуть не упал", "safety"),
    ("Как попасть на приём к главе администрации без записи?", "government"),
    ("Кто нашёл ключи у аптеки, нашедшему вознаграждение", "other"),
]


@pytest.mark.parametrize(("text", "category"), CASES)
def test_category(tag, text: str, category: str) -> None:
    assert tag(text)["category"] == category


def test_category_score_is_a_share(tag) -> None:
    nlp = tag("На Первомайской асфальт провалился, огромная яма посреди дороги")
    assert 0.0 < nlp["category_score"] <= 1.0
    assert tag("Ну и дела, кто бы мог подумать")["category_score"] == 0.0


def _covered_pairs(hits):
    """The quadratic definition the sweep replaced."""
    spans = {(hit.start, hit.stop, hit.term.label) for hit in hits}
    return {
        (hit.start, hit.stop, hit.term.text)
        for hit in hits
        if any(
            start <= hit.start
            and hit.stop <= stop
            and stop - start > hit.stop - hit.start
            and label != hit.term.label
            for start, stop, label in spans
        )
    }


def test_sweep_covers_what_the_pairs_did(tagger) -> None:
    from nlp.category import _covered, lexicon_name
    from nlp.lexicon import words_of

    texts = [text for text, _ in CASES] + [
        "Пропал свет во дворе, фонари не горят, а на дороге яма, ремонт дороги не сделан",
        "Отключили горячую воду в школе и детском саду, вывоз мусора сорван, свалка у реки",
    ]
    names = [lexicon_name(category) for category in tagger.categoriser.categories]
    for analysis in tagger.pipeline.analyse_many(texts):
        scan = tagger.scanner.scan(words_of(analysis))
        hits = [hit for name in names for hit in scan.hits(name)]
        assert _covered(hits) == _covered_pairs(hits), analysis.text


def test_sweep_agrees_on_random_overlaps() -> None:
    import random

    from nlp.category import _covered
    from nlp.lexicon import Hit, Term

    rng = random.Random(7)
    for _ in range(300):
        hits = []
        for number in range(rng.randint(0, 12)):
            start = rng.randint(0, 8)
            label = rng.choice("abc")
            term = Term(f"t{number}", (frozenset({"x"}),), 1.0, label)
            hits.append(Hit(term, start, start + rng.randint(1, 4)))
        assert _covered(hits) == _covered_pairs(hits)
