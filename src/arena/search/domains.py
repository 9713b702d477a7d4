"""What kind of site a cited domain is: a covariate of the search board's style control.

Search Arena found that people favour some kinds of source (community posts, code
docs) over others (encyclopedias); a model that cites a kind people like would win for
its sources, not its answer, unless the board controls for the share of each kind.
The table is small and explicit on purpose: known domains first, then suffix rules.
"""

from __future__ import annotations

DOMAIN_KINDS = (
    "encyclopedia",
    "news",
    "academic",
    "gov_edu",
    "community",
    "social_video",
    "docs",
    "other",
)

KNOWN: dict[str, str] = {
    "wikipedia.org": "encyclopedia",
    "britannica.com": "encyclopedia",
    "wikidata.org": "encyclopedia",
    "wiktionary.org": "encyclopedia",
    "reuters.com": "news",
    "apnews.com": "news",
    "bbc.com": "news",
    "bbc.co.uk": "news",
    "nytimes.com": "news",
    "theguardian.com": "news",
    "cnn.com": "news",
    "bloomberg.com": "news",
    "washingtonpost.com": "news",
    "arxiv.org": "academic",
    "doi.org": "academic",
    "nature.com": "academic",
    "sciencedirect.com": "academic",
    "springer.com": "academic",
    "ncbi.nlm.nih.gov": "academic",
    "pubmed.ncbi.nlm.nih.gov": "academic",
    "semanticscholar.org": "academic",
    "acm.org": "academic",
    "ieee.org": "academic",
    "reddit.com": "community",
    "stackoverflow.com": "community",
    "stackexchange.com": "community",
    "quora.com": "community",
    "medium.com": "community",
    "news.ycombinator.com": "community",
    "youtube.com": "social_video",
    "youtu.be": "social_video",
    "x.com": "social_video",
    "twitter.com": "social_video",
    "facebook.com": "social_video",
    "instagram.com": "social_video",
    "tiktok.com": "social_video",
    "linkedin.com": "social_video",
    "github.com": "docs",
    "docs.python.org": "docs",
    "developer.mozilla.org": "docs",
    "readthedocs.io": "docs",
    "learn.microsoft.com": "docs",
}

SUFFIXES: tuple[tuple[str, str], ...] = (
    (".gov", "gov_edu"),
    (".edu", "gov_edu"),
    (".mil", "gov_edu"),
    (".gov.uk", "gov_edu"),
    (".ac.uk", "gov_edu"),
    (".europa.eu", "gov_edu"),
    (".int", "gov_edu"),
)
PREFIXES: tuple[tuple[str, str], ...] = (("docs.", "docs"), ("developer.", "docs"))


def domain_kind(domain: str) -> str:
    """The kind of a host name (``en.wikipedia.org`` -> ``encyclopedia``)."""
    host = domain.lower().strip(".")
    host = host.removeprefix("www.")
    labels = host.split(".")
    for i in range(len(labels) - 1):  # the host, then each parent domain
        kind = KNOWN.get(".".join(labels[i:]))
        if kind:
            return kind
    for suffix, kind in SUFFIXES:
        if host.endswith(suffix):
            return kind
    for prefix, kind in PREFIXES:
        if host.startswith(prefix):
            return kind
    return "other"
