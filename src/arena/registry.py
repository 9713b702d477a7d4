"""The model registry: which contestants exist, how to reach them, how they may appear.

Read once at start-up from YAML (``--models FILE``) or the built-in default.
Secrets are never in the file: an entry names the environment variable that
holds its key (``api_key_env``), and the key is read when the provider is built.
"""

from __future__ import annotations

from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from arena.errors import RegistryError
from arena.vocabulary import Arena

DEFAULT_REGISTRY = "default_models.yaml"


# What each provider makes, when it is not a chat reply (see ``Arena.served_by``).
PROVIDER_KINDS = {"openai_images": "images"}
KIND_WORDS = {"chat": "a chat model", "images": "an image model"}


class Visibility(StrEnum):
    public = "public"
    preview = "preview"
    deprecated = "deprecated"


class ModelSpec(BaseModel):
    """One contestant as written in the registry file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$")
    provider: Literal["local", "openai", "anthropic", "openai_images"]
    organization: str = "unknown"
    license: str = "unknown"
    visibility: Visibility = Visibility.public
    codename: str | None = Field(default=None, max_length=128)
    aliases: list[str] = Field(default_factory=list)
    """Product and family names this model may call itself ("Nimbus", "Acme Assistant"),
    on top of the built-in table of well-known families (``integrity/model_families.py``).
    A reply that claims one of them ("I'm Nimbus") flags the vote as an identity leak."""
    sampling_weight: float = Field(default=1.0, ge=0.0)
    arenas: list[Arena] | None = None
    """What the model can battle in; chat models default to ``[text]``, image models
    (``openai_images``) to ``[text_to_image, image_edit]``."""
    price_input_per_mtok: float | None = Field(default=None, ge=0)
    """US dollars per million prompt tokens, as the provider lists it (shown on the board)."""
    price_output_per_mtok: float | None = Field(default=None, ge=0)
    """US dollars per million completion tokens."""
    # openai / anthropic
    base_url: str | None = None
    model: str | None = None
    api_key_env: str | None = None
    # local
    path: str | None = None
    chat_format: Literal["template", "gemma", "transcript"] = "template"
    n_ctx: int = Field(default=2048, ge=128)
    context_tokens: int | None = Field(default=None, ge=128)
    """Tokens the model holds (prompt and reply). Local models hold ``n_ctx``; for a
    remote model, set it to refuse a turn that would not fit before sending it."""
    # sampling and limits
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    max_tokens: int | None = Field(default=None, ge=1, le=32768)
    system_prompt: str | None = None
    extra_params: dict[str, Any] = Field(default_factory=dict)
    timeout_connect: float = Field(default=10.0, gt=0)
    timeout_first_token: float = Field(default=60.0, gt=0)
    timeout_total: float = Field(default=300.0, gt=0)
    # search arena
    search_backend: str | None = None
    """The registry's ``search_backends`` entry Arena searches with for this model (the
    bundled offline corpus when unset); ignored with ``search: native``."""
    search: Literal["native", "arena"] = "arena"
    """``native``: the endpoint searches by itself and its reply carries the sources
    (``citations``, ``search_results`` or ``url_citation`` annotations)."""

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        cleaned = [a.strip() for a in value if a and a.strip()]
        if any(len(a) > 128 for a in cleaned):
            raise ValueError("an alias is at most 128 characters")
        return cleaned

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not value.replace("_", "").isalnum():
            raise ValueError("api_key_env must be the NAME of an environment variable, not a key")
        return value

    @model_validator(mode="after")
    def _provider_fields(self) -> ModelSpec:
        if self.provider == "local" and not self.path:
            raise ValueError(f"model {self.name!r}: provider 'local' needs 'path'")
        if self.provider in {"openai", "openai_images"} and not self.base_url:
            raise ValueError(f"model {self.name!r}: provider {self.provider!r} needs 'base_url'")
        kind = self.kind
        if self.arenas is None:
            # A chat model battles in text unless told; other kinds in all they can serve.
            default = [Arena.text] if kind == "chat" else Arena.served_by_kind(kind)
            object.__setattr__(self, "arenas", default)
        wrong = [a.value for a in self.arenas or [] if kind not in a.served_by]
        if wrong:
            raise ValueError(
                f"model {self.name!r}: {KIND_WORDS[kind]} cannot serve {', '.join(wrong)}"
            )
        if not self.arenas:
            raise ValueError(f"model {self.name!r}: 'arenas' lists no arena")
        if self.visibility is Visibility.preview and not self.codename:
            # A stable, meaningless default: the name itself must never be shown.
            object.__setattr__(self, "codename", _default_codename(self.name))
        return self

    @property
    def display_name(self) -> str:
        """What voters may ever see: a preview model only shows its codename."""
        if self.visibility is Visibility.preview:
            return self.codename or _default_codename(self.name)
        return self.name

    @property
    def kind(self) -> str:
        """What the model makes, as ``Arena.served_by`` names it (``chat``, ``images``)."""
        return PROVIDER_KINDS.get(self.provider, "chat")

    def serves(self, arena: Arena) -> bool:
        return arena in (self.arenas or ())

    @property
    def upstream_model(self) -> str:
        return self.model or self.name


class SearchBackendSpec(BaseModel):
    """A search backend of the search arena: a SearXNG instance or a local corpus file.

    Configured by the operator, so trusted even on loopback (unlike the pages a
    search finds)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    kind: Literal["searxng", "corpus"]
    url: str | None = None
    """SearXNG's base URL (its JSON API answers ``/search?format=json``)."""
    path: str | None = None
    """A JSON Lines or Parquet file of passages with ``url``, ``title`` and ``text``."""
    results: int = Field(default=5, ge=1, le=20)
    timeout: float = Field(default=5.0, gt=0, le=60)

    @model_validator(mode="after")
    def _fields(self) -> SearchBackendSpec:
        if self.kind == "searxng" and not self.url:
            raise ValueError(f"search backend {self.name!r}: kind 'searxng' needs 'url'")
        if self.kind == "corpus" and not self.path:
            raise ValueError(f"search backend {self.name!r}: kind 'corpus' needs 'path'")
        return self


class Registry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    models: list[ModelSpec] = Field(min_length=1)
    search_backends: list[SearchBackendSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _backends(self) -> Registry:
        names = [b.name for b in self.search_backends]
        if len(set(names)) != len(names):
            raise ValueError("a search backend name appears twice")
        for spec in self.models:
            if spec.search_backend is not None and spec.search_backend not in names:
                raise ValueError(
                    f"model {spec.name!r}: search_backend {spec.search_backend!r} is not "
                    f"in search_backends ({', '.join(names) or 'none declared'})"
                )
        return self

    @model_validator(mode="after")
    def _unique(self) -> Registry:
        seen: set[str] = set()
        for spec in self.models:
            for label in {spec.name, spec.display_name}:
                if label in seen:
                    raise ValueError(f"model name {label!r} appears twice")
                seen.add(label)
        return self

    def get(self, name: str) -> ModelSpec | None:
        return next((m for m in self.models if m.name == name), None)


def _default_codename(name: str) -> str:
    import hashlib

    return "anonymous-" + hashlib.sha256(name.encode()).hexdigest()[:8]


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and validate a registry file; ``None`` means the built-in local roster."""
    if path is None:
        text = resources.files("arena").joinpath(DEFAULT_REGISTRY).read_text(encoding="utf-8")
        source = "built-in registry"
    else:
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise RegistryError(f"cannot read model registry {file}: {exc.strerror}") from exc
        source = str(file)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RegistryError(f"{source} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RegistryError(f"{source}: expected a mapping with a 'models' list")
    try:
        return Registry.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_where(data, err['loc'])}: {err['msg']}" for err in exc.errors())
        raise RegistryError(f"{source}: {problems}") from exc


def _where(data: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """``model 'gpt-x', temperature`` rather than ``models.3.temperature``."""
    path = ".".join(str(part) for part in loc)
    if len(loc) < 2 or loc[0] != "models" or not isinstance(loc[1], int):
        return path
    entries = data.get("models")
    entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
    name = entry.get("name") if isinstance(entry, dict) else None
    model = f"model {name!r}" if isinstance(name, str) else f"model #{loc[1] + 1}"
    rest = ".".join(str(part) for part in loc[2:])
    return f"{model}, {rest}" if rest else model
