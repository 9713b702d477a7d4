"""arena-human-preference-140k (LMArena, 2025), and what ``arena export`` writes.

``id``, ``timestamp``, ``winner`` with ``both_bad``, no ``anony`` (every vote is
anonymous), messages whose ``content`` is a list of typed parts, ``num_tokens``,
``evaluation_session_id``/``evaluation_order``, the ``category_tag`` struct.
"""

from arena.data.shapes import Shape

SHAPE = Shape(
    name="140k",
    source="lmarena-ai/arena-human-preference-140k",
    marks=("id", "conversation_a", "evaluation_order"),
)
