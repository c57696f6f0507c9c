#!/usr/bin/env python3
"""NetFlow v9 / IPFIX interop of vedetta with real peers, over loopback UDP.

    netflow_interop_test.py --vedetta PATH --listen PATH --corpus DIR CASE

Cases (one ctest test each, see CMakeLists.txt):
  tshark_v9, tshark_ipfix   tshark (`-d udp.port==PORT,cflow`) decodes what
                            `vedetta probe --netflow/--ipfix` sends: one record
                            per exported flow, with its ports, addresses, byte
                            counts and ntop's L7 fields (PEN 35632 118/119)
  nfdump_v9, nfdump_ipfix   nfcapd collects vedetta's export; `nfdump -r` lists
                            as many flows as vedetta exported, with its bytes
                            and packets
  softflowd_v9              vedetta's collector input takes softflowd's NetFlow
                            v9 of a pcap replay: as many flows as softflowd
                            says it exported, no sequence gap, nothing refused
  collector_roundtrip       vedetta probe → vedetta's collector input (v9 and
                            IPFIX at once): every flow comes back with the
                            values the probe's JSON shows
  bad_options               clear errors for bad --netflow/--ipfix/-i values;
                            no collector listening: refused datagrams counted
  live_processes            (root, eBPF) a connection on lo: tshark shows the
                            client and server processes (ntop's SRC/DST_PROC
                            fields) in v9 and IPFIX; the collector input gets
                            the command line cut to 128 bytes in v9, whole in
                            IPFIX

The collector input is driven by vedetta_netflow_listen (tests/collect), which
opens it through the same factory `vedetta server -i` uses.
Exit 0 = pass, 1 = fail, 77 = skipped (a tool is missing; with CI=true that is
a failure instead).
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
# android.pcap: IPv4 and IPv6 flows, TLS/HTTP/DNS (63 flows); WebattackRCE.pcap: ~800 HTTP
# flows, exported in one burst at the end of the file (a test of the receive buffers).
PCAPS = ["android.pcap", "WebattackRCE.pcap"]
# Wireshark ignores templates of more than 60 fields by default; with the
# process fields vedetta's have about 80.
TSHARK_MAX_FIELDS = "cflow.max_template_fields:200"


class Skip(Exception):
    pass


class Failed(Exception):
    pass


def need_tool(name):
    path = shutil.which(name)
    if not path:
        raise Skip(f"{name} is not installed (Debian package: "
                   f"{ {'tshark': 'tshark', 'nfcapd': 'nfdump', 'nfdump': 'nfdump', 'softflowd': 'softflowd'}[name] })")
    return path


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        raise Failed(what)


class UdpToPcap:
    """Receives datagrams on a loopback port and keeps them, to write them as
    a pcap (raw IPv4 + UDP headers) that tshark reads: no live capture, so
    no capture buffer can lose any."""

    def __init__(self, port):
        self.port = port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 20)
        self.sock.bind(("127.0.0.1", port))
        self.sock.settimeout(0.1)
        self.datagrams = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            try:
                data, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            self.datagrams.append((time.time(), peer[1], data))

    def close(self, path):
        time.sleep(0.5)
        self.stop.set()
        self.thread.join()
        self.sock.close()
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))  # LINKTYPE_RAW
            lo = socket.inet_aton("127.0.0.1")
            for t, sport, data in self.datagrams:
                udp = struct.pack("!HHHH", sport, self.port, 8 + len(data), 0)
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(data), 0, 0, 64, 17, 0, lo, lo)
                pkt = ip + udp + data
                f.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(pkt), len(pkt)) + pkt)
        return len(self.datagrams)


def run_probe(args, pcap, exports, json_path):
    """vedetta probe on a capture file with --netflow/--ipfix exports and --json;
    returns (flows as JSON objects, {protocol: records sent}) after checking
    that nothing was refused by the kernel."""
    cmd = [args.vedetta, "probe", "-i", os.path.join(args.corpus, pcap), "-q", "--json", json_path]
    for option, port in exports:
        cmd += [option, f"127.0.0.1:{port}"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise Failed(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr}")
    with open(json_path) as f:
        flows = [json.loads(line) for line in f]
    sent = {}
    for m in re.finditer(r"^(netflow v9|ipfix): (\d+) records, (\d+) packets .* (\d+) packets not "
                         r"sent", r.stderr, re.M):
        sent[m.group(1)] = int(m.group(2))
        check(m.group(4) == "0", f"{pcap}: vedetta sent every {m.group(1)} packet ({m.group(0)})")
    check(len(sent) == len(exports), f"{pcap}: the exit report has a line per export "
          f"({len(sent)} of {len(exports)})")
    return flows, sent


def l7_number(text):
    """The number NetFlow carries for a "master.app" L7_PROTO."""
    parts = [int(p) for p in text.split(".")]
    return parts[-1] if parts[-1] != 0 or len(parts) == 1 else parts[0]


# ---------------------------------------------------------------- tshark
def case_tshark(args, work, option):
    tshark = need_tool("tshark")
    pcap = PCAPS[0]
    port = free_udp_port()
    cap = UdpToPcap(port)
    try:
        flows, sent = run_probe(args, pcap, [(option, port)], os.path.join(work, "flows.json"))
    finally:
        n = cap.close(os.path.join(work, "export.pcap"))
    print(f"{n} datagrams captured")
    fields = ["cflow.srcport", "cflow.dstport", "cflow.octets", "cflow.srcaddr", "cflow.srcaddrv6",
              "cflow.pie.ntop.l7_proto", "cflow.pie.ntop.l7_proto_name", "cflow.pie.ntop.retransmitted_in_pkts",
              "cflow.template_id", "_ws.expert.message"]
    cmd = [tshark, "-n", "-o", TSHARK_MAX_FIELDS, "-r", os.path.join(work, "export.pcap"),
           "-d", f"udp.port=={port},cflow",
           "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"tshark reads the export ({r.stderr.strip()[:200]})")
    got = {f: [] for f in fields}
    for line in r.stdout.splitlines():
        for f, value in zip(fields, line.split("\t")):
            got[f] += [v for v in value.split("|") if v != ""]
    check(not got["_ws.expert.message"],
          f"tshark has no complaint (malformed, no template...): {sorted(set(got['_ws.expert.message']))[:3]}")
    exported = list(sent.values())[0]
    check(len(got["cflow.srcport"]) == exported == len(flows),
          f"one record per exported flow: tshark {len(got['cflow.srcport'])}, vedetta sent "
          f"{exported}, JSON {len(flows)}")

    def same(field, expected, what):
        check(sorted(got[field]) == sorted(str(v) for v in expected),
              f"{what} ({field}) as vedetta's JSON: {len(got[field])} values")

    same("cflow.srcport", [f["L4_SRC_PORT"] for f in flows], "client ports")
    same("cflow.dstport", [f["L4_DST_PORT"] for f in flows], "server ports")
    same("cflow.octets", [f["IN_BYTES"] for f in flows], "client→server bytes")
    same("cflow.srcaddr", [f["IPV4_SRC_ADDR"] for f in flows if "IPV4_SRC_ADDR" in f], "IPv4 clients")
    same("cflow.srcaddrv6", [f["IPV6_SRC_ADDR"] for f in flows if "IPV6_SRC_ADDR" in f], "IPv6 clients")
    check(any("IPV6_SRC_ADDR" in f for f in flows), f"{pcap} has IPv6 flows (two templates at least)")
    check(len(set(got["cflow.template_id"])) >= 2,
          f"IPv4 and IPv6 flows use different templates: {sorted(set(got['cflow.template_id']))}")
    same("cflow.pie.ntop.l7_proto", [l7_number(f["L7_PROTO"]) for f in flows], "ntop L7_PROTO")
    same("cflow.pie.ntop.l7_proto_name", [f["L7_PROTO_NAME"] for f in flows], "ntop L7_PROTO_NAME")
    same("cflow.pie.ntop.retransmitted_in_pkts", [f["RETRANSMITTED_IN_PKTS"] for f in flows],
         "ntop RETRANSMITTED_IN_PKTS")


# ---------------------------------------------------------------- nfdump
def stop_process(p, what):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        raise Failed(f"{what} did not end within 20 s of SIGTERM")


def case_nfdump(args, work, option):
    nfcapd, nfdump = need_tool("nfcapd"), need_tool("nfdump")
    for pcap in PCAPS:
        port = free_udp_port()
        out = os.path.join(work, pcap + ".nfcapd")
        os.mkdir(out)
        # -B: without a large buffer nfcapd loses records of a loopback burst (peers.md).
        p = subprocess.Popen([nfcapd, "-b", "127.0.0.1", "-p", str(port), "-w", out, "-t", "3600",
                              "-B", str(32 << 20)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
        try:
            time.sleep(1)  # until it listens
            flows, sent = run_probe(args, pcap, [(option, port)], os.path.join(work, pcap + ".json"))
            time.sleep(1)
        finally:
            stop_process(p, "nfcapd")
        log = p.stdout.read()
        files = sorted(os.listdir(out))
        check(bool(files), f"{pcap}: nfcapd wrote a file ({files})")
        total = {"flows": 0, "bytes": 0, "packets": 0}
        for name in files:
            r = subprocess.run([nfdump, "-N", "-r", os.path.join(out, name), "-o", "long"],
                               capture_output=True, text=True, timeout=60)
            m = re.search(r"Summary: total flows: (\d+), total bytes: (\d+), total packets: (\d+)", r.stdout)
            check(m is not None, f"nfdump -r {name} prints a summary ({r.stdout[-200:]!r})")
            for k, v in zip(("flows", "bytes", "packets"), m.groups()):
                total[k] += int(v)
        exported = list(sent.values())[0]
        check(total["flows"] == exported == len(flows),
              f"{pcap}: nfdump lists {total['flows']} flows, vedetta exported {exported}")
        want_bytes = sum(f["IN_BYTES"] + f["OUT_BYTES"] for f in flows)
        want_packets = sum(f["IN_PKTS"] + f["OUT_PKTS"] for f in flows)
        check(total["bytes"] == want_bytes and total["packets"] == want_packets,
              f"{pcap}: nfdump's bytes/packets {total['bytes']}/{total['packets']} = vedetta's "
              f"{want_bytes}/{want_packets}")
        seq = re.search(r"Sequence Errors: (\d+)", log)
        check(seq is not None and seq.group(1) == "0", f"{pcap}: nfcapd saw no sequence error "
              f"({seq.group(0) if seq else 'no statistics line'})")


# ---------------------------------------------------------------- softflowd
def start_listener(args, url, work, tag):
    out = open(os.path.join(work, tag + ".jsonl"), "w")
    err = open(os.path.join(work, tag + ".err"), "w+")
    p = subprocess.Popen([args.listen, url, "--idle-exit", "3", "--max-seconds", "90"],
                         stdout=out, stderr=err, text=True)
    for _ in range(100):
        err.seek(0)
        if "ready" in err.read():
            return p, out, err
        if p.poll() is not None:
            break
        time.sleep(0.05)
    err.seek(0)
    raise Failed(f"vedetta_netflow_listen {url} did not start: {err.read()}")


def finish_listener(p, out, err, work, tag):
    p.wait(timeout=120)
    out.close()
    err.seek(0)
    text = err.read()
    err.close()
    check(p.returncode == 0, f"listener {tag} exited 0 ({text[-300:]})")
    stats = json.loads(text.strip().splitlines()[-1])
    with open(os.path.join(work, tag + ".jsonl")) as f:
        flows = [json.loads(line) for line in f]
    print("\n".join("  " + l for l in text.strip().splitlines()))
    return flows, stats


def case_softflowd(args, work):
    softflowd = need_tool("softflowd")
    for pcap in PCAPS:
        port = free_udp_port()
        p, out, err = start_listener(args, f"netflow://:{port}", work, pcap)
        # peers.md: -a for pcap times; no -c (it then hangs at EOF).
        r = subprocess.run([softflowd, "-d", "-a", "-r", os.path.join(args.corpus, pcap), "-n",
                            f"127.0.0.1:{port}", "-v", "9"], capture_output=True, text=True,
                           timeout=120)
        flows, stats = finish_listener(p, out, err, work, pcap)
        m = re.search(r"Flows exported: (\d+) \((\d+) records\) in (\d+) packets \((\d+) failures\)",
                      r.stdout + r.stderr)
        check(m is not None, f"{pcap}: softflowd reports what it exported ({(r.stdout + r.stderr)[-300:]!r})")
        records, packets, failures = int(m.group(2)), int(m.group(3)), int(m.group(4))
        print(f"softflowd: {m.group(0)}")
        check(failures == 0, f"{pcap}: softflowd had no send failure")
        check(stats["flows"] == len(flows) == records,
              f"{pcap}: collector flows {stats['flows']} (printed {len(flows)}) = softflowd's "
              f"{records} records")
        check(stats["messages"] == packets, f"{pcap}: {stats['messages']} datagrams = softflowd's {packets} packets")
        check(stats["lost"] == 0 and stats["bad"] == 0 and stats["kernel_drops"] == 0
              and stats["unknown_templates"] == 0,
              f"{pcap}: no sequence gap, refused datagram, kernel drop or unknown template: {stats}")
        check(all(isinstance(f.get("152"), int) and f["152"] > 1_000_000_000_000 for f in flows),
              f"{pcap}: every flow has an epoch start time in ms (FIRST_SWITCHED placed on the epoch)")


# ---------------------------------------------------------------- round trip
def case_roundtrip(args, work):
    ids = {}
    r = subprocess.run([args.vedetta, "probe", "--list-fields"], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        parts = line.split()
        ids[parts[0]] = parts[1]
    v9_port, ipfix_port = free_udp_port(), free_udp_port()
    v9 = start_listener(args, f"netflow://:{v9_port}", work, "v9")
    ipfix = start_listener(args, f"ipfix://127.0.0.1:{ipfix_port}", work, "ipfix")
    pcap = PCAPS[1]
    flows, sent = run_probe(args, pcap, [("--netflow", v9_port), ("--ipfix", ipfix_port)],
                            os.path.join(work, "flows.json"))
    by_id = {f["FLOW_ID"]: f for f in flows}
    text_length = {"L7_PROTO_NAME": 32, "FLOW_SERVER_NAME": 64, "L7_CATEGORY": 16, "L7_CONFIDENCE": 16}
    compared = ["L4_SRC_PORT", "L4_DST_PORT", "IPV4_SRC_ADDR", "IPV6_DST_ADDR", "IN_BYTES", "OUT_BYTES",
                "IN_PKTS", "OUT_PKTS", "PROTOCOL", "FIRST_SWITCHED", "LAST_SWITCHED",
                "FLOW_START_MILLISECONDS", "FLOW_END_MILLISECONDS", "L7_PROTO", "L7_PROTO_NAME",
                "FLOW_SERVER_NAME", "L7_CATEGORY", "RETRANSMITTED_IN_PKTS", "DIRECTION_GUESSED"]
    for tag, listener in (("v9", v9), ("ipfix", ipfix)):
        got, stats = finish_listener(*listener, work, tag)
        check(len(got) == stats["flows"] == len(flows),
              f"{tag}: the collector got {len(got)} flows, the probe exported {len(flows)}")
        check(stats["lost"] == 0 and stats["bad"] == 0 and stats["unknown_templates"] == 0,
              f"{tag}: no loss, no refused datagram, no unknown template: {stats}")
        mismatches = []
        for g in got:
            want = by_id.get(g.get(ids["FLOW_ID"]))
            if want is None:
                mismatches.append(f"flow id {g.get(ids['FLOW_ID'])} unknown")
                continue
            for name in compared:
                if name not in want:
                    continue
                expected = want[name]
                if tag == "v9" and name in text_length:  # cut, NUL-padded, in NetFlow v9
                    expected = expected.encode()[:text_length[name]].decode(errors="ignore")
                if g.get(ids[name]) != expected:
                    mismatches.append(f"flow {want['FLOW_ID']} {name}: {g.get(ids[name])!r} != {expected!r}")
        check(not mismatches, f"{tag}: {len(compared)} fields of every flow as the probe's JSON "
              f"({len(mismatches)} differences: {mismatches[:5]})")


# ---------------------------------------------------------------- live, with processes
CLIENT = """
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"hello " * 200)
s.recv(4096)
time.sleep(0.5)  # alive while the probe looks its socket up
s.close()
"""


def tshark_fields(pcap, port, fields):
    """One dict per NetFlow record: tshark's values of `fields` (all present)."""
    cmd = [need_tool("tshark"), "-n", "-o", TSHARK_MAX_FIELDS, "-r", pcap,
           "-d", f"udp.port=={port},cflow", "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=|"]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    records = []
    for line in r.stdout.splitlines():
        columns = [c.split("|") if c else [] for c in line.split("\t")]
        for i in range(max(len(c) for c in columns)):
            records.append({f: c[i] if i < len(c) else None for f, c in zip(fields, columns)})
    return records


def replay(datagrams, args, work, url, port, tag):
    """Sends captured datagrams again, to vedetta's collector input."""
    listener = start_listener(args, url, work, tag)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _, _, data in datagrams:
        s.sendto(data, ("127.0.0.1", port))
    s.close()
    return finish_listener(*listener, work, tag)


def case_live_processes(args, work):
    need_tool("tshark")
    if os.geteuid() != 0:
        raise Skip("needs root: capture on lo and eBPF process attribution")
    ports = {"v9": free_udp_port(), "ipfix": free_udp_port()}
    caps = {tag: UdpToPcap(port) for tag, port in ports.items()}
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    tcp_port = server.getsockname()[1]
    json_path = os.path.join(work, "flows.json")
    probe = subprocess.Popen([args.vedetta, "probe", "-i", "lo", "-f", f"tcp port {tcp_port}",
                              "--events", "ebpf", "-q", "--json", json_path,
                              "--netflow", f"127.0.0.1:{ports['v9']}",
                              "--ipfix", f"127.0.0.1:{ports['ipfix']}"],
                             stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)  # BPF loaded, capture open
        if probe.poll() is not None:
            err = probe.stderr.read()
            if "BPF" in err or "root" in err:
                raise Skip(err.strip())
            raise Failed(f"probe exited at start: {err}")
        long_arg = "x" * 300  # a command line longer than NetFlow v9's 128 bytes
        client = subprocess.Popen([sys.executable, "-c", CLIENT, str(tcp_port), long_arg])
        conn, _ = server.accept()
        conn.recv(4096)
        conn.sendall(b"world")
        conn.close()
        client.wait(timeout=10)
        time.sleep(1)
    finally:
        probe.send_signal(signal.SIGINT)
        _, err = probe.communicate(timeout=30)
        server.close()
        pcaps = {tag: os.path.join(work, tag + ".pcap") for tag in caps}
        for tag, cap in caps.items():
            cap.close(pcaps[tag])
    print(err.strip())
    with open(json_path) as f:
        flows = [json.loads(line) for line in f if json.loads(line).get("L4_DST_PORT") == tcp_port]
    check(len(flows) == 1, f"the probe exported the test connection once ({len(flows)})")
    want = flows[0]
    check(all(k in want for k in ("SRC_PROC_NAME", "DST_PROC_NAME", "SRC_PROC_PID", "SRC_PROC_CMDLINE")),
          f"the probe named both processes: {want.get('SRC_PROC_NAME')} -> {want.get('DST_PROC_NAME')}")
    check(len(want["SRC_PROC_CMDLINE"].encode()) > 128,
          f"the client's command line is longer than v9's 128 bytes in the JSON "
          f"({len(want['SRC_PROC_CMDLINE'].encode())} bytes)")
    fields = ["cflow.dstport", "cflow.pie.ntop.src_proc_name", "cflow.pie.ntop.src_proc_id",
              "cflow.pie.ntop.dst_proc_name"]
    for tag in ("v9", "ipfix"):
        records = [r for r in tshark_fields(pcaps[tag], ports[tag], fields)
                   if r["cflow.dstport"] == str(tcp_port)]
        check(len(records) == 1, f"{tag}: tshark shows the connection's record ({len(records)})")
        got = records[0]
        check(got["cflow.pie.ntop.src_proc_name"] == want["SRC_PROC_NAME"]
              and got["cflow.pie.ntop.dst_proc_name"] == want["DST_PROC_NAME"]
              and got["cflow.pie.ntop.src_proc_id"] == str(want["SRC_PROC_PID"]),
              f"{tag}: tshark decodes ntop's process fields as the JSON has them: {got}")
        replay_port = free_udp_port()
        scheme = "netflow" if tag == "v9" else "ipfix"
        collected, stats = replay(caps[tag].datagrams, args, work, f"{scheme}://:{replay_port}",
                                  replay_port, tag + "-collected")
        mine = [f for f in collected if f.get("11") == tcp_port]
        check(len(mine) == 1, f"{tag}: vedetta's collector input has the connection")
        cmdline = mine[0].get(str(57472 + 556))
        expected = want["SRC_PROC_CMDLINE"].encode()[:128].decode() if tag == "v9" else want["SRC_PROC_CMDLINE"]
        check(cmdline == expected, f"{tag}: SRC_PROC_CMDLINE {'cut to 128 bytes' if tag == 'v9' else 'whole'} "
              f"({len(cmdline or '')} bytes)")


# ---------------------------------------------------------------- errors
def case_bad_options(args, work):
    pcap = os.path.join(args.corpus, PCAPS[0])
    for option, value, says in (("--netflow", "collector", "expected HOST:PORT"),
                                ("--ipfix", "::1:4739", "expected HOST:PORT"),
                                ("--netflow", "127.0.0.1:70000", "port '70000' is not a number"),
                                ("--ipfix", "no-such-host.invalid:4739", "cannot resolve")):
        r = subprocess.run([args.vedetta, "probe", "-i", pcap, option, value], capture_output=True,
                           text=True, timeout=60)
        lines = r.stderr.strip().splitlines()
        check(r.returncode != 0 and len(lines) == 1 and lines[0].startswith("vedetta: ")
              and value in lines[0] and says in lines[0],
              f"{option} {value}: one clear error line ({r.stderr.strip()!r})")
    # No collector: the export goes on, refused datagrams are counted, the probe ends normally.
    port = free_udp_port()
    r = subprocess.run([args.vedetta, "probe", "-i", pcap, "-q", "--netflow", f"127.0.0.1:{port}"],
                       capture_output=True, text=True, timeout=60)
    m = re.search(r"(\d+) packets not sent \(send errors\).*\(first: ([^)]*)\)", r.stderr)
    check(r.returncode == 0 and m is not None and int(m.group(1)) > 0
          and m.group(2) == "Connection refused",
          f"no collector on the port: exit 0, refused packets counted ({r.stderr.strip()[-200:]!r})")
    for url, says in (("netflow://2055", "expected netflow://[ADDRESS]:PORT"),
                      ("udp://:2055", "not a netflow:// or ipfix:// URL"),
                      ("ipfix://:http", "port 'http'")):
        r = subprocess.run([args.listen, url], capture_output=True, text=True, timeout=60)
        check(r.returncode != 0 and url in r.stderr and says in r.stderr,
              f"-i {url}: refused with a clear error ({r.stderr.strip()!r})")


CASES = {
    "live_processes": case_live_processes,
    "bad_options": case_bad_options,
    "tshark_v9": lambda a, w: case_tshark(a, w, "--netflow"),
    "tshark_ipfix": lambda a, w: case_tshark(a, w, "--ipfix"),
    "nfdump_v9": lambda a, w: case_nfdump(a, w, "--netflow"),
    "nfdump_ipfix": lambda a, w: case_nfdump(a, w, "--ipfix"),
    "softflowd_v9": case_softflowd,
    "collector_roundtrip": case_roundtrip,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("--listen", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("case", choices=sorted(CASES))
    args = ap.parse_args()
    ci = os.environ.get("CI", "").lower() == "true"
    work = tempfile.mkdtemp(prefix="vedetta-netflow-")
    try:
        if not os.path.isdir(args.corpus):
            raise Skip(f"no capture corpus at {args.corpus}")
        CASES[args.case](args, work)
    except Skip as e:
        if ci:
            print(f"FAIL: missing prerequisite (CI=true): {e}")
            return 1
        print(f"SKIP: {e}")
        return SKIP
    except Failed as e:
        print(f"FAILED: {e} (files kept in {work})")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
