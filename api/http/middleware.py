"""ASGI middleware: request size limit (413) and refusal of NUL characters in URLs (400)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


async def _answer(send: Send, status: int, detail: str, field: str) -> None:
    body = json.dumps(
        {"detail": detail, "errors": [{"field": field, "value": None, "reason": detail}]}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class RequestLimits:
    """Refuses bodies over ``max_body_bytes`` (413), by ``Content-Length`` and while
    streaming (a chunked body has none), and URLs holding NUL characters (400: no id or
    filter contains one, and PostgreSQL cannot compare text with them).

    Parameters
    ----------
    app : ASGI app
        The wrapped application.
    max_body_bytes : int
        The largest accepted body.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path: bytes = scope.get("raw_path") or b""
        query: bytes = scope.get("query_string") or b""
        if "\x00" in scope["path"] or b"%00" in raw_path or b"%00" in query or b"\x00" in query:
            await _answer(send, 400, "the URL contains a NUL character", "url")
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await _answer(send, 413, self._too_large(), "body")
            return
        received = 0
        too_large = False
        answered = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    too_large = True
                    raise _TooLarge
            return message

        async def replacing_send(message: Message) -> None:
            # The framework turns an error while reading the body into its own 400; the
            # answer the client needs is 413, so that response is replaced.
            nonlocal answered
            if too_large:
                if not answered:
                    answered = True
                    await _answer(send, 413, self._too_large(), "body")
                return
            await send(message)

        try:
            await self.app(scope, limited_receive, replacing_send)
        except _TooLarge:
            if not answered:
                answered = True
                await _answer(send, 413, self._too_large(), "body")

    def _too_large(self) -> str:
        return f"request body larger than {self.max_body_bytes} bytes"


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
