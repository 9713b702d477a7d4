"""Tag names, one vocabulary for the store, the API, the CLI and the votes file."""

from __future__ import annotations

TASK_TAGS = ("coding", "math", "creative_writing", "instruction_following", "hard_prompt")
OCCUPATIONAL_TAGS = (
    "medicine",
    "law",
    "finance",
    "accounting",
    "marketing",
    "science",
    "education",
    "software_engineering",
    "business",
    "writing_and_literature",
    "entertainment",
)
STRUCTURAL_TAGS = ("multi_turn", "long_query")
# Every tag the classifier decides; structural tags are computed exactly.
CLASSIFIED_TAGS = TASK_TAGS + OCCUPATIONAL_TAGS
ALL_TAGS = CLASSIFIED_TAGS + STRUCTURAL_TAGS
# Arena-Hard's seven criteria; a prompt is hard when at least HARD_MIN of them hold.
CRITERIA = (
    "specificity",
    "domain_knowledge",
    "complexity",
    "problem_solving",
    "creativity",
    "technical_accuracy",
    "real_world_application",
)
HARD_MIN = 6
# Board keys for a language: "language:zh".
LANGUAGE_PREFIX = "language:"
