"""Search backends and the one citation format, without a battle around them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from arena.registry import SearchBackendSpec
from arena.search import citations as cite
from arena.search.corpus import CorpusBackend, SearchError, bundled_corpus
from arena.search.domains import DOMAIN_KINDS, domain_kind
from arena.search.searxng import SearxngBackend
from tests.fake_upstream import (
    SEARCHER_ANNOTATIONS,
    SEARCHER_CITED,
    SEARCHER_REPLY,
    SEARXNG_RESULTS,
    FakeUpstream,
)


def test_bundled_corpus_answers_offline() -> None:
    found = bundled_corpus().search_sync('What does the "with" statement do?', 3)
    assert found and all(p.url.startswith("https://docs.python.org/") for p in found)
    assert "with" in found[0].title
    # Query syntax of the engine is not the user's: quotes, colons, brackets are words.
    assert isinstance(bundled_corpus().search_sync('a:b "(x ] OR +-', 3), list)
    assert bundled_corpus().search_sync("!!!", 3) == []


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_operator_corpus_from_jsonl_or_parquet(tmp_path: Path, suffix: str) -> None:
    rows = [
        {"url": "https://a.example/x", "title": "Zebras", "text": "Zebras have stripes."},
        {"url": "https://b.example/y", "title": "Lions", "text": "Lions roar at night."},
    ]
    path = tmp_path / f"c{suffix}"
    if suffix == ".jsonl":
        path.write_text("\n".join(json.dumps(r) for r in rows))
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
    spec = SearchBackendSpec(name="docs", kind="corpus", path=str(path))
    found = asyncio.run(CorpusBackend.from_spec(spec).search("why do lions roar"))
    assert [p.url for p in found][:1] == ["https://b.example/y"]


def test_a_bad_corpus_row_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"url": 3, "text": "x"}\n')
    spec = SearchBackendSpec(name="docs", kind="corpus", path=str(path))
    with pytest.raises(SearchError, match="row 1"):
        CorpusBackend.from_spec(spec).search_sync("x")


def test_searxng_json_api_on_loopback(fake_upstream: FakeUpstream) -> None:
    url = fake_upstream.base_url.removesuffix("/v1")
    backend = SearxngBackend(SearchBackendSpec(name="web", kind="searxng", url=url))

    async def go() -> list:
        try:
            return await backend.search("eiffel tower")
        finally:
            await backend.aclose()

    found = asyncio.run(go())
    # The javascript: result is dropped; the rest keep their order.
    assert [p.url for p in found] == [r["url"] for r in SEARXNG_RESULTS[:2]]


def test_searxng_failure_is_a_search_error(fake_upstream: FakeUpstream) -> None:
    url = fake_upstream.base_url.removesuffix("/v1")
    backend = SearxngBackend(SearchBackendSpec(name="web", kind="searxng", url=url))
    with pytest.raises(SearchError):
        asyncio.run(backend.search("fail-this-turn"))


def test_native_citations_become_numbered_markers() -> None:
    raw = [{**SEARCHER_CITED, "annotations": SEARCHER_ANNOTATIONS}]
    text, sources = cite.standardize(SEARCHER_REPLY, raw)
    assert text == "The tower is in Paris [1]. It opened in 1889 [2]."
    assert [(s["n"], s["domain"]) for s in sources] == [
        (1, "paris.example"),
        (2, "history.example"),
    ]
    assert sources[1]["title"] == "History of the tower"


@pytest.mark.parametrize(
    ("styled", "plain"),
    [("a【1†source】b", "a[1]b"), ("a[^2] b", "a[2] b"), ("x [1, 3]", "x [1][3]")],
)
def test_other_bracket_styles_are_normalized(styled: str, plain: str) -> None:
    assert cite.normalize_markers(styled) == plain


def test_cited_counts_distinct_known_sources() -> None:
    assert cite.cited("a [2] b [2][1] c [9]", 3) == [2, 1]


def test_own_domain_is_a_leak_signal() -> None:
    sources = [cite.source(1, "https://docs.acmeai.com/x", "x")]
    assert cite.own_domain(sources, ["AcmeAI"])
    assert not cite.own_domain(sources, ["Other Org"])
    assert not cite.own_domain([cite.source(1, "https://acme.example/x", "x")], ["unknown"])


@pytest.mark.parametrize(
    ("domain", "kind"),
    [
        ("en.wikipedia.org", "encyclopedia"),
        ("www.reuters.com", "news"),
        ("arxiv.org", "academic"),
        ("nasa.gov", "gov_edu"),
        ("cs.stanford.edu", "gov_edu"),
        ("www.reddit.com", "community"),
        ("m.youtube.com", "social_video"),
        ("docs.python.org", "docs"),
        ("docs.example.io", "docs"),
        ("paris.example", "other"),
        ("notwikipedia.org", "other"),
    ],
)
def test_domain_kinds(domain: str, kind: str) -> None:
    assert kind in DOMAIN_KINDS
    assert domain_kind(domain) == kind


def test_search_metadata_counts_cited_sources_by_kind() -> None:
    from arena.data.search_style import SEARCH_STYLE_FEATURES, search_metadata, search_side_style

    sources = [
        cite.source(1, "https://en.wikipedia.org/wiki/X", "X"),
        cite.source(2, "https://www.reddit.com/r/x", "x"),
        cite.source(3, "https://paris.example/", "p"),
    ]
    messages = [
        {"side": "a", "role": "user", "content": "q [1]"},
        {
            "side": "a",
            "role": "assistant",
            "content": "A [1] B [2][1] C [7]",
            "extra": {"sources": sources},
        },
        {
            "side": "b",
            "role": "assistant",
            "content": "no citations",
            "extra": {"sources": sources},
        },
    ]
    meta = search_metadata(messages)
    assert meta["citation_count_a"] == 2 and meta["citation_count_b"] == 0
    assert meta["cited_domain_kinds_a"] == {"encyclopedia": 1, "community": 1}
    meta["sum_assistant_a_tokens"] = 12
    values = dict(zip(SEARCH_STYLE_FEATURES, search_side_style(meta, "a"), strict=True))
    assert values["tokens"] == 12 and values["citations"] == 2
    assert values["cite_encyclopedia"] == 0.5 and values["cite_community"] == 0.5
    assert values["cite_news"] == 0.0
    assert search_side_style(meta, "b")[1:] == (0.0,) * (len(SEARCH_STYLE_FEATURES) - 1)


def test_search_arena_24k_shape_round_trips() -> None:
    from datetime import UTC, datetime

    from arena.data.shapes.search_arena import (
        SHAPE,
        from_search_arena_row,
        to_search_arena_row,
    )

    sources = [cite.source(1, "https://en.wikipedia.org/wiki/Eiffel_Tower", "Eiffel Tower")]
    trace = {
        "backend": "searxng",
        "queries": ["When did the tower open?"],
        "results": sources,
        "pages_read": [],
        "citation_format_standardized": True,
    }
    messages = []
    for side in "ab":
        messages += [
            {"side": side, "turn": 1, "role": "user", "content": "When did the tower open?"},
            {
                "side": side,
                "turn": 1,
                "role": "assistant",
                "content": f"In 1889 [1]. ({side})",
                "extra": {"sources": sources, "search_trace": trace},
            },
        ]
    battle = {
        "id": "b1",
        "model_a": "m1",
        "model_b": "m2",
        "winner": "model_b",
        "created_at": datetime(2026, 12, 7, tzinfo=UTC),
        "conv_metadata": {"citation_count_a": 1},
        "primary_intent": "Factual Lookup",
    }
    row = to_search_arena_row(battle, messages)
    assert SHAPE.matches(row)  # import reads it as this shape
    assert row["system_a_metadata"]["web_search_trace"] == [
        [["https://en.wikipedia.org/wiki/Eiffel_Tower", "Eiffel Tower"]]
    ]
    assert row["system_b_metadata"]["citation_format_standardized"] is True
    back = from_search_arena_row(json.loads(json.dumps(row)))
    assert back["messages"]["a"] == messages[:2] and back["messages"]["b"] == messages[2:]
    assert (back["model_a"], back["winner"], back["primary_intent"]) == (
        "m1",
        "model_b",
        "Factual Lookup",
    )
    # A published row (no Arena trace) still gives numbered sources and a trace.
    published = {**row, "system_a_metadata": {"web_search_trace": [[["https://x.example/a", "A"]]]}}
    reply = from_search_arena_row(published)["messages"]["a"][1]
    assert reply["extra"]["sources"] == [
        {"n": 1, "title": "A", "url": "https://x.example/a", "domain": "x.example"}
    ]
    assert reply["extra"]["search_trace"]["backend"] == "imported"


def test_search_arena_flags_a_side_that_cites_its_makers_domain() -> None:
    from arena.battles.arenas import arena_plugin
    from arena.integrity.identity_terms import ModelIdentity

    plugin = arena_plugin("search")
    own = [cite.source(1, "https://docs.perplexity.ai/guide", "Guide")]
    other = [cite.source(1, "https://en.wikipedia.org/wiki/X", "X")]
    who = ModelIdentity(names=("sonar-pro",), terms=("perplexity",))

    def reply(sources: list) -> list:
        return [{"role": "assistant", "content": "An answer [1].", "extra": {"sources": sources}}]

    assert plugin.leaks_identity(reply(own), who)
    assert not plugin.leaks_identity(reply(other), who)
