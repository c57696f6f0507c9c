#!/usr/bin/env python3
"""Every route docs/api.md names is closed to callers without a valid
session, token or password — only `POST /api/v1/login` answers them — and
the routes the docs reserve for admins refuse a viewer. The routes are read
from docs/api.md itself, so a route added to the docs is checked too.

usage: api_auth_test.py --vedetta BUILD/vedetta --pcap FILE.pcap --docs docs/api.md
"""
import argparse
import base64
import os
import re
import sys
import tempfile

from web_support import Api, check, failures, running_server

PLACEHOLDERS = {"{id}": "1", "{uid}": "1", "{ip}": "10.0.0.1", "{key}": "1@10.0.0.1", "{user}": "admin",
                "{name}": "grafana"}


def documented_routes(docs):
    """(method, path, role column or None) for each route the docs name."""
    text = open(docs).read()
    routes = {}
    for m in re.finditer(r"`(GET|POST|PUT|DELETE) (/api/v1/[^`\s?\[]*)", text):
        routes.setdefault((m.group(1), m.group(2)), None)
    for m in re.finditer(r"^\| `(GET|POST|PUT|DELETE) (/api/v1/[^`]*)` \| ([^|]+) \|", text, re.M):
        routes[(m.group(1), m.group(2))] = m.group(3).strip()
    out = []
    for (method, path), role in sorted(routes.items()):
        for k, v in PLACEHOLDERS.items():
            path = path.replace(k, v)
        out.append((method, path, role))
    return out


def with_header(api, name, value):
    """A copy of `api` that sends one more header on every call."""
    original = api.opener.open

    def open_with(req, *a, **kw):
        req.add_header(name, value)
        return original(req, *a, **kw)

    api.opener.open = open_with
    return api


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--docs", required=True)
    args = ap.parse_args()
    if not os.path.exists(args.pcap):
        print(f"SKIP: {args.pcap} missing")
        return 77
    routes = documented_routes(args.docs)
    check(len(routes) >= 20, f"docs/api.md names {len(routes)} routes")
    with tempfile.TemporaryDirectory() as tmp, running_server(
            args.vedetta, os.path.join(tmp, "data"), "auth-test-password", "-i", args.pcap) as port:
        if not check(port, "the server listens"):
            return 1
        callers = {
            "nobody": Api(port),
            "a made-up token": with_header(Api(port), "Authorization", "Bearer x" * 8),
            "a forged cookie": with_header(Api(port), "Cookie", "vedetta_session=forged"),
        }
        for method, path, _ in routes:
            if (method, path) == ("POST", "/api/v1/login"):
                continue
            for who, api in callers.items():
                status, body = api.call(method, path, {} if method != "GET" else None)
                check(status == 401 and set(body or {}) == {"error"},
                      f"{method} {path} with {who}: 401 and nothing else ({status})")
        # A wrong password is refused too; a few only, since failures from
        # one address are throttled (429) after five, which would lock out
        # the admin's own calls below.
        wrong = with_header(Api(port), "Authorization", basic("admin", "wrong-password"))
        for path in ("/api/v1/flows", "/api/v1/users"):
            status, body = wrong.get(path)
            check(status == 401 and set(body or {}) == {"error"},
                  f"GET {path} with a wrong password: 401 and nothing else ({status})")

        admin = with_header(Api(port), "Authorization", basic("admin", "auth-test-password"))
        status, _ = admin.call("POST", "/api/v1/users",
                               {"user": "vera", "password": "viewer-password", "role": "viewer"})
        check(status == 200, f"the admin creates a viewer ({status})")
        viewer = with_header(Api(port), "Authorization", basic("vera", "viewer-password"))
        check(viewer.get("/api/v1/flows")[0] == 200, "the viewer reads flows")
        for method, path, role in routes:
            if role != "admin":
                continue
            status, _ = viewer.call(method, path.replace("/admin", "/vera"),
                                    {"user": "x", "password": "long-enough-1",
                                     "role": "admin"} if method != "GET" else None)
            check(status == 403, f"{method} {path}: admins only, the viewer gets 403 ({status})")
        status, body = admin.get("/api/v1/users")
        check(status == 200 and sorted(u["user"] for u in body["users"]) == ["admin", "vera"],
              "nothing the viewer tried changed the users")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
