"""Person keys: one person across languages, scripts, cases and transliterations."""

from __future__ import annotations

import pytest

from crawler.names import person_key, same_person


@pytest.mark.parametrize(
    ("english", "russian"),
    [
        ("Viktor Kogut", "Когут Виктор Валентинович"),
        ("Mikhail Krotov", "КРОТОВ Михаил"),
        ("Sukhrob Fayzullozoda", "Файзуллозода Сухроб Муродович"),
        ("Suhrob Faizullozade", "Файзуллозода Сухроб"),
        ("Natalia Lapitskaya", "Лапицкая Наталья Викторовна"),
        ("Dmitry Kravtsov", "Кравцов Дмитрий Александрович"),
        ("Nikolai Zhuravlev", "ЖУРАВЛЁВ Николай Андреевич"),
        ("Shavkat Khodjaev", "Ходжаев Шавкат"),
        ("Marlen Mamytov", "Мамытов Марлен уулу"),
        ("Yelena Snopkova", "Снопкова Елена Васильевна"),
        ("Oleg Mitskevich", "Мицкевич Олег Станиславович"),
        ("Pavel Yaroshevich", "Ярошевич Павел Геннадьевич"),
        ("Pavel Yaroshevich", "Павел Геннадьевич Ярошевич"),
    ],
)
def test_one_person_one_key_across_languages(english, russian):
    assert person_key(english) == person_key(russian)


def test_different_people_differ():
    assert person_key("Viktor Kogut") != person_key("Viktor Rogalev")
    assert person_key("Иванов Иван Иванович") != person_key("Иванова Ирина Ивановна")


def test_key_is_readable_ascii():
    assert person_key("Когут Виктор Валентинович") == "kogut-viktor"


def test_same_person_tolerates_a_missing_middle_word():
    assert same_person("Marlen Mamytov", "Мамытов Марлен Токтосунович")
    assert same_person("Ivan Petrov", "Петров Иван Сергеевич")
    assert not same_person("Ivan Petrov", "Петрова Анна")
