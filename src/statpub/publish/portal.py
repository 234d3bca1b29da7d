"""A CKAN action API client (ckanapi) whose failures become StatpubErrors with stable codes.

The API token is held here and nowhere else. Every message this module builds
has the token scrubbed out, because error texts end up in CI logs. An answer
that is not CKAN's JSON (an HTML error page of CKAN or of a proxy in front of
it) is quoted by its status, title and heading, never pasted whole.
"""

from __future__ import annotations

import ast
import http
import json
from html.parser import HTMLParser
from typing import Any, BinaryIO, Protocol

from statpub import __version__
from statpub.errors import StatpubError

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
    ) -> Any: ...

    def refused(self, action: str, detail: str = "") -> StatpubError: ...


class Portal:
    """One CKAN site, reached through ckanapi's RemoteCKAN."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        token_env: str = DEFAULT_TOKEN_ENV,
        timeout: float = 60.0,
        session: Any = None,
    ) -> None:
        from ckanapi import RemoteCKAN

        self.url = url.rstrip("/")
        self._token = token or None
        self.token_env = token_env
        # (connect, read): a portal that accepts but never answers must not hang a CI job
        self.timeout = (min(timeout, 10.0), timeout)
        self._ckan = RemoteCKAN(
            self.url, apikey=self._token, user_agent=f"statpub/{__version__}", session=session
        )

    @property
    def signed_in(self) -> bool:
        return self._token is not None

    def __repr__(self) -> str:  # never the token
        return f"Portal({self.url!r}, token={'set' if self._token else 'none'})"

    def close(self) -> None:
        self._ckan.close()

    def call(
        self,
        action: str,
        data: dict[str, Any] | None = None,
        *,
        upload: tuple[str, BinaryIO] | None = None,
        missing_ok: bool = False,
    ) -> Any:
        """Run ``action``; with ``missing_ok``, a NotFound answer returns None."""
        import requests
        from ckanapi.errors import (
            CKANAPIError,
            NotAuthorized,
            NotFound,
            ServerIncompatibleError,
            ValidationError,
        )

        files = {"upload": upload} if upload is not None else None
        try:
            return self._ckan.call_action(
                action, data or {}, files=files, requests_kwargs={"timeout": self.timeout}
            )
        except NotFound:
            if missing_ok:
                return None
            raise self._error(f"{action}: not found on the portal", "portal-error") from None
        except NotAuthorized as exc:
            raise self.refused(action, f"the portal said: {_detail(exc)}") from None
        except ValidationError as exc:
            raise self._error(
                f"the portal rejected {action}: {_validation_text(exc)}; fix the package "
                "metadata or the portal's settings and run again",
                "portal-error",
            ) from None
        except requests.Timeout:
            raise self._error(
                f"{action}: no answer within {self.timeout[1]:g} s; check that the portal is "
                "running, or raise --timeout",
                "portal-unreachable",
            ) from None
        except requests.RequestException as exc:
            raise self._error(
                f"could not reach the portal ({action}: {type(exc).__name__}: {_short(exc)}); "
                "check the address and that the portal is running",
                "portal-unreachable",
            ) from None
        except ServerIncompatibleError as exc:
            raise self._error(
                f"{action}: the answer is not a CKAN API response ({_answer(exc)}); check "
                "--url (the site's root, without /api)",
                "portal-error",
            ) from None
        except CKANAPIError as exc:
            said = _answer(exc)
            if action.startswith("datastore_") and "Action name not known" in said:
                from statpub.publish.datastore import no_datastore

                raise no_datastore(self.url) from None
            raise self._error(f"{action} failed on the portal: {said}", "portal-error") from None

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
        return text.replace(self._token, "[token]") if self._token else text


def _short(exc: BaseException | str) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= _MAX_DETAIL else text[:_MAX_DETAIL] + " ..."


def _answer(exc: BaseException) -> str:
    """What the portal answered, in a few words: HTTP status, then CKAN's message, or
    an HTML page's title and heading, or the start of a plain text.

    ckanapi raises these errors with the text ``[url, status, body]``.
    """
    try:
        _, status, body = ast.literal_eval(str(exc))
    except (ValueError, SyntaxError, TypeError):
        return _short(exc)
    head = f"HTTP {status}"
    try:
        head += f" {http.HTTPStatus(int(status)).phrase}"
    except ValueError:
        pass
    said = _json_message(str(body)) or _html_text(str(body), head) or str(body)
    return _short(f"{head}: {said}" if said.strip() else head)


def _json_message(body: str) -> str:
    try:
        parsed = json.loads(body)
    except ValueError:
        return ""
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


def _detail(exc: Any) -> str:
    arg = exc.args[0] if exc.args else None
    if isinstance(arg, dict):
        return _short(Exception(str(arg.get("message") or "")))
    return _short(exc)


def _validation_text(exc: Any) -> str:
    errors = getattr(exc, "error_dict", None)
    if not isinstance(errors, dict):
        errors = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {}
    parts = [f"{k}: {v}" for k, v in errors.items() if k != "__type"]
    return _short(Exception("; ".join(parts) or str(exc)))
