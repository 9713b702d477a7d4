"""One error shape for every endpoint: ``{"error": "..."}`` with a 4xx (or 5xx) code."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from arena.errors import ArenaError, RateLimited

log = logging.getLogger(__name__)


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _describe(exc: RequestValidationError, request: Request | None = None) -> str:
    parts = []
    for err in exc.errors():
        if tuple(err.get("loc", ())) == ("body",) and request is not None:
            return _whole_body_problem(err.get("type", ""), request)
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        message = err.get("msg", "invalid")
        if err.get("type") == "extra_forbidden":
            message = "unknown field"
        if err.get("type") == "json_invalid":
            return "request body is not valid JSON (it must be UTF-8)"
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or "invalid request"


def _whole_body_problem(kind: str, request: Request) -> str:
    """Say what is wrong with the body as a whole, naming the fields it should have.

    JSON sent as text/plain or form data is refused rather than guessed at: only
    ``application/json`` needs a CORS preflight, which is what keeps another site
    from posting to this API with a visitor's cookie.
    """
    fields = _body_fields(request)
    example = ", ".join(f'"{name}": ...' for name in fields)
    shape = f"a JSON object like {{{example}}}" if fields else "a JSON object"
    content_type = request.headers.get("content-type", "")
    if kind == "missing":
        return f"the request body is empty: send {shape}"
    if content_type and "json" not in content_type.lower():
        return (
            f"send the body as JSON with the header Content-Type: application/json "
            f"(this request said {content_type.split(';')[0]!r}): {shape}"
        )
    return f"the request body must be {shape}"


def _body_fields(request: Request) -> list[str]:
    """The body model's required fields (or, if none is required, all of them)."""
    route = request.scope.get("route")
    field = getattr(route, "body_field", None)
    model = getattr(field, "type_", None) or getattr(
        getattr(field, "field_info", None), "annotation", None
    )
    fields = getattr(model, "model_fields", None)
    if not isinstance(fields, dict):
        return []
    required = [name for name, info in fields.items() if info.is_required()]
    return required or list(fields)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ArenaError)
    async def _arena_error(_request: Request, exc: ArenaError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        status = exc.status_code
        message = str(exc) if status < 500 or status == 503 else "the server could not do that"
        return error_response(status, message, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, _describe(exc, request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            # FastAPI's own 400 for a body it could not decode (bytes that are not UTF-8):
            # a bad body is a 422 like every other, in the one error shape.
            return error_response(422, "request body is not valid JSON (it must be UTF-8)")
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404:
            message = "not found"
        return error_response(exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal error")
