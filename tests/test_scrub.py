"""The scrubber replaces a whole e-mail, phone number or IP with its placeholder, whatever
punctuation stands around it, and leaves that punctuation alone."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from arena.data.scrub import scrub_text

_label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
emails = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
    st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9._+-]{0,12}[A-Za-z0-9])?", fullmatch=True),
    st.lists(_label, min_size=1, max_size=3),
    st.from_regex(r"[a-z]{2,6}", fullmatch=True),
)
ipv4s = st.ip_addresses(v=4).map(str)
ipv6s = (
    st.ip_addresses(v=6)
    .filter(lambda a: a.packed.count(0) < 16)
    .map(lambda a: st.sampled_from([a.compressed, a.exploded]))
    .flatmap(lambda s: s)
)
_d = st.integers(0, 9).map(str)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.lists(_d, min_size=n, max_size=n).map("".join)


phones = st.one_of(
    st.builds(lambda a, b, c: f"{a}-{b}-{c}", _digits(3), _digits(3), _digits(4)),
    st.builds(lambda a, b, c: f"({a}) {b}-{c}", _digits(3), _digits(3), _digits(4)),
    st.builds(lambda a, b, c: f"{a}.{b}.{c}", _digits(3), _digits(3), _digits(4)),
    st.builds(lambda a, b, c: f"+1 {a} {b} {c}", _digits(3), _digits(3), _digits(4)),
    st.builds(lambda a, b: f"+44 20 {a} {b}", _digits(4), _digits(4)),
    st.builds(lambda a: f"0{a}", _digits(9)),
)
# What people write around an address: brackets, quotes, sentence ends, list separators.
PREFIXES = ["", " ", "(", "[", "<", '"', "'", "«", ": ", "\n", "is ", "at "]
SUFFIXES = [
    "",
    " ",
    ".",
    ",",
    ";",
    "!",
    "?",
    ")",
    "]",
    ">",
    '"',
    "'",
    "»",
    "...",
    ". Next",
    ".\n",
    ":",
]


def _assert_scrubbed(value: str, placeholder: str, prefix: str, suffix: str) -> None:
    text = f"my address is {prefix}{value}{suffix} thanks"
    assert scrub_text(text) == f"my address is {prefix}{placeholder}{suffix} thanks"


@settings(max_examples=300, deadline=None)
@given(emails, st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES))
def test_emails_are_scrubbed_whole_with_any_punctuation(email, prefix, suffix) -> None:
    _assert_scrubbed(email, "[EMAIL]", prefix, suffix)


@settings(max_examples=300, deadline=None)
@given(ipv4s, st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES))
@example("10.0.0.5", "", ".")  # "my IP is 10.0.0.5." was left whole (issue 15)
def test_ipv4_addresses_are_scrubbed_whole_with_any_punctuation(ip, prefix, suffix) -> None:
    _assert_scrubbed(ip, "[IP]", prefix, suffix)


@settings(max_examples=300, deadline=None)
@given(ipv6s, st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES))
def test_ipv6_addresses_are_scrubbed_whole_with_any_punctuation(ip, prefix, suffix) -> None:
    _assert_scrubbed(ip, "[IP]", prefix, suffix)


@settings(max_examples=300, deadline=None)
@given(phones, st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES))
def test_phone_numbers_are_scrubbed_whole_with_any_punctuation(phone, prefix, suffix) -> None:
    _assert_scrubbed(phone, "[PHONE]", prefix, suffix)


def test_numbers_that_are_not_addresses_stay() -> None:
    for text in ("version 1.2.3.4.5 is out.", "pi is 3.14159.", "on 2024-05-01.", "256.1.1.1."):
        assert scrub_text(text) == text


# (text, what it must become): one row or more per form ``arena.data.addresses`` knows.
ADDRESSES = [
    ("1600 Amphitheatre Parkway, Mountain View", "[ADDRESS]"),
    ("Visit 1600 Amphitheatre Parkway, Mountain View, CA 94043-1351.", "Visit [ADDRESS]."),
    ("I live at 221B Baker Street, London NW1 6XE now", "I live at [ADDRESS] now"),
    ("Send it to 350 Fifth Avenue, Suite 3300, New York, NY 10118", "Send it to [ADDRESS]"),
    ("my flat is 12 Main St. Apt 4B, Springfield, IL 62704", "my flat is [ADDRESS]"),
    ("we met at 10 Downing Street", "we met at [ADDRESS]"),
    ("it's at 4 N. Oak Rd and open late", "it's at [ADDRESS] and open late"),
    ("24 Sussex Drive, Ottawa, ON K1M 1M4", "[ADDRESS]"),
    ("write to P.O. Box 1234 please", "write to [ADDRESS] please"),
    ("Ich wohne in der Hauptstraße 5, 10117 Berlin.", "Ich wohne in der [ADDRESS]."),
    ("Adresse: Berliner Str. 12a", "Adresse: [ADDRESS]"),
    ("Kom naar Damstraat 12, 1012 JM Amsterdam", "Kom naar [ADDRESS]"),
    ("Jag bor på Drottninggatan 7", "Jag bor på [ADDRESS]"),
    ("J'habite au 12 rue de Rivoli, 75001 Paris.", "J'habite au [ADDRESS]."),
    ("Rendez-vous 15 avenue des Champs-Élysées", "Rendez-vous [ADDRESS]"),
    ("Vivo en la Calle de Alcalá, 45, 28014 Madrid", "Vivo en la [ADDRESS]"),
    ("Estoy en Av. Corrientes 1234", "Estoy en [ADDRESS]"),
    ("Abito in Via Roma 12, Milano", "Abito in [ADDRESS], Milano"),
    ("Moro na Rua Augusta, nº 100", "Moro na [ADDRESS]"),
    ("Carrer de Mallorca 401, Barcelona", "[ADDRESS], Barcelona"),
    ("Я живу: ул. Тверская, д. 7, кв. 12", "Я живу: [ADDRESS]"),
    ("Адрес: Невский проспект, 28", "Адрес: [ADDRESS]"),
    ("улица Ленина 5", "[ADDRESS]"),
    # Without word breaks, the words before a Chinese or Japanese address may go with it.
    ("我住在北京市朝阳区建国路88号", "[ADDRESS]"),
    ("地址：上海市南京东路100号5室。", "地址：[ADDRESS]。"),
    ("住所は東京都千代田区千代田1-1です", "[ADDRESS]です"),
    ("〒100-0001 東京都千代田区千代田1丁目1番1号", "[ADDRESS]"),
    ("주소는 서울특별시 강남구 테헤란로 152 입니다", "주소는 [ADDRESS] 입니다"),
]
# Numbers beside ordinary words, and street words without a number, stay.
NOT_ADDRESSES = [
    "I ran 5 miles down the road.",
    "Main Street has 3 shops and 12 cafes.",
    "Spring 2024 was warm, and Route 66 is long.",
    "We talked via Zoom 3 times.",
    "in place 2 of the race",
    "version 2 of the Street Fighter game",
    "scored 3-4 in the match on 2024-05-01",
    "第3章を読んだ",
    "我知道3号楼在哪",
    "The 1990s Oxford Road show",
]


@pytest.mark.parametrize(("text", "expected"), ADDRESSES)
def test_street_addresses_are_scrubbed(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


@pytest.mark.parametrize("text", NOT_ADDRESSES)
def test_text_that_is_not_an_address_stays(text: str) -> None:
    assert scrub_text(text) == text
