"""``statpub publish``: send a built package to an open-data portal."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from statpub.cli import LazyGroup
from statpub.cli.options import (
    EXIT_INVALID,
    echo_json,
    handle_errors,
    output_options,
    package_argument,
    resolve_format,
    say,
)


@click.group(cls=LazyGroup, lazy={"egov": "publish_egov:egov"})
def publish() -> None:
    """Publish a built package to an open-data portal.

    Every publisher first reads the portal and makes a plan, then carries it
    out; --dry-run shows the plan and sends nothing (exit 1 when changes are
    pending). Runs are idempotent: a rerun with nothing changed changes
    nothing, and a rerun after a failure completes the work.
    """


@publish.command()
@package_argument
@click.option(
    "--url", required=True, help="The CKAN site's root address, e.g. https://ckan.example.org."
)
@click.option(
    "--org", "organization", required=True, help="Organization (name or id) that owns the dataset."
)
@click.option("--dataset", help="Dataset name on the portal.  [default: the package's name]")
@click.option(
    "--token-env",
    default="CKAN_API_TOKEN",
    show_default=True,
    help="Environment variable holding the CKAN API token (never printed or logged).",
)
@click.option("--private", is_flag=True, help="Make the dataset private (default: public).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="Seconds a single call to the portal may take, its whole answer included.",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=10),
    default=3600.0,
    show_default=True,
    help="Seconds the whole run may take; also how long its lease on the dataset lasts.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0, max=20),
    default=5,
    show_default=True,
    help="Times a call is tried again after a 502/503/504, a reset or a timeout.",
)
@click.option(
    "--allow-older",
    is_flag=True,
    help="Publish even when the portal holds a newer version (a rollback).",
)
@click.option(
    "--break-lease",
    is_flag=True,
    help="Take over another run's lease on the dataset before it expires (only when "
    "that run is known to have died).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse an http:// address that is not this machine (else a warning).",
)
@click.option(
    "--datastore/--no-datastore",
    default=True,
    show_default=True,
    help="Load each table's CSV into the portal's DataStore, typed by its Table Schema.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Delete the dataset's resources that the package does not name (else listed as stale).",
)
@click.option(
    "--releases",
    "releases_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The release archive: each archived release is kept on the portal as its bundle "
    "(resource release-<version>.zip).  [default: releases/ beside the package folder, if any]",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show the plan; send nothing to the portal. Exit 1 when changes are pending.",
)
@output_options()
@handle_errors
def ckan(
    package_dir: Path,
    url: str,
    organization: str,
    dataset: str | None,
    token_env: str,
    private: bool,
    timeout: float,
    deadline: float,
    retries: int,
    allow_older: bool,
    break_lease: bool,
    strict: bool,
    datastore: bool,
    prune: bool,
    releases_dir: Path | None,
    dry_run: bool,
    fmt: str,
    as_json: bool,
) -> None:
    """Create or update the package's dataset on a CKAN portal.

    Creates the dataset if absent, otherwise updates it in place: metadata from
    the descriptor and the data card, and one resource per file (the CSV and the
    Parquet of each table, datapackage.json, CHANGELOG.md), matched by name so
    that resource ids and download addresses stay the same across releases. A
    file whose sha256 is unchanged is not sent again. Tables carry their Table
    Schema in the resource's `schema` field, and each table's CSV is loaded
    into the DataStore with its types, primary key and data dictionary; later
    releases upsert revised and added rows and delete removed ones.

    Exit status: 0 published (with --dry-run: nothing would change), 1 the
    package's files do not match its descriptor (with --dry-run: also when
    changes are pending), 2 could not run (unreachable portal: code
    portal-unreachable; refused token: portal-auth; no DataStore:
    portal-no-datastore; another publish of the dataset running: portal-locked;
    the portal holds a newer version: portal-newer; --deadline passed:
    portal-deadline; other portal errors: portal-error).

    One publish at a time changes a dataset: a run takes a lease recorded in
    the portal's DataStore (resource statpub-lock) for --deadline seconds, and
    a second run is told who holds it and since when. Calls that may be
    repeated are retried with backoff (--retries); the output says how many.

    Every release archived in --releases is kept downloadable: each is checked
    against its SHA256SUMS, bundled as `statpub bundle` does, and sent once as
    resource release-<version>.zip (its version and sha256 in the resource's
    fields); --prune never deletes one. The DataStore holds the latest release.
    """
    import tempfile

    from statpub.errors import StatpubError
    from statpub.publish.archived import archived_specs
    from statpub.publish.local import publishable
    from statpub.publish.portal import check_token, insecure

    token = os.environ.get(token_env) or None
    if token is None and not dry_run:
        raise StatpubError(
            f"no API token: set the environment variable {token_env} to the API token of a "
            f"user who may publish to {organization!r} (or use --dry-run)",
            code="portal-auth",
        )
    if token is not None:
        check_token(token, token_env)
    risk = insecure(url)
    if risk and token is not None:
        if strict:
            raise StatpubError(f"{risk} (refused with --strict)", code="portal-insecure")
        say(f"warning: {risk}", err=True)
    as_json = resolve_format(fmt, as_json) == "json"
    package = publishable(package_dir)
    if releases_dir is None and (package_dir.parent / "releases").is_dir():
        releases_dir = package_dir.parent / "releases"
    elif releases_dir is not None and not releases_dir.is_dir():
        raise StatpubError(
            f"{releases_dir}: no such release archive; pass --releases with the folder of "
            "archived releases",
            code="file-not-found",
            path=releases_dir,
        )
    with tempfile.TemporaryDirectory(prefix="statpub-releases-") as work:
        archived = archived_specs(releases_dir, Path(work)) if releases_dir else []
        _ckan_run(
            package, url, organization, dataset, token, token_env, private, timeout, deadline,
            retries, allow_older, break_lease, strict, datastore, prune, dry_run, as_json,
            archived,
        )  # fmt: skip


def _ckan_run(
    package: Any, url: str, organization: str, dataset: str | None, token: str | None,
    token_env: str, private: bool, timeout: float, deadline: float, retries: int,
    allow_older: bool, break_lease: bool, strict: bool, datastore: bool, prune: bool,
    dry_run: bool, as_json: bool, archived: list[Any],
) -> None:  # fmt: skip
    import secrets
    import time

    from statpub.publish.ckan import prepare, read_portal
    from statpub.publish.datastore import read_datastore
    from statpub.publish.portal import Portal
    from statpub.publish.session import Lease
    from statpub.publish.session import publish as run_publish
    from statpub.publish.transport import Budget

    start = time.monotonic()
    budget = Budget(retries=retries, deadline=start + deadline)
    portal = Portal(url, token, token_env=token_env, timeout=timeout, budget=budget)
    name = dataset or package.name
    try:
        state = read_portal(portal, name, organization)
        if dry_run:
            tables = read_datastore(portal, state, package) if datastore else None
            plan = prepare(
                package, state, private=private, prune=prune, datastore=tables,
                allow_older=allow_older, archived=archived,
            )  # fmt: skip
            if as_json:
                echo_json(plan.to_dict())
            else:
                _print_plan(plan.to_dict())
                say("dry run: nothing was sent to the portal", err=True)
            if plan.changes:
                sys.exit(EXIT_INVALID)
            return
        result, extra = run_publish(
            portal, package, name, organization,
            Lease(secrets.token_hex(8), _holder(package), time.time(), deadline, break_lease),
            private=private, prune=prune, datastore=datastore, allow_older=allow_older,
            strict=strict, on_action=lambda a: say(f"  {_line(a.to_dict())} ...", err=True),
            archived=archived,
        )  # fmt: skip
    finally:
        portal.close()
        retried = budget.summary()
        if retried["attempts"] and not as_json:
            say(f"warning: {_retried(retried)}", err=True)
    out = result.to_dict()
    out["warnings"] += extra
    out["retries"] = retried
    if as_json:
        echo_json(out)
        return
    for w in out["warnings"]:
        say(f"warning: {w}", err=True)
    ds = out["dataset"]
    say(f"published {ds['name']} version {ds['version']}: {ds['url']}")
    say(_summary(out["summary"]))


def _holder(package: Any) -> str:
    """Who publishes, as the lease records it: $STATPUB_PUBLISHER, else user@host."""
    import getpass
    import socket

    who = os.environ.get("STATPUB_PUBLISHER") or ""
    if not who:
        try:
            who = f"{getpass.getuser()}@{socket.gethostname()}"
        except (OSError, KeyError):
            who = "unknown"
    return f"{who} (statpub, version {package.version or 'unversioned'})"


def _retried(r: dict[str, Any]) -> str:
    by = ", ".join(f"{a} {n}" for a, n in r["by_action"].items())
    return (
        f"{r['attempts']} calls sent again after transient portal failures ({by}); "
        f"at most {r['limit']['retries']} retries per call"
    )


def _print_plan(plan: dict[str, Any]) -> None:
    for w in plan["warnings"]:
        say(f"warning: {w}", err=True)
    say(f"plan for dataset {plan['dataset']} on {plan['portal']} (version {plan['version']}):")
    for a in plan["actions"]:
        say(f"  {_line(a)}")
    say(_summary(plan["summary"], planned=True))


def _line(a: dict[str, Any]) -> str:
    why = list(a["changes"])
    rows = a.get("rows")
    if rows is not None and a["action"] in ("load", "reload"):
        why.append(f"{rows['total']} row" + ("" if rows["total"] == 1 else "s"))
    tail = f"  ({', '.join(why)})" if why else ""
    return f"{a['action']:<8} {a['kind']:<9} {a['name']}{tail}"


def _summary(s: dict[str, int], *, planned: bool = False) -> str:
    """``would create 11, patch 0, ...`` for a plan; ``created 11, ...`` for a result."""
    counts = list(s.items())
    work, rest = counts[:-2], counts[-2:]  # the last two (skip, stale) change nothing
    if planned and not any(v for _, v in work):
        head = "nothing would change"
    else:
        head = ", ".join(f"{k} {v}" for k, v in work)
        head = f"would {head}" if planned else head
    return head + "; " + ", ".join(f"{k} {v}" for k, v in rest)
