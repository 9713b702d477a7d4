"""``arena categories tag|eval|retag|judge|train``: what prompts are about, and how well
we know."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from arena.cli.options import DbOption, ModelsOption

if TYPE_CHECKING:
    from arena.categories.judge import LlmJudge


class Format(StrEnum):
    text = "text"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="text or json.")]
JudgeOption = Annotated[
    str | None,
    typer.Option(
        "--judge",
        envvar="ARENA_CATEGORY_JUDGE_MODEL",
        help="Registry name of the LLM judge model.",
    ),
]


def _judge(models: str | None, name: str, mode: str | None = None) -> LlmJudge:
    """The judge named on the command line, with the server's mode and rate limit."""
    from arena.categories.judge import LlmJudge
    from arena.errors import RegistryError
    from arena.registry import load_registry
    from arena.settings import Settings

    settings = Settings.from_env()
    try:
        registry = load_registry(models)
        return LlmJudge.build(
            registry,
            name,
            mode or settings.category_judge_mode,
            settings.category_judge_per_minute,
        )
    except (RegistryError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def tag(
    prompt: Annotated[str, typer.Argument(help="The prompt to tag.")],
    fmt: FormatOption = Format.text,
) -> None:
    """Print the tags, language and hard-prompt criteria of one prompt.

    Example: arena categories tag "Prove that sqrt(2) is irrational" --format json
    """
    from arena.categories.tagger import tag_prompts

    if not prompt.strip():
        typer.echo("error: the prompt is empty", err=True)
        raise typer.Exit(2)
    found = tag_prompts([prompt]).as_json()
    if fmt is Format.json:
        typer.echo(json.dumps(found, ensure_ascii=False))
        return
    typer.echo(f"tags:     {', '.join(found['tags']) or '(none)'}")
    typer.echo(f"language: {found['language'] or '(unknown)'}")
    typer.echo(f"criteria: {', '.join(found['criteria']) or '(none)'}")


def _labels(path: Path) -> list[dict]:
    from arena.categories.training import read_labels

    if not path.is_file():
        typer.echo(f"error: no such labels file: {path}", err=True)
        raise typer.Exit(2)
    rows = read_labels(path)
    if not rows:
        typer.echo(f"error: {path} has no labelled prompts", err=True)
        raise typer.Exit(2)
    return rows


def eval_(
    labels: Annotated[
        Path, typer.Option("--labels", help='JSON Lines: {"prompt","language","tags"}.')
    ],
    fmt: FormatOption = Format.text,
    judge: Annotated[
        str | None,
        typer.Option("--judge", help="Score this registry model as the LLM judge instead."),
    ] = None,
    models: ModelsOption = None,
) -> None:
    """Precision, recall, F1 and support per tag, and language accuracy, on a labels file.

    Scores the embedded classifier, or with --judge MODEL the LLM judge (within its
    rate limit), so the two can be compared. Example: arena categories eval --labels
    data/categories/heldout.jsonl --format json
    """
    import asyncio

    from arena.categories.evaluation import evaluate

    rows = _labels(labels)
    answers = None
    if judge is not None:
        from arena.categories.judge_run import judge_labels

        llm = _judge(models, judge)

        async def ask() -> list:
            try:
                return await judge_labels(llm, rows)
            finally:
                await llm.aclose()

        answers = asyncio.run(ask())
    report = evaluate(rows, answers)
    if fmt is Format.json:
        typer.echo(json.dumps(report))
        return
    typer.echo(f"{'tag':<24}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
    for name, m in report["tags"].items():
        typer.echo(
            f"{name:<24}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['support']:>9}"
        )
    lang = report["language"]
    typer.echo(f"language accuracy {lang['accuracy']:.3f} on {lang['support']} prompts")


def retag(
    db: DbOption = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Stop after this many battles.")
    ] = None,
) -> None:
    """Re-tag stored battles whose tags are missing or from an older classifier.

    Resumable: stop it at any time and run it again to continue. Example: arena
    categories retag --db postgresql://user@host/arena
    """
    import time

    from arena.categories.retag import count_pending
    from arena.categories.retag import retag as run
    from arena.cli.progress import row_progress
    from arena.store import migrate
    from arena.store.engine import create_store_engine

    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        total = count_pending(engine)
        started = time.perf_counter()
        with row_progress("tagging battles", min(total, limit or total)) as advance:
            report = run(engine, advance, limit)
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    rate = report.tagged / seconds if seconds > 0 else 0.0
    left = report.remaining_before - report.tagged
    typer.echo(
        f"tagged {report.tagged} battles with version {report.version} "
        f"({rate:.0f} prompts/s); {left} left"
    )


def judge(
    db: DbOption = None,
    models: ModelsOption = None,
    name: JudgeOption = None,
    mode: Annotated[
        str | None,
        typer.Option("--mode", help="check or replace (default: ARENA_CATEGORY_JUDGE_MODE)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Stop after this many battles.")
    ] = None,
) -> None:
    """Run the LLM judge over stored battles it has not judged yet.

    check records its verdicts beside the embedded tags; replace makes them the
    battles' tags. Resumable, and within ARENA_CATEGORY_JUDGE_PER_MINUTE. Example:
    arena categories judge --judge big-model --models models.yaml --db sqlite:///arena.db
    """
    import asyncio

    from arena.categories.judge_run import count_pending, judge_stored
    from arena.cli.progress import row_progress
    from arena.store import migrate
    from arena.store.engine import create_store_engine

    if not name:
        typer.echo(
            "error: name the judge model with --judge (or ARENA_CATEGORY_JUDGE_MODEL)", err=True
        )
        raise typer.Exit(2)
    llm = _judge(models, name, mode)
    engine = create_store_engine(db)

    async def work(advance) -> object:
        try:
            return await judge_stored(engine, llm, advance, limit)
        finally:
            await llm.aclose()

    try:
        migrate.upgrade(engine)
        total = count_pending(engine, llm)
        with row_progress("judging battles", min(total, limit or total)) as advance:
            report = asyncio.run(work(advance))
    finally:
        engine.dispose()
    left = report.remaining_before - report.judged
    typer.echo(
        f"judged {report.judged} battles with {llm.classifier} ({llm.version}, {llm.mode}); "
        f"{report.failed} failed; {left} left"
    )


def train(
    labels: Annotated[Path, typer.Option("--labels", help="Training labels (JSON Lines).")] = Path(
        "data/categories/train.jsonl"
    ),
) -> None:
    """Fit the classifier heads on a labels file and write the shipped model.

    Build-time only (needs SciPy); keep the held-out file out of it. Example: arena
    categories train --labels data/categories/train.jsonl
    """
    from arena.categories.tagger import MODEL_FILE
    from arena.categories.training import train as fit

    summary = fit(_labels(labels), MODEL_FILE)
    typer.echo(json.dumps(summary))
