"""ASGI middleware: request size limit (413), refusal of NUL characters in URLs (400), and
the body checks of :mod:`api.http.body_checks` (depth, strings, record size, UTF-8).

The body is read here, whole and bounded, checked, and handed on to the application as it
came: no route parses a body this middleware has not seen.
"""

from __future__ import annotations

import json
from typing import Final

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.body_checks import BodyLimits, BodyProblem, first_problem
from api.http.schemas.errors import ErrorBody, Problem

_SCAN_INLINE_BYTES: Final = 64 * 1024
"""Bodies up to this size are scanned on the event loop; larger ones in a worker thread,
so that a big import never stalls the other requests."""


async def _answer(
    send: Send, status: int, detail: str, problem: Problem, *, close: bool = False
) -> None:
    payload = ErrorBody(detail=detail, errors=[problem]).model_dump(mode="json")
    body = json.dumps(payload).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        # The rest of the body was never read: the connection cannot carry another request.
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


UPLOAD_PREFIXES: Final = ("/imports/", "/app/upload")
"""Requests whose body is an uploaded file, not JSON (``POST /imports/{source}``, and the
web's upload form, which runs the same checks on the file it holds)."""


class _TooLarge(Exception):
    pass


class RequestLimits:
    """Refuses bodies over ``max_body_bytes`` (413), by ``Content-Length`` and while
    streaming (a chunked body has none); URLs holding NUL characters (400: no id or filter
    contains one, and PostgreSQL cannot compare text with them); and bodies that break
    ``body_limits`` or are not UTF-8 (422, or 413 for a record over its size), except the
    uploaded files of ``/imports/{source}`` and of the web's upload form (any bytes, read
    by the importers).

    Parameters
    ----------
    app : ASGI app
        The wrapped application.
    max_body_bytes : int
        The largest accepted body.
    body_limits : BodyLimits
        Depth, string and record bounds of the JSON in a body.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int, body_limits: BodyLimits) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_limits = body_limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _has_nul(scope):
            nul = Problem(field="url", reason="the URL contains a NUL character")
            await _answer(send, 400, nul.reason, nul)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._too_large(send)
            return
        try:
            body = await self._read_body(receive)
        except _TooLarge:
            await self._too_large(send)
            return
        # An upload to /imports is a file (XML, CSV, XLSX, zip), not a JSON body: only its
        # size is limited here; the importer reads it, and its errors fail the job.
        is_upload = str(scope.get("path", "")).startswith(UPLOAD_PREFIXES)
        problem = None if is_upload else await self._check(body)
        if problem is not None:
            located = Problem(field="body", line=problem.line, reason=problem.reason)
            await _answer(send, problem.status, problem.detail, located)
            return
        await self.app(scope, _replaying(body, receive), send)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        received = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; the app sees an empty body
            chunk: bytes = message.get("body", b"")
            received += len(chunk)
            if received > self.max_body_bytes:
                raise _TooLarge
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        return b"".join(chunks)

    async def _check(self, body: bytes) -> BodyProblem | None:
        if not body:
            return None
        if len(body) <= _SCAN_INLINE_BYTES:
            return first_problem(body, self.body_limits)
        return await to_thread.run_sync(first_problem, body, self.body_limits)

    async def _too_large(self, send: Send) -> None:
        detail = f"request body larger than {self.max_body_bytes} bytes"
        await _answer(send, 413, detail, Problem(field="body", reason=detail), close=True)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over the buffered body once, then waits as the server's."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _has_nul(scope: Scope) -> bool:
    raw_path: bytes = scope.get("raw_path") or b""
    query: bytes = scope.get("query_string") or b""
    return "\x00" in scope["path"] or b"%00" in raw_path or b"%00" in query or b"\x00" in query


def _content_length(scope: Scope) -> int | None:
    headers: list[tuple[bytes, bytes]] = scope.get("headers") or []
    for name, value in headers:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


__all__ = ["RequestLimits"]
