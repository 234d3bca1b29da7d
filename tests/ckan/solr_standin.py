"""A small in-memory stand-in for the Solr core that CKAN 2.11 talks to.

It answers the requests CKAN makes through pysolr so that dataset and resource
actions work against a real CKAN in tests: ``admin/ping``, ``schema`` (CKAN checks
the schema version at start-up), ``update`` (JSON adds, XML deletes by id or query,
commits) and ``select`` (Lucene-style ``q``/``fq`` with field terms, phrases,
``AND``/``OR``/``NOT``/``+``/``-``, groups, ranges and wildcards; ``rows``, ``start``,
``sort``, ``fl`` and ``facet.field``).

Field types come from CKAN's own schema.xml: string fields match exactly, text fields
match lower-cased words. There is no relevance ranking, stemming, synonyms or dismax
``mm``: searches return the documents that match, in ``sort`` order with ties kept in
insertion order. Search relevance is not what these tests cover.

Run: python solr_standin.py --port 18983 --schema path/to/ckan/config/solr/schema.xml
Standard library only; data lives in memory and is gone when the process stops.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Doc = dict[str, Any]
Pred = Callable[[Doc], bool]


class Schema:
    def __init__(self, path: str) -> None:
        with open(path, "rb") as f:
            self.xml = f.read()
        root = ET.fromstring(self.xml)
        self.name = root.get("name", "")
        self.version = float(root.get("version", "0"))
        self.unique_key = (root.findtext("uniqueKey") or "id").strip()
        types = {t.get("name"): t for t in root.iter("fieldType")}
        self.fields: dict[str, tuple[str, bool, bool]] = {}  # name -> kind, stored, multi
        self.dynamic: list[tuple[str, tuple[str, bool, bool]]] = []
        for tag in ("field", "dynamicField"):
            for f in root.iter(tag):
                t = types.get(f.get("type"), ET.Element("x"))
                cls, tname = t.get("class", ""), t.get("name", "")
                kind = "ngram" if "ngram" in tname else "text" if "TextField" in cls else "str"
                multi = (f.get("multiValued") or t.get("multiValued")) == "true"
                info = (kind, f.get("stored", "true") == "true", multi)
                if tag == "field":
                    self.fields[f.get("name", "")] = info
                else:
                    self.dynamic.append((f.get("name", ""), info))
        self.copies = [(c.get("source", ""), c.get("dest", "")) for c in root.iter("copyField")]

    def info(self, field: str) -> tuple[str, bool, bool]:
        if field in self.fields:
            return self.fields[field]
        for pattern, info in self.dynamic:
            if fnmatch.fnmatchcase(field, pattern):
                return info
        return ("str", False, False)


def words(value: Any) -> list[str]:
    return re.findall(r"\w+", str(value).lower())


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def as_text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


TOKEN = re.compile(
    r"""\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<op>AND\b|OR\b|NOT\b|&&|\|\|)|(?P<prefix>[+\-!])(?=\S)
    |(?P<field>[\w.*]+):|(?P<phrase>"(?:[^"\\]|\\.)*")|(?P<range>[\[{][^\]}]*[\]}])
    |(?P<word>(?:[^\s()"\\]|\\.)+))""",
    re.X,
)


class Query:
    """Recursive-descent parser from a Lucene-style query to a predicate."""

    def __init__(self, schema: Schema, text: str) -> None:
        self.schema = schema
        self.tokens: list[tuple[str, str]] = []
        pos, text = 0, text.strip()
        while pos < len(text):
            m = TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError(f"cannot parse query at {text[pos:]!r}")
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i = 0
        self.pred = self.parse_or("text") if self.tokens else (lambda d: True)
        if self.i != len(self.tokens):
            raise ValueError(f"unexpected {self.tokens[self.i][1]!r} in query {text!r}")

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.i += 1
        return tok

    def parse_or(self, field: str) -> Pred:
        preds = [self.parse_and(field)]
        while self.peek()[1] in ("OR", "||"):
            self.take()
            preds.append(self.parse_and(field))
        return preds[0] if len(preds) == 1 else (lambda d: any(p(d) for p in preds))

    def parse_and(self, field: str) -> Pred:
        # clauses side by side are ANDed: CKAN always sends q.op=AND
        preds = [self.parse_unary(field)]
        while self.peek()[0] not in ("", "rp") and self.peek()[1] not in ("OR", "||"):
            if self.peek()[1] in ("AND", "&&"):
                self.take()
            preds.append(self.parse_unary(field))
        return preds[0] if len(preds) == 1 else (lambda d: all(p(d) for p in preds))

    def parse_unary(self, field: str) -> Pred:
        kind, val = self.peek()
        if kind == "prefix" or val == "NOT":
            self.take()
            if val == "+":
                return self.parse_unary(field)
            inner = self.parse_unary(field)
            return lambda d: not inner(d)
        return self.parse_primary(field)

    def parse_primary(self, field: str) -> Pred:
        kind, val = self.take()
        if kind == "lp":
            pred = self.parse_or(field)
            if self.take()[0] != "rp":
                raise ValueError("missing ')'")
            return pred
        if kind == "field":
            if self.peek()[0] == "lp":
                return self.parse_primary(val)
            kind, value = self.take()
            if kind not in ("phrase", "range", "word"):
                raise ValueError(f"missing value after {val}:")
            return self.term(val, kind, value)
        if kind in ("phrase", "range", "word"):
            return self.term(field, kind, val)
        raise ValueError(f"unexpected {val!r}")

    def term(self, field: str, kind: str, raw: str) -> Pred:
        if field == "*" and raw == "*":
            return lambda d: True
        ftype = self.schema.info(field)[0]
        if kind == "range":
            lo, _, hi = raw[1:-1].partition(" TO ")
            lo, hi = lo.strip().strip('"'), hi.strip().strip('"')
            incl_lo, incl_hi = raw[0] == "[", raw[-1] == "]"

            def in_range(v: Any) -> bool:
                v = as_text(v)
                ok_lo = lo == "*" or (v >= lo if incl_lo else v > lo)
                return ok_lo and (hi == "*" or (v <= hi if incl_hi else v < hi))

            return lambda d: any(in_range(v) for v in as_list(d.get(field, [])))
        value = re.sub(r"\\(.)", r"\1", raw[1:-1] if kind == "phrase" else raw)
        if kind == "word" and value == "*":
            return lambda d: d.get(field) not in (None, [], "")
        if kind == "word" and ("*" in value or "?" in value):
            pat = value.lower() if ftype != "str" else value

            def wild(v: Any) -> bool:
                text = as_text(v)
                return fnmatch.fnmatchcase(text.lower() if ftype != "str" else text, pat)

            return lambda d: any(wild(v) for v in as_list(d.get(field, [])))
        if ftype == "str":
            return lambda d: any(as_text(v) == value for v in as_list(d.get(field, [])))
        wanted = " ".join(words(value))
        if ftype == "ngram":
            return lambda d: any(wanted in " ".join(words(v)) for v in as_list(d.get(field, [])))
        wanted = f" {wanted} "
        return lambda d: any(wanted in f" {' '.join(words(v))} " for v in as_list(d.get(field, [])))


class Core:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.docs: dict[str, Doc] = {}
        self.lock = threading.Lock()

    def add(self, doc: Doc) -> None:
        doc = {k: v for k, v in doc.items() if v is not None}
        for source, dest in self.schema.copies:
            for key in list(doc):
                if key != dest and fnmatch.fnmatchcase(key, source):
                    values = as_list(doc.get(dest, [])) + as_list(doc[key])
                    single = not self.schema.info(dest)[2] and len(values) == 1
                    doc[dest] = values[0] if single else values
        with self.lock:
            self.docs[str(doc[self.schema.unique_key])] = doc

    def delete(self, pred: Pred) -> None:
        with self.lock:
            for key in [k for k, d in self.docs.items() if pred(d)]:
                del self.docs[key]

    def select(self, params: dict[str, list[str]]) -> dict[str, Any]:
        one = {k: v[-1] for k, v in params.items()}
        preds = [Query(self.schema, one.get("q") or "*:*").pred]
        preds += [Query(self.schema, fq).pred for fq in params.get("fq", []) if fq.strip()]
        with self.lock:
            hits = [d for d in self.docs.values() if all(p(d) for p in preds)]
        for spec in reversed([s.split() for s in one.get("sort", "").split(",") if s.strip()]):
            field, desc = spec[0], len(spec) > 1 and spec[1].lower() == "desc"
            if field == "score":
                continue
            present = [d for d in hits if d.get(field) not in (None, [])]
            present.sort(key=lambda d, f=field: as_text(as_list(d[f])[0]), reverse=desc)
            hits = present + [d for d in hits if d.get(field) in (None, [])]
        start, rows = int(one.get("start", 0)), int(one.get("rows", 10))
        fl = [f for f in re.split(r"[\s,]+", one.get("fl", "*")) if f and f != "score"]
        docs = [self.project(d, fl) for d in hits[start : start + max(rows, 0)]]
        body: dict[str, Any] = {
            "responseHeader": {"status": 0, "QTime": 0, "params": one},
            "response": {"numFound": len(hits), "start": start, "docs": docs},
        }
        if one.get("facet", "false").lower() == "true":
            body["facet_counts"] = {
                "facet_queries": {},
                "facet_fields": {
                    f: self.facet(hits, f, one) for f in params.get("facet.field", [])
                },
            }
        return body

    def project(self, doc: Doc, fl: list[str]) -> Doc:
        out = {}
        for key, value in doc.items():
            _kind, stored, multi = self.schema.info(key)
            if stored and ("*" in fl or key in fl):
                out[key] = as_list(value) if multi else value
        return out

    def facet(self, hits: list[Doc], field: str, one: dict[str, str]) -> list[Any]:
        counts: dict[str, int] = {}
        for doc in hits:
            for v in set(map(as_text, as_list(doc.get(field, [])))):
                counts[v] = counts.get(v, 0) + 1
        mincount, limit = int(one.get("facet.mincount", 1)), int(one.get("facet.limit", 100))
        items = sorted(
            ((v, n) for v, n in counts.items() if n >= mincount), key=lambda x: (-x[1], x[0])
        )
        flat: list[Any] = []
        for v, n in items if limit < 0 else items[:limit]:
            flat += [v, n]
        return flat


class Handler(BaseHTTPRequestHandler):
    server_version = "solr-standin/1"
    cores: dict[str, Core] = {}
    schema: Schema

    def do_GET(self) -> None:
        self.handle_request(b"")

    def do_POST(self) -> None:
        self.handle_request(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def handle_request(self, body: bytes) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        ctype = self.headers.get("Content-Type", "")
        if body and ctype.startswith("application/x-www-form-urlencoded"):
            params.update(parse_qs(body.decode(), keep_blank_values=True))
        parts = [p for p in url.path.split("/") if p]
        if len(parts) < 3 or parts[0] != "solr":
            return self.reply(404, {"error": {"msg": f"no handler for {url.path}", "code": 404}})
        if parts[1] not in self.cores:
            self.cores.setdefault(parts[1], Core(self.schema))
        core = self.cores[parts[1]]
        action, schema = "/".join(parts[2:]), self.schema
        try:
            if action == "admin/ping":
                self.reply(200, {"responseHeader": {"status": 0}, "status": "OK"})
            elif action == "admin/file" or (
                action == "schema" and "schema.xml" in params.get("wt", [])
            ):
                self.reply(200, schema.xml, "application/xml; charset=utf-8")
            elif action == "schema":
                info = {
                    "name": schema.name,
                    "version": schema.version,
                    "uniqueKey": schema.unique_key,
                }
                self.reply(200, {"responseHeader": {"status": 0}, "schema": info})
            elif action in ("schema/name", "schema/version", "schema/uniquekey"):
                key = {"name": "name", "version": "version", "uniquekey": "uniqueKey"}[parts[-1]]
                value = {"name": schema.name, "version": schema.version}.get(key, schema.unique_key)
                self.reply(200, {"responseHeader": {"status": 0}, key: value})
            elif action == "select":
                self.reply(200, core.select(params))
            elif action == "update":
                self.update(core, body, ctype)
                self.reply(200, {"responseHeader": {"status": 0, "QTime": 0}})
            else:
                self.reply(404, {"error": {"msg": f"no handler for {url.path}", "code": 404}})
        except (ValueError, KeyError, ET.ParseError) as exc:
            self.reply(
                400, {"responseHeader": {"status": 400}, "error": {"msg": str(exc), "code": 400}}
            )

    def update(self, core: Core, body: bytes, ctype: str) -> None:
        if not body.strip():
            return
        if "json" in ctype or body.lstrip()[:1] in (b"[", b"{"):
            message = json.loads(body)
            adds = message if isinstance(message, list) else as_list(message.get("add", []))
            for doc in adds:
                core.add(doc["doc"] if isinstance(doc.get("doc"), dict) else doc)
            return
        root = ET.fromstring(body)
        if root.tag == "delete":
            for el in root:
                if el.tag == "id":
                    key = (el.text or "").strip()
                    core.delete(lambda d, k=key: str(d.get(self.schema.unique_key)) == k)
                elif el.tag == "query":
                    core.delete(Query(self.schema, el.text or "").pred)
        elif root.tag not in ("commit", "optimize", "rollback"):
            raise ValueError(f"unsupported update message <{root.tag}>")

    def reply(self, status: int, body: Any, ctype: str = "application/json; charset=utf-8") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def default_schema() -> str:
    import os

    import ckan  # type: ignore[import-not-found]

    return os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=18983)
    ap.add_argument("--schema", help="CKAN's schema.xml (default: the installed ckan package's)")
    args = ap.parse_args(argv)
    Handler.schema = Schema(args.schema or default_schema())
    ThreadingHTTPServer.request_queue_size = 64  # many CKAN threads may ask at once
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(
        f"solr stand-in ({Handler.schema.name}) on http://{args.host}:{args.port}/solr/<core>",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
