"""Registry entries for the live app (``start_app``), named for what they are made of.

Each entry names a loopback model of ``tests/fake_upstream.py``; ``start_app`` adds the
upstream's address and the defaults.
"""

from __future__ import annotations

IMAGE_ARENA_MODELS = [
    {"name": "seer-one", "model": "echo-a", "arenas": ["text", "vision"]},
    {"name": "seer-two", "model": "echo-b", "arenas": ["text", "vision"]},
    {"name": "writer-only", "model": "markdown"},
    {"name": "painter-one", "model": "painter-a", "provider": "openai_images"},
    {"name": "painter-two", "model": "painter-b", "provider": "openai_images"},
]
"""Two vision models (which also chat), a text-only one and two image makers."""

STYLE_MODELS = [
    {"name": "fancy", "model": "markdown", "organization": "Org A"},
    {"name": "plain-a", "model": "echo-a", "organization": "Org B"},
    {"name": "plain-b", "model": "echo-b", "organization": "Org C"},
]
"""One model that answers in Markdown and two plain ones: style control has work to do."""

ECHO_PAIR = [
    {"name": "alpha-model", "model": "echo-a"},
    {"name": "beta-model", "model": "echo-b"},
]
"""Two models that echo the prompt, with the registry's default organization."""

ORG_PAIR = [
    {"name": "alpha-model", "model": "echo-a", "organization": "Org Alpha"},
    {"name": "beta-model", "model": "echo-b", "organization": "Org Beta"},
]
"""The same two, each with its own organization (what a reveal names)."""

WITH_PREVIEW = [
    {"name": "open-model", "model": "echo-a", "organization": "Open Org"},
    {
        "name": "secret-model",
        "model": "echo-b",
        "organization": "Big Lab",
        "visibility": "preview",
        "codename": "dragonfly",
    },
]
"""A public model and a preview one that battles under its codename."""

LICENSE_MIX = [
    {"name": "open-1", "model": "echo-a", "organization": "Open Org", "license": "Apache-2.0"},
    {"name": "closed-1", "model": "echo-b", "organization": "Closed Org", "license": "proprietary"},
    {
        "name": "hidden-1",
        "model": "echo-a",
        "organization": "Closed Org",
        "license": "proprietary",
        "visibility": "preview",
        "codename": "owl",
    },
]
"""An open and a proprietary model, and a preview one under a codename: the fairness report."""
