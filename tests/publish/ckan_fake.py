"""An in-memory CKAN action API with the behaviours seen on CKAN 2.11.

Used where the real portal cannot go: making a run fail at every single call,
before or after the portal acted on it. The behaviours copied (upload address
from the file name, ``size`` set on upload, unknown resource fields kept,
``package_patch`` keeping resources) are the ones docs/ckan-test-stack.md
records from the real stack, and test_ckan_live.py checks the same scenarios
against it. The DataStore part (:class:`FakeDataStore`) copies what the real
one does with the calls statpub makes: the read-only check on uploads unless
``force``, existing columns keeping their type, ``json`` reported as
``nested`` by datastore_info, values returned as datastore_search returns them.
"""

from __future__ import annotations

import copy
from typing import Any, BinaryIO

from ckan_datastore_fake import FakeDataStore

from statpub.errors import StatpubError
from statpub.publish.datastore import no_datastore


class Cut(StatpubError):
    """The connection dropped: raised where Portal raises portal-unreachable."""

    def __init__(self, action: str) -> None:
        super().__init__(f"{action}: connection dropped (injected)", code="portal-unreachable")


class FakeCKAN(FakeDataStore):
    url = "http://ckan.invalid"
    token_env = "CKAN_API_TOKEN"

    def __init__(
        self, org: str = "statpub-test", *, signed_in: bool = True, datastore: bool = True
    ) -> None:
        super().__init__(datastore=datastore)
        self.signed_in = signed_in
        self.org = {"id": "org-0001", "name": org}
        self.allowed = [self.org]
        self.datasets: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.calls: list[str] = []
        self.upload_calls: list[int] = []  # indices in self.calls of the calls sending a file
        self.fail_at: int | None = None  # index in self.calls of the call that fails
        self.fail_after = False  # True: the portal acts, then the answer is lost
        # True: the failing call saves the resource's fields but not its file, as a
        # portal that stores files after its database commit does when it dies between
        self.lose_file = False
        self._ids = 0
        self._losing = False

    # the part of Portal's interface that read_portal and apply use
    def call(
        self,
        action: str,
        data: dict[str, Any] | None = None,
        *,
        upload: tuple[str, BinaryIO] | None = None,
        missing_ok: bool = False,
        check: Any = None,  # the fake fails for good: nothing is retried
        idempotent: bool | None = None,
    ) -> Any:
        index = len(self.calls)
        self.calls.append(action)
        failing = index == self.fail_at
        content = None
        if upload is not None:
            self.upload_calls.append(index)
            content = (upload[0], upload[1].read())
        self._losing = failing and self.lose_file and content is not None
        if failing and not self.fail_after and not self._losing:
            raise Cut(action)
        handler = getattr(self, "_" + action, None)
        if handler is None:  # what Portal makes of CKAN's "Action name not known"
            if action.startswith("datastore_"):
                raise no_datastore(self.url)
            raise StatpubError(f"{action} failed on the portal: HTTP 400", code="portal-error")
        try:
            result = handler(copy.deepcopy(data or {}), content)
        except KeyError:
            if not missing_ok:
                raise StatpubError(f"{action}: not found", code="portal-error") from None
            result = None
        if failing:
            raise Cut(action)
        return copy.deepcopy(result)

    def refused(self, action: str, detail: str = "") -> StatpubError:
        return StatpubError(f"{action}: refused {detail}", code="portal-auth")

    def close(self) -> None:
        pass

    # helpers for assertions
    def dataset(self, name: str) -> dict[str, Any]:
        return self._package_show({"id": name}, None)

    def writes(self) -> list[str]:
        reads = {
            "organization_show", "organization_list_for_user", "package_show", "license_list",
            "status_show", "datastore_info", "datastore_search", "scheming_dataset_schema_show",
        }  # fmt: skip
        return [c for c in self.calls if c not in reads]

    # actions
    def _new_id(self, kind: str) -> str:
        self._ids += 1
        return f"{kind}-{self._ids:04d}"

    def _find(self, ref: str) -> dict[str, Any]:
        for d in self.datasets.values():
            if ref in (d["id"], d["name"]):
                return d
        raise KeyError(ref)

    def _resource(self, rid: str) -> tuple[dict[str, Any], dict[str, Any]]:
        for d in self.datasets.values():
            for r in d["resources"]:
                if r["id"] == rid:
                    return d, r
        raise KeyError(rid)

    def _status_show(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        return {"ckan_version": "2.11.6", "extensions": self.extensions()}

    def _organization_show(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        if data["id"] not in (self.org["id"], self.org["name"]):
            raise KeyError(data["id"])
        return dict(self.org)

    def _organization_list_for_user(self, data: dict[str, Any], _: Any) -> list[dict[str, Any]]:
        return list(self.allowed) if self.signed_in else []

    def _license_list(self, data: dict[str, Any], _: Any) -> list[dict[str, Any]]:
        return [
            {"id": "cc-by", "url": "http://www.opendefinition.org/licenses/cc-by"},
            {"id": "odc-odbl", "url": "http://www.opendefinition.org/licenses/odc-odbl"},
        ]

    def _package_show(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        d = copy.deepcopy(self._find(data["id"]))
        d["resources"].sort(key=lambda r: r["position"])
        return d

    def _package_create(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        if any(d["name"] == data["name"] for d in self.datasets.values()):
            raise StatpubError("package_create: That URL is already in use.", code="portal-error")
        d = {**data, "id": self._new_id("pkg"), "state": "active", "resources": []}
        self.datasets[d["id"]] = d
        return d

    def _package_patch(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        d = self._find(data.pop("id"))
        d.update(data)
        return d

    def _package_resource_reorder(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        d = self._find(data["id"])
        rank = {rid: i for i, rid in enumerate(data["order"])}
        d["resources"].sort(key=lambda r: rank.get(r["id"], len(rank)))
        for i, r in enumerate(d["resources"]):
            r["position"] = i
        return {"id": d["id"], "order": data["order"]}

    def _resource_create(self, data: dict[str, Any], upload: Any) -> dict[str, Any]:
        d = self._find(data.pop("package_id"))
        r = {**data, "id": self._new_id("res"), "position": len(d["resources"])}
        r["package_id"] = d["id"]
        d["resources"].append(r)
        self._store(d, r, upload)
        return r

    def _resource_patch(self, data: dict[str, Any], upload: Any) -> dict[str, Any]:
        d, r = self._resource(data.pop("id"))
        r.update(data)
        self._store(d, r, upload)
        return r

    def _resource_delete(self, data: dict[str, Any], _: Any) -> None:
        d, r = self._resource(data["id"])
        d["resources"].remove(r)
        for i, other in enumerate(sorted(d["resources"], key=lambda x: x["position"])):
            other["position"] = i
        self.files.pop(r["id"], None)
        self.tables.pop(r["id"], None)  # as the datastore plugin does

    def _store(self, d: dict[str, Any], r: dict[str, Any], upload: Any) -> None:
        if upload is None:
            return
        filename, content = upload
        if not self._losing:  # the size is recorded from the request, before the file
            self.files[r["id"]] = content
        r["url_type"] = "upload"
        r["size"] = len(content)
        r["url"] = f"{self.url}/dataset/{d['id']}/resource/{r['id']}/download/{filename.lower()}"
