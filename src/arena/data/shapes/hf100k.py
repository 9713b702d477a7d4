"""arena-human-preference-100k (LMSYS, 2024).

``question_id``, ``tstamp``, ``judge_hash``, ``anony``, ``dedup_tag`` (rows LMArena
down-sampled are ``sampled = false``), ``is_refusal``, string message ``content``.
"""

from arena.data.shapes import Shape

SHAPE = Shape(
    name="100k",
    source="lmarena-ai/arena-human-preference-100k",
    marks=("question_id", "judge_hash", "tstamp"),
    time_column="tstamp",
)
