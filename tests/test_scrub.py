"""The scrubber replaces a whole e-mail, phone number or IP with its placeholder, whatever
punctuation stands around it, and leaves that punctuation alone."""

from __future__ import annotations

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
