"""Every ``arena`` command, by group, without importing any of them.

The table lets ``arena --help`` (and the lazy click groups in ``arena.cli.typer_app``)
list the commands at no import cost; a test checks each one-line help against
the command's docstring.
"""

from __future__ import annotations

TOP_HELP = "Arena: anonymous model battles, human votes, an honest leaderboard."
GROUP_HELP = {
    "db": "Database maintenance.",
    "models": "The model roster.",
    "tokens": "API tokens for the admin API.",
    "votes": "Votes: integrity checks and flag reviews.",
    "categories": "Prompt categories: tags, eval, retag, LLM judge.",
}

# group -> command -> ("module:function", the first paragraph of its docstring).
# A new command is one line here; "arena" is the top level.
COMMANDS: dict[str, dict[str, tuple[str, str]]] = {
    "arena": {
        "serve": ("arena.cli.serve:serve", "Start the arena: the web UI and the JSON API."),
        "export": (
            "arena.cli.export:export",
            "Export every voted battle (flagged ones marked, raw session ids) as "
            "votes.parquet/.jsonl.",
        ),
        "import": (
            "arena.cli.importer:import_",
            "Import public votes files (33k/55k/100k/140k releases, our exports) or lmsys-chat-1m.",
        ),
        "release": (
            "arena.cli.release:release",
            "Publish anonymous, valid, unflagged votes between public models, scrubbed of "
            "personal data.",
        ),
        "simulate": (
            "arena.cli.simulate:simulate",
            "Simulate votes under a sampling policy and report interval widths and rank errors.",
        ),
        "leaderboard": (
            "arena.cli.leaderboard:leaderboard",
            "Rank the models in a votes file, or the server's store, with Bradley–Terry and 95% "
            "CIs.",
        ),
    },
    "db": {"upgrade": ("arena.cli.db:upgrade", "Apply all schema migrations.")},
    "models": {
        "list": (
            "arena.cli.models:list_models",
            "Show the registry, the arenas each model serves, and whether it can battle now.",
        ),
        "set-status": (
            "arena.cli.admin:set_status",
            "Change a model's status; the change is an audit event with who and why.",
        ),
    },
    "tokens": {
        "create": (
            "arena.cli.admin:create_token",
            "Create an API token; it is printed once, and only its hash is stored.",
        ),
    },
    "votes": {
        "scan": (
            "arena.cli.votes:scan",
            "Score every voter and flag anomalous ones for review; release matured new identities.",
        ),
        "flagged": (
            "arena.cli.votes:flagged",
            "List clients flagged for review (votes off the board while flagged or held).",
        ),
        "review": (
            "arena.cli.votes:review",
            "Record a reviewer's decision on a flagged client (an audit event with who and why).",
        ),
        "release-held": (
            "arena.cli.votes:release_held",
            "Release votes the model-level tests held for review (an audit event with why).",
        ),
        "leak-eval": (
            "arena.cli.votes:leak_eval",
            "Precision and recall of the identity-leak check on a labelled set of replies.",
        ),
    },
    "categories": {
        "tag": (
            "arena.cli.categories:tag",
            "Print the tags, language and hard-prompt criteria of one prompt.",
        ),
        "eval": (
            "arena.cli.categories:eval_",
            "Precision, recall, F1 and support per tag, and language accuracy, on a labels file.",
        ),
        "retag": (
            "arena.cli.categories:retag",
            "Re-tag stored battles whose tags are missing or from an older classifier.",
        ),
        "judge": (
            "arena.cli.categories:judge",
            "Run the LLM judge over stored battles it has not judged yet.",
        ),
        "train": (
            "arena.cli.categories:train",
            "Fit the classifier heads on a labels file and write the shipped model.",
        ),
    },
}
