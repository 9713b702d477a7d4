"""Prompt categories: what a battle is about, for per-category boards.

``tagger.tag_prompts`` is the one entry point: structural facts (turns, length,
language), task and occupational tags from a small lexical classifier shipped in
``model.npz``, and exact rules where rules beat a classifier (code fences, LaTeX).
"""
