"""chatbot_arena_conversations, the 33k release (LMSYS, 2023).

``question_id``, ``judge``, ``tstamp``, ``winner`` spelled ``tie (bothbad)`` (read as
``both_bad``), ``openai_moderation``, ``toxic_chat_tag``.
"""

from arena.data.shapes import Shape

SHAPE = Shape(
    name="33k",
    source="lmsys/chatbot_arena_conversations",
    marks=("question_id", "judge", "tstamp"),
    time_column="tstamp",
)
