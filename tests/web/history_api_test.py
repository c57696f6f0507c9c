#!/usr/bin/env python3
"""The history routes of the real `vedetta server -i FILE.pcap --history-days 0`:
once the replay ended and its flows left the live model, the history holds
as many flows as the live table showed, top-N, a series and a drill-down
answer consistently, a bad parameter is a 400 naming it, and the status
shows the writer's counters. The pcap's flows are years old (hence
--history-days 0 and an explicit range). One past flow's details
(/history/flows/UID) agree with its row; ntop's 2014 flow message with
sysdig's process fields, sent to a collecting server, comes back with its
processes in full.

usage: history_api_test.py --vedetta BUILD/vedetta --pcap FILE.pcap
           --sender BUILD/tests/collect/vedetta_test_zmq_send --fixtures ../shared/fixtures
"""
import argparse
import os
import subprocess
import sys
import tempfile
import urllib.parse

from web_support import Api, check, failures, free_port, running_server, wait_for

PASSWORD = "history-test-password"

EVER = "from=0&to=4000000000"


def check_details(api, port, flows):
    """/history/flows/UID of listed flows: the row and more; bad uids refused."""
    for row in (flows[0], flows[len(flows) // 2], flows[-1]):
        status, f = api.get(f"/api/v1/history/flows/{row['uid']}")
        if not check(status == 200, f"details of flow {row['uid']} ({status} {f if status != 200 else ''})"):
            continue
        same = {k: (v, f.get(k)) for k, v in row.items()
                if k not in ("client", "server") and f.get(k) != v}
        for end in ("client", "server"):
            same.update({f"{end}.{k}": (v, f[end].get(k)) for k, v in row[end].items()
                         if k != "process" and f[end].get(k) != v})
            if (row[end]["process"] is None) != (f[end]["process"] is None):
                same[f"{end}.process"] = (row[end]["process"], f[end]["process"])
        check(not same, f"flow {row['uid']}: the details agree with the row (differences: {same})")
        check((f["tcp"] is not None) == (row["l4"] == "TCP"), f"tcp health only for TCP ({row['l4']})")
        check(f["fields"].get("L4_SRC_PORT") in (row["client"]["port"], row["server"]["port"]),
              f"fields: the stored record by element name ({list(f['fields'])[:8]})")
    status, body = api.get("/api/v1/history/flows/12345")
    check(status == 404 and "no flow 12345" in body.get("error", ""),
          f"an unknown uid: 404 saying so ({status} {body})")
    for bad in ("abc", "-1", "1e5", "99999999999999999999999"):
        status, body = api.get(f"/api/v1/history/flows/{bad}")
        check(status == 400 and body.get("error", "").startswith("history: flow uid"),
              f"uid {bad}: 400 naming it ({status} {body})")
    check(Api(port).get(f"/api/v1/history/flows/{flows[0]['uid']}")[0] == 401,
          "no flow details without logging in")


# ntop-2014-flow.json by PROCESS_DETAIL: (client, server).
FIXTURE_PROCESSES = (
    {"pid": 1634, "name": "consumer", "user": "deri", "parent": {"pid": 1632, "name": "dash"},
     "memory_actual_kb": 655064, "memory_peak_kb": 655072, "average_cpu_load_pct": 0.23,
     "page_faults": 0, "key": "1634@127.0.0.1"},
    {"pid": 5357, "name": "ntopng", "user": "nobody", "parent": {"pid": 4708, "name": "bash"},
     "memory_actual_kb": 2208288, "memory_peak_kb": 2283140, "average_cpu_load_pct": 2.57,
     "page_faults": 0, "key": "5357@127.0.0.1"})


def check_process_details(args, data):
    """A collected flow with both ends' processes: details in full."""
    fixture = os.path.join(args.fixtures, "ntop-2014-flow.json")
    if not check(os.path.exists(fixture), f"{fixture} exists"):
        return
    zmq_port = free_port()
    with running_server(args.vedetta, data, PASSWORD, "-i", f"tcp://127.0.0.1:{zmq_port}c",
                        "--merge-wait", "0", "--history-days", "0") as port:
        if not check(port, "the collecting server listens"):
            return
        api = Api(port)
        api.call("POST", "/api/v1/login", {"user": "admin", "password": PASSWORD})
        sent = subprocess.run([args.sender, f"tcp://127.0.0.1:{zmq_port}", "v2", "json", fixture],
                              capture_output=True, text=True, timeout=20)
        check(sent.returncode == 0, f"sent ntop's 2014 flow ({sent.stderr.strip()})")
        listed = lambda: api.get(f"/api/v1/history/flows?{EVER}")[1].get("flows", [])
        wait_for(lambda: len(listed()) == 1, 20)
        rows = listed()
        if not check(len(rows) == 1, f"the flow reached the history ({len(rows)} flows)"):
            return
        status, f = api.get(f"/api/v1/history/flows/{rows[0]['uid']}")
        for end, want in zip(("client", "server"), FIXTURE_PROCESSES):
            got = (f.get(end) or {}).get("process") or {}
            wrong = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v}
            check(status == 200 and not wrong, f"{end} process in full (differences: {wrong})")
            summary = rows[0][end]["process"]
            check({k: summary[k] for k in ("pid", "name", "user", "parent")} ==
                  {k: got.get(k) for k in ("pid", "name", "user", "parent")},
                  f"{end} process: the row's summary agrees")
        check(f.get("tcp", {}).get("flags") == "AP" and f.get("observations") == 1,
              f"TCP flags of the record (24: AP) and one observation ({f.get('tcp')})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--sender", required=True)
    ap.add_argument("--fixtures", required=True)
    args = ap.parse_args()
    if not os.path.exists(args.pcap):
        print(f"SKIP: {args.pcap} missing")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        with running_server(args.vedetta, data, PASSWORD, "-i", args.pcap,
                            "--history-days", "0") as port:
            if not check(port, "the server listens"):
                return 1
            api = Api(port)
            check(api.get(f"/api/v1/history/flows?{EVER}")[0] == 401,
                  "no history without logging in")
            status, body = api.call("POST", "/api/v1/login",
                                    {"user": "admin", "password": PASSWORD})
            check(status == 200, f"login ({status})")

            # A replayed file's flows are output (and written) once the replay ended.
            live_total = lambda: api.get("/api/v1/flows?limit=1")[1].get("total", 0)
            hist_total = lambda: api.get(f"/api/v1/history/flows?{EVER}&limit=1")[1].get("total", 0)
            wait_for(lambda: live_total() > 0 and hist_total() == live_total(), 30)
            live = live_total()
            status, page = api.get(f"/api/v1/history/flows?{EVER}&limit=1000")
            check(status == 200 and live > 0 and page["total"] == live,
                  f"history flows total equals the live count ({page.get('total')} vs {live})")
            st = api.get("/api/v1/status")[1].get("history", {})
            check(st.get("enabled") and st.get("written") == live and st.get("dropped") == 0 and
                  st.get("failures") == 0 and "last_error" in st,
                  f"status shows the writer's counters ({st})")

            flows = page["flows"]
            got = [f["bytes"]["total"] for f in flows]
            check(got == sorted(got, reverse=True), "sorted by bytes, largest first")
            status, paged = api.get(f"/api/v1/history/flows?{EVER}&limit=5&offset=5")
            check([f["uid"] for f in paged["flows"]] == [f["uid"] for f in flows[5:10]],
                  "paging: offset 5, limit 5 is the second five")
            status, top = api.get(f"/api/v1/history/top?{EVER}&by=application&limit=1000")
            check(status == 200 and sum(i["flows"] for i in top["items"]) == live,
                  "top by application counts every flow once")

            first = min(f["first_seen"] for f in flows)
            last = max(f["last_seen"] for f in flows)
            frm, to = int(first) // 60 * 60, int(last) // 60 * 60 + 60
            iface = urllib.parse.quote(flows[0]["interface"], safe="")
            status, series = api.get(f"/api/v1/history/timeseries?kind=interface&key={iface}"
                                     f"&from={frm}&to={to}&bucket=60")
            points = series.get("points", [])
            check(status == 200 and sum(p[3] for p in points) == live,
                  f"the interface's series counts every flow's start ({len(points)} points)")
            busy = max(points, key=lambda p: p[3])
            status, drill = api.get(f"/api/v1/history/drilldown?kind=interface&key={iface}"
                                    f"&t={busy[0]}&bucket=60&limit=1000")
            check(status == 200 and drill["total"] >= busy[3] > 0,
                  f"drill-down into the busiest minute gives its flows ({drill.get('total')})")

            check_details(api, port, flows)

            for path in ("/api/v1/history/flows?sort=foo", "/api/v1/history/top?by=foo",
                         "/api/v1/history/timeseries?kind=interface&key=x&bucket=61",
                         "/api/v1/history/flows?from=abc"):
                status, body = api.get(path)
                check(status == 400 and body.get("error", "").startswith("history: "),
                      f"{path}: 400 naming the parameter ({status} {body})")

        # --no-history: the routes say so.
        with running_server(args.vedetta, data, PASSWORD, "-i", args.pcap,
                            "--no-history") as port:
            api = Api(port)
            api.call("POST", "/api/v1/login", {"user": "admin", "password": PASSWORD})
            for path in (f"/api/v1/history/flows?{EVER}", "/api/v1/history/flows/12345"):
                status, body = api.get(path)
                check(status == 503 and "no-history" in body.get("error", ""),
                      f"--no-history: {path}: 503 saying so ({status} {body})")
            st = api.get("/api/v1/status")[1].get("history", {})
            check(st.get("enabled") is False, f"--no-history: status says history is off ({st})")
        check_process_details(args, os.path.join(tmp, "collector"))
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
