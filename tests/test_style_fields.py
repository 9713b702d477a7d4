"""One spelling of the style fields: what the live turn path writes into ``conv_metadata``
is what the published schema declares and what the votes reader and the board read."""

from __future__ import annotations

from arena.data.public_schema import CONV_METADATA_FIELDS
from arena.data.style_counts import STYLE_FIELDS, conv_metadata, side_style, style_field
from arena.ratings.style import STYLE_FEATURES


def test_style_fields_name_the_ratings_features_and_the_published_fields() -> None:
    assert tuple(STYLE_FIELDS) == STYLE_FEATURES
    written = set(conv_metadata([("# Title\n- a\n**b**", 12)], [("plain", None)]))
    declared = {style_field(f, s) for f in STYLE_FIELDS for s in "ab"}
    assert written == declared
    assert declared <= set(CONV_METADATA_FIELDS)


def test_side_style_reads_what_conv_metadata_writes() -> None:
    meta = conv_metadata([("# One\n## Two\n1. x\n- y\n**b** __c__", 40)], [("just words", None)])
    assert side_style(meta, "a") == (40.0, 2.0, 2.0, 2.0)
    assert side_style(meta, "b") == (2.0, 0.0, 0.0, 0.0)
    assert side_style({}, "a") == (0.0, 0.0, 0.0, 0.0)
