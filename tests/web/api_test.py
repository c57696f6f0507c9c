#!/usr/bin/env python3
"""The REST API of the real `vedetta server -i FILE.pcap` against
`vedetta probe -i FILE.pcap --json`: the same flows and bytes, filters,
sorting and paging, errors (404, 400) and the login in front of it all.

usage: api_test.py --vedetta BUILD/vedetta --pcap FILE.pcap
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

from web_support import Api, check, failures, running_server, wait_for


def probe_flows(vedetta, pcap):
    """Per flow (by FLOW_ID): its tuple, bytes summed over its records, L4."""
    out = subprocess.run([vedetta, "probe", "-i", pcap, "--json", "-", "-q"], check=True,
                         capture_output=True, text=True).stdout
    flows = {}
    for line in out.splitlines():
        r = json.loads(line)
        f = flows.setdefault(r["FLOW_ID"], {"bytes": 0, "proto": r["PROTOCOL"], "tuple": None})
        f["bytes"] += r.get("IN_BYTES", 0) + r.get("OUT_BYTES", 0)
        src = r.get("IPV4_SRC_ADDR", r.get("IPV6_SRC_ADDR"))
        dst = r.get("IPV4_DST_ADDR", r.get("IPV6_DST_ADDR"))
        f["tuple"] = (src, r.get("L4_SRC_PORT", 0), dst, r.get("L4_DST_PORT", 0), r["PROTOCOL"])
    return list(flows.values())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("--pcap", required=True)
    args = ap.parse_args()
    if not os.path.exists(args.pcap):
        print(f"SKIP: {args.pcap} missing")
        return 77
    expected = probe_flows(args.vedetta, args.pcap)
    check(len(expected) > 5, f"the probe finds flows in {args.pcap} ({len(expected)})")

    with tempfile.TemporaryDirectory() as tmp, running_server(
            args.vedetta, os.path.join(tmp, "data"), "api-test-password", "-i", args.pcap) as port:
        if not check(port, "the server listens"):
            return 1
        api = Api(port)
        status, body = api.get("/api/v1/flows")
        check(status == 401, f"no flows without logging in ({status})")
        status, body = api.call("POST", "/api/v1/login",
                                {"user": "admin", "password": "api-test-password"})
        check(status == 200 and body["role"] == "admin", f"login ({status})")
        api.csrf = body.get("csrf_token")

        # The file is replayed at once; its flows stay until the server stops.
        total = lambda: api.get("/api/v1/flows?limit=1")[1].get("total", 0)
        wait_for(lambda: total() == len(expected), 30)
        status, page = api.get("/api/v1/flows?limit=1000")
        check(page["total"] == len(expected),
              f"flow count equals the probe's ({page['total']} vs {len(expected)})")
        got = sorted(f["bytes"]["total"] for f in page["flows"])
        check(got == sorted(f["bytes"] for f in expected), "every flow's bytes equal the probe's")

        top = page["flows"][0]
        check(top["bytes"]["total"] == max(f["bytes"] for f in expected),
              "sorted by bytes, largest first")
        status, detail = api.get(f"/api/v1/flows/{top['id']}")
        check(status == 200 and detail["bytes"] == top["bytes"], "one flow's details")
        fields = detail.get("fields", {})
        src = fields.get("IPV4_SRC_ADDR", fields.get("IPV6_SRC_ADDR"))
        dst = fields.get("IPV4_DST_ADDR", fields.get("IPV6_DST_ADDR"))
        tuple_ = (src, fields.get("L4_SRC_PORT", 0), dst, fields.get("L4_DST_PORT", 0),
                  fields.get("PROTOCOL"))
        same = [f for f in expected if f["tuple"] == tuple_]
        check(len(same) >= 1 and detail["bytes"]["total"] in [f["bytes"] for f in same],
              f"its tuple and bytes are a flow of the probe ({tuple_})")

        udp = sum(1 for f in expected if f["proto"] == 17)
        check(api.get("/api/v1/flows?l4=UDP")[1]["total"] == udp, f"l4=UDP filter ({udp})")
        check(api.get("/api/v1/flows?l4=6")[1]["total"] ==
              sum(1 for f in expected if f["proto"] == 6), "l4=6 filter")
        host = top["client"]["ip"]
        with_host = sum(1 for f in expected if host in (f["tuple"][0], f["tuple"][2]))
        check(api.get(f"/api/v1/flows?host={host}")[1]["total"] == with_host,
              f"host filter ({host}: {with_host})")

        ordered = [f["id"] for f in page["flows"]]
        status, paged = api.get("/api/v1/flows?limit=5&offset=5")
        check([f["id"] for f in paged["flows"]] == ordered[5:10] and
              paged["total"] == len(expected) and paged["offset"] == 5 and paged["limit"] == 5,
              "paging: offset 5, limit 5 is the second five")
        status, asc = api.get("/api/v1/flows?sort=bytes&order=asc&limit=1000")
        check([f["bytes"]["total"] for f in asc["flows"]] == sorted(got), "order=asc")

        status, body = api.get("/api/v1/flows/999999999")
        check(status == 404 and "error" in body, f"unknown flow id: 404 ({status})")
        status, body = api.get("/api/v1/flows?sort=foo")
        check(status == 400 and "sort" in body.get("error", ""),
              f"bad sort: 400 naming it ({status} {body})")
        status, body = api.get("/api/v1/flows?limit=abc")
        check(status == 400 and "limit" in body.get("error", ""), f"bad limit: 400 ({status})")

        status, ifaces = api.get("/api/v1/interfaces")
        iface = ifaces["interfaces"][0] if status == 200 and ifaces["interfaces"] else {}
        check(iface.get("kind") == "file" and iface.get("bytes") == sum(got),
              "the interface counts the file's bytes")
        status, hosts = api.get("/api/v1/hosts?limit=1000")
        check(status == 200 and hosts["total"] > 0, "hosts answer")
        status, one = api.get(f"/api/v1/hosts/{host}")
        check(status == 200 and one["ip"] == host, "one host")
        check(api.get("/api/v1/hosts/203.0.113.250")[0] == 404, "unknown host: 404")
        for path in ("/api/v1/dashboard", "/api/v1/status", "/api/v1/graph",
                     "/api/v1/processes", "/api/v1/timeseries?kind=interface&key=" +
                     urllib.request.quote(args.pcap, safe="")):
            check(api.get(path)[0] == 200, f"{path} answers")
        status, body = api.call("POST", "/api/v1/logout")
        check(status == 200 and api.get("/api/v1/flows")[0] == 401, "logout ends the session")

    # --keep-finished bounds the finished flows the pages keep: the newest stay.
    keep = min(5, len(expected) - 1)
    with tempfile.TemporaryDirectory() as tmp, running_server(
            args.vedetta, os.path.join(tmp, "data"), "api-test-password", "-i", args.pcap,
            "--keep-finished", str(keep), "--no-history") as port:
        if not check(port, "the server with --keep-finished listens"):
            return 1
        api = Api(port)
        status, body = api.call("POST", "/api/v1/login",
                                {"user": "admin", "password": "api-test-password"})
        api.csrf = body.get("csrf_token")
        done = lambda: api.get("/api/v1/interfaces")[1]["interfaces"][0].get("bytes") == sum(got)
        check(wait_for(done, 30), "the file is read")
        wait_for(lambda: api.get("/api/v1/flows?limit=1")[1].get("total") == keep, 10)
        status, page = api.get("/api/v1/flows?limit=1000")
        check(page["total"] == keep and not any(f["active"] for f in page["flows"]),
              f"--keep-finished {keep}: {keep} finished flows kept ({page['total']})")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
