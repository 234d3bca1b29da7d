"""A CKAN action API client whose failures become StatpubErrors with stable codes.

The API token is held here and nowhere else. Every message this module builds
has the token scrubbed out, because error texts end up in CI logs. An answer
that is not CKAN's JSON (an HTML error page of CKAN or of a proxy in front of
it) is quoted by its status, title and heading, never pasted whole.
"""

from __future__ import annotations

import http
import json
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any, BinaryIO, Protocol

from statpub import __version__
from statpub.errors import StatpubError
from statpub.publish.transport import (
    MAX_ANSWER,
    Answer,
    Budget,
    Fatal,
    Transient,
    retrying,
    send,
)

DEFAULT_TOKEN_ENV = "CKAN_API_TOKEN"
_MAX_DETAIL = 300  # characters of a portal's error text worth quoting


class ActionAPI(Protocol):
    """What the publisher needs from a portal client (tests substitute an in-memory one)."""

    url: str

    @property
    def signed_in(self) -> bool: ...

    def call(
        self,
        action: str,
        data: dict[str, Any] | None = None,
        *,
        upload: tuple[str, BinaryIO] | None = None,
        missing_ok: bool = False,
        check: Callable[[], Any] | None = None,
        idempotent: bool | None = None,
    ) -> Any: ...

    def refused(self, action: str, detail: str = "") -> StatpubError: ...


# Actions that may be sent again with the same effect (reads, and writes of fixed values).
IDEMPOTENT = frozenset({
    "status_show", "scheming_dataset_schema_show", "organization_show",
    "organization_list_for_user", "package_show",
    "license_list", "datastore_info", "datastore_search", "package_patch", "resource_patch",
    "resource_delete", "package_resource_reorder", "datastore_delete",
    "datastore_records_delete",
})  # fmt: skip
# characters a token never holds: it goes into an HTTP header
_CONTROL = {chr(c) for c in range(32)} | {chr(127)}


def check_token(token: str, env: str) -> None:
    """Refuse a token holding control characters (a stray CR/LF from a secret store)."""
    if any(ch in _CONTROL for ch in token) or token != token.strip():
        raise StatpubError(
            f"the API token in ${env} contains control characters or surrounding spaces "
            "(often a line break copied with it); store the token alone and run again",
            code="portal-auth",
        )


def insecure(url: str) -> str | None:
    """A warning when ``url`` is http:// to a host that is not this machine, else None."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "http" or host in ("localhost", "::1") or host.startswith("127."):
        return None
    return (
        f"{url} is reached over plain http://: the API token would cross the network "
        "unencrypted; use https://"
    )


class Portal:
    """One CKAN site, reached through its action API (POST /api/action/NAME).

    Every answer is read within ``timeout`` seconds from the start of the call,
    up to ``max_bytes``, checked against :mod:`statpub.publish.answers`, and
    idempotent calls are retried as ``budget`` allows (:mod:`.transport`).
    """

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        token_env: str = DEFAULT_TOKEN_ENV,
        timeout: float = 60.0,
        session: Any = None,
        budget: Budget | None = None,
        max_bytes: int = MAX_ANSWER,
    ) -> None:
        import requests

        if token:
            check_token(token, token_env)
        self.url = url.rstrip("/")
        self._token = token or None
        self.token_env = token_env
        self.timeout = timeout
        self.budget = budget if budget is not None else Budget()
        self.max_bytes = max_bytes
        self._session = session if session is not None else requests.Session()

    @property
    def signed_in(self) -> bool:
        return self._token is not None

    def __repr__(self) -> str:  # never the token
        return f"Portal({self.url!r}, token={'set' if self._token else 'none'})"

    def close(self) -> None:
        self._session.close()

    def call(
        self,
        action: str,
        data: dict[str, Any] | None = None,
        *,
        upload: tuple[str, BinaryIO] | None = None,
        missing_ok: bool = False,
        check: Callable[[], Any] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Run ``action``; with ``missing_ok``, a NotFound answer returns None.

        Idempotent actions are retried on transient failures; another action
        only after ``check()`` (a read) returned None, meaning the failed
        attempt had no effect; a result it returns is used instead. ``idempotent``
        overrides the list of idempotent actions for this call.
        """
        from statpub.publish import answers

        try:
            got = retrying(
                lambda: self._send(action, data or {}, upload),
                self.budget,
                action,
                idempotent=(action in IDEMPOTENT and upload is None)
                if idempotent is None
                else idempotent,
                check=check,
            )
        except Transient as exc:
            raise self._error(
                f"could not reach the portal ({action}: {exc.what}); check the address and "
                "that the portal is running, or raise --timeout",
                "portal-unreachable",
            ) from None
        except Fatal as exc:
            raise self._error(f"{action}: {exc.what}", exc.code) from None
        if not isinstance(got, Answer):  # check() found the effect already made
            return got
        result = self._result(action, got, missing_ok)
        if result is _MISSING:
            return None
        return answers.check(action, result, self.url)

    def _send(self, action: str, data: dict[str, Any], upload: Any) -> Answer:
        headers = {
            "User-Agent": f"statpub/{__version__}",
            "Accept": "application/json",
            "Accept-Encoding": "identity",
        }
        if self._token:
            headers["Authorization"] = self._token
        body: Any
        files: dict[str, Any] | None
        if upload is not None:
            from statpub.publish.multipart import MultipartFile

            name, fh = upload
            fh.seek(0)  # sent again on a retry: from the start
            fields = {k: _form(v) for k, v in data.items() if v is not None}
            body = MultipartFile(fields, "upload", name, fh)  # read as it is sent
            headers["Content-Type"] = body.content_type
            files = None
        else:
            body = json.dumps(data, ensure_ascii=True).encode("ascii")
            headers["Content-Type"] = "application/json"
            files = None
        return send(
            self._session, f"{self.url}/api/action/{action}", data=body, headers=headers,
            files=files, timeout=self.timeout, budget=self.budget, max_bytes=self.max_bytes,
        )  # fmt: skip

    def _result(self, action: str, answer: Answer, missing_ok: bool) -> Any:
        try:
            parsed = json.loads(answer.body)
        except (ValueError, RecursionError):
            parsed = None
        said = _said(answer, parsed)
        if action.startswith("datastore_") and "Action name not known" in said:
            from statpub.publish.datastore import no_datastore

            raise no_datastore(self.url)
        if answer.retried:
            said = f"{said} ({answer.retried})"
        if not isinstance(parsed, dict) or not isinstance(parsed.get("success"), bool):
            raise self._error(f"{action} failed on the portal: {said}", "portal-error")
        if parsed["success"] is True and answer.status == 200:
            if "result" not in parsed:
                raise self._error(f"{action}: the answer has no result ({said})", "portal-error")
            return parsed["result"]
        error = parsed.get("error")
        kind = str(error.get("__type") or "") if isinstance(error, dict) else ""
        if kind == "Not Found Error" or answer.status == 404:
            if missing_ok:
                return _MISSING
            raise self._error(f"{action}: not found on the portal", "portal-error")
        if kind == "Authorization Error" or answer.status == 403:
            raise self.refused(action, f"the portal said: {_json_message(answer.body)[:200]}")
        if kind == "Validation Error":
            raise self._error(
                f"the portal rejected {action}: {_validation_text(error)}; fix the package "
                "metadata or the portal's settings and run again",
                "portal-error",
            )
        raise self._error(f"{action} failed on the portal: {said}", "portal-error")

    def refused(self, action: str, detail: str = "") -> StatpubError:
        if self._token is None:
            why = f"no API token was given: set the environment variable {self.token_env}"
        else:
            why = (
                f"the portal refused the API token from ${self.token_env} (wrong, expired or "
                "revoked, or its user lacks the rights): give a token of a user who may "
                "publish to the organization"
            )
        tail = f" ({detail})" if detail else ""
        return self._error(f"{action}: {why}{tail}", "portal-auth")

    def _error(self, message: str, code: str) -> StatpubError:
        return StatpubError(self.scrub(f"{self.url}: {message}"), code=code)

    def scrub(self, text: str) -> str:
        """``text`` without the token, in any form it could be quoted in."""
        return scrub(text, self._token)


_MISSING = object()


def scrub(text: str, token: str | None) -> str:
    if not token:
        return text
    forms = {token, repr(token)[1:-1], json.dumps(token)[1:-1], token.strip()}
    for form in sorted((f for f in forms if len(f) >= 4), key=len, reverse=True):
        text = text.replace(form, "[token]")
    return text


def _form(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _said(answer: Answer, parsed: Any) -> str:
    """What the portal answered, in a few words: status, then CKAN's message, or an HTML
    page's title and heading, or the start of a plain text."""
    head = f"HTTP {answer.status}"
    try:
        head += f" {http.HTTPStatus(answer.status).phrase}"
    except ValueError:
        pass
    body = answer.body[:65536].decode("utf-8", "replace")
    said = (
        (_message(parsed) if parsed is not None else "")
        or _html_text(body, head)
        or (body if parsed is None else "")
    )
    return _short(f"{head}: {said}" if said.strip() else head)


def _short(exc: BaseException | str) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= _MAX_DETAIL else text[:_MAX_DETAIL] + " ..."


def _json_message(body: bytes) -> str:
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return ""
    return _short(_message(parsed))


def _message(parsed: Any) -> str:
    if isinstance(parsed, str):
        return parsed
    if isinstance(parsed, dict):
        err = parsed.get("error")
        if isinstance(err, dict):
            return str(err.get("message") or "; ".join(f"{k}: {v}" for k, v in err.items()))
        return str(err or "")
    return ""


class _PageText(HTMLParser):
    """The title, the first heading and the text right after it."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, str] = {}
        self._in: str | None = None
        self._after_h1 = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("title", "h1") and tag not in self.parts:
            self._in = tag
        elif tag in ("script", "style"):
            self._in = "skip"

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in or (self._in == "skip" and tag in ("script", "style")):
            self._after_h1 = self._after_h1 or tag == "h1"
            self._in = None

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text:
            return
        if self._in in ("title", "h1"):
            self.parts[self._in] = (self.parts.get(self._in, "") + " " + text).strip()
        elif self._in is None and self._after_h1 and "text" not in self.parts:
            self.parts["text"] = text


def _html_text(body: str, head: str = "") -> str:
    if "<" not in body:
        return ""
    page = _PageText()
    try:
        page.feed(body)
    except Exception:  # a broken page: say nothing rather than quote it
        return "an HTML page"
    parts: list[str] = []
    for key in ("title", "h1", "text"):
        text = page.parts.get(key)
        if text and text not in head and not any(text in p for p in parts):
            parts.append(text)
    return " - ".join(parts) or "an HTML page"


def _validation_text(error: Any) -> str:
    errors = error if isinstance(error, dict) else {}
    parts = [f"{k}: {v}" for k, v in errors.items() if k != "__type"]
    return _short("; ".join(parts) or "no details given")
