"""A CKAN action API client (ckanapi) whose failures become StatpubErrors with stable codes.

The API token is held here and nowhere else. Every message this module builds
has the token scrubbed out, because error texts end up in CI logs.
"""

from __future__ import annotations

from typing import Any, BinaryIO, Protocol

from statpub import __version__
from statpub.errors import StatpubError

DEFAULT_TOKEN_ENV = "CKAN_API_TOKEN"
_MAX_DETAIL = 500  # characters of a portal's error page worth quoting


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
        except ServerIncompatibleError:
            raise self._error(
                f"{action}: the answer is not a CKAN API response; check --url (the site's "
                "root, without /api)",
                "portal-error",
            ) from None
        except CKANAPIError as exc:
            raise self._error(
                f"{action} failed on the portal: {_short(exc)}", "portal-error"
            ) from None

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


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= _MAX_DETAIL else text[:_MAX_DETAIL] + " ..."


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
