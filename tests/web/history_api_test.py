#!/usr/bin/env python3
"""The history routes of the real `vedetta server -i FILE.pcap --history-days 0`:
once the replay ended and its flows left the live model, the history holds
as many flows as the live table showed, top-N, a series and a drill-down
answer consistently, a bad parameter is a 400 naming it, and the status
shows the writer's counters. The pcap's flows are years old (hence
--history-days 0 and an explicit range).

usage: history_api_test.py --vedetta BUILD/vedetta --pcap FILE.pcap
"""
import argparse
import os
import sys
import tempfile
import urllib.parse

from web_support import Api, check, failures, running_server, wait_for

PASSWORD = "history-test-password"

EVER = "from=0&to=4000000000"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("--pcap", required=True)
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
            status, body = api.get(f"/api/v1/history/flows?{EVER}")
            check(status == 503 and "no-history" in body.get("error", ""),
                  f"--no-history: 503 saying so ({status} {body})")
            st = api.get("/api/v1/status")[1].get("history", {})
            check(st.get("enabled") is False, f"--no-history: status says history is off ({st})")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
