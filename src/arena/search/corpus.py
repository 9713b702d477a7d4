"""An offline corpus of passages, indexed with tantivy (BM25) on its first search.

Why tantivy over bm25s: on 200k passages it indexed in a quarter of bm25s's CPU time
(5 s against 23 s) with the same query times, and its index need not sit in Python
memory; it costs 17 MB installed (bm25s 0.6 MB). ``bench/search_retrieval.py``
measures retrieval per prompt.

A corpus file is JSON Lines or Parquet with ``url``, ``title`` and ``text`` per row
(one passage a row; longer texts are cut into passages of about ``PASSAGE_CHARS``).
The bundled corpus is the reference documentation of Python that ships inside every
CPython (``pydoc_data.topics``, PSF License 2.0): nothing to download, so the arena
answers offline on a fresh install (well about Python, poorly about anything else).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from arena.errors import ProviderError
from arena.registry import SearchBackendSpec
from arena.search import Passage

PASSAGE_CHARS = 900
MAX_QUERY_TERMS = 32
_WORD = re.compile(r"\w+", re.UNICODE)


class SearchError(ProviderError):
    """A search that could not run; the side fails with the usual generic words."""


class CorpusBackend:
    kind = "corpus"

    def __init__(self, name: str, rows: Any, results: int = 5) -> None:
        """``rows``: a callable returning the corpus's (url, title, text) rows."""
        self.name = name
        self.results = results
        self._rows = rows
        self._index: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_spec(cls, spec: SearchBackendSpec) -> CorpusBackend:
        path = Path(spec.path or "")
        return cls(spec.name, lambda: read_rows(path), spec.results)

    def _built(self) -> Any:
        with self._lock:
            if self._index is None:
                self._index = build_index(passages(self._rows()))
            return self._index

    def search_sync(self, query: str, limit: int | None = None) -> list[Passage]:
        index = self._built()
        terms = list(dict.fromkeys(w.lower() for w in _WORD.findall(query)))[:MAX_QUERY_TERMS]
        if not terms:
            return []
        # Words only: the query language's syntax (quotes, colons, +/-) is not the user's.
        parsed = index.parse_query(" ".join(terms), ["title", "text"])
        searcher = index.searcher()
        out = []
        for _score, address in searcher.search(parsed, limit or self.results).hits:
            doc = searcher.doc(address)
            out.append(Passage(doc["url"][0], doc["title"][0], doc["text"][0]))
        return out

    async def search(self, query: str, limit: int | None = None) -> list[Passage]:
        return await asyncio.to_thread(self.search_sync, query, limit)

    async def aclose(self) -> None:
        return None


def build_index(rows: Iterable[Passage], path: str | None = None) -> Any:
    """A tantivy index of the passages (in memory unless ``path``)."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True)
    builder.add_text_field("text", stored=True)
    builder.add_text_field("url", stored=True, index_option="basic", tokenizer_name="raw")
    schema = builder.build()
    index = tantivy.Index(schema, path=path)
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    for p in rows:
        writer.add_document(tantivy.Document(url=p.url, title=p.title, text=p.text))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def passages(rows: Iterable[tuple[str, str, str]]) -> Iterator[Passage]:
    """Rows cut into passages of about ``PASSAGE_CHARS``, on paragraph boundaries."""
    for url, title, text in rows:
        chunk = ""
        for para in re.split(r"\n\s*\n", text):
            para = para.strip()
            if not para:
                continue
            if chunk and len(chunk) + len(para) > PASSAGE_CHARS:
                yield Passage(url, title, chunk)
                chunk = ""
            chunk = f"{chunk}\n\n{para}" if chunk else para[: PASSAGE_CHARS * 4]
        if chunk:
            yield Passage(url, title, chunk)


def read_rows(path: Path) -> list[tuple[str, str, str]]:
    """(url, title, text) rows of a JSON Lines or Parquet file; bad rows are refused."""
    if not path.is_file():
        raise SearchError(f"corpus file {path} does not exist")
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path, columns=["url", "title", "text"])
        records: Iterable[dict[str, Any]] = table.to_pylist()
    else:
        records = _jsonl(path)
    rows = []
    for i, rec in enumerate(records, 1):
        url, title, text = (rec.get(k) for k in ("url", "title", "text"))
        if not (isinstance(url, str) and isinstance(text, str)):
            raise SearchError(f"{path}: row {i} needs string 'url' and 'text'")
        rows.append((url, title if isinstance(title, str) else url, text))
    return rows


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                raise SearchError(f"{path}: line {n} is not JSON") from None
            if not isinstance(rec, dict):
                raise SearchError(f"{path}: line {n} is not an object")
            yield rec


def python_docs_rows() -> list[tuple[str, str, str]]:
    """The reference topics of the Python documentation that ship with CPython."""
    from pydoc_data.topics import topics

    rows = []
    for key, text in sorted(topics.items()):
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), key)
        url = f"https://docs.python.org/3/search.html?q={quote(key)}"
        rows.append((url, f"Python reference: {first[:80]}", text))
    return rows


def bundled_corpus() -> CorpusBackend:
    from arena.search import DEFAULT_BACKEND

    return CorpusBackend(DEFAULT_BACKEND, python_docs_rows)
