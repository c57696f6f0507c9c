#!/usr/bin/env python3
"""The programs of the attribution ground truth (ground_truth_test.py), one
role per invocation. Each prints what it learned (ports, pids) as JSON
lines on stdout, flushed, so the test can write down which process owns
which tuple.

  ground_truth_agents.py ROLE ARGS...
"""
import json
import os
import socket
import sys
import threading
import time


SAY_LOCK = threading.Lock()  # threads print whole lines


def say(**kw):
    kw.setdefault("pid", os.getpid())
    with SAY_LOCK:
        print(json.dumps(kw), flush=True)


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def tcp_server(host, count, reuseport="0", dual="0"):
    """Accepts COUNT connections, reads until EOF on each, answers 'ok'."""
    fam = family_of(host)
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if dual == "1":
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    port = 0
    if reuseport != "0":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        port = int(reuseport)
    s.bind((host, port))
    s.listen(64)
    say(event="listening", port=s.getsockname()[1])
    for _ in range(int(count)):
        c, peer = s.accept()
        data = b""
        while not data.endswith(b"."):
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
        c.sendall(b"ok")
        say(event="accepted", peer_port=peer[1])
        c.close()


def tcp_client(host, port, hold="0", local_port="0", linger0="0", local_host=""):
    """Connects (from LOCAL_HOST:LOCAL_PORT if given), sends for HOLD
    seconds, ends with '.'."""
    s = socket.socket(family_of(host), socket.SOCK_STREAM)
    if local_port != "0" or local_host:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((local_host, int(local_port)))
    s.connect((host, int(port)))
    say(event="connected", local_port=s.getsockname()[1])
    end = time.time() + float(hold)
    while time.time() < end:
        s.sendall(b"tick")
        time.sleep(0.2)
    s.sendall(b".")
    s.recv(10)
    if linger0 == "1":  # RST instead of FIN: no TIME_WAIT, the port is free at once
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()


def threaded_client(host, port, threads):
    """THREADS threads each make one connection; pid is the process, tid each thread."""
    def one():
        s = socket.create_connection((host, int(port)))
        say(event="connected", local_port=s.getsockname()[1], tid=threading.get_native_id())
        s.sendall(b"hello.")
        s.recv(10)
        s.close()
    ts = [threading.Thread(target=one) for _ in range(int(threads))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def forking_client(host, port):
    """Connects, then a forked child does all the I/O on the inherited socket."""
    s = socket.create_connection((host, int(port)))
    say(event="connected", local_port=s.getsockname()[1])
    child = os.fork()
    if child == 0:
        s.sendall(b"from the child.")
        s.recv(10)
        os._exit(0)
    say(event="forked", child=child)
    os.waitpid(child, 0)
    s.close()


def udp_server(host, count, reply_by_other="0", port="0"):
    """Answers COUNT datagrams on PORT (0: any free one); with
    reply_by_other, a child forked after each datagram sends the answer on
    the inherited socket, so the reply comes from another process than the
    one that received."""
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    s.bind((host, int(port)))
    say(event="listening", port=s.getsockname()[1])
    for _ in range(int(count)):
        data, peer = s.recvfrom(100)
        replier = None
        if reply_by_other == "1":
            replier = os.fork()
            if replier == 0:
                s.sendto(b"answer", peer)
                os._exit(0)
            os.waitpid(replier, 0)
        else:
            s.sendto(b"answer", peer)
        say(event="received", peer_port=peer[1], replier=replier)


def udp_client(host, port, connected="0", local_port="0", local_host=""):
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    if local_port != "0" or local_host:
        s.bind((local_host, int(local_port)))
    if connected == "1":
        s.connect((host, int(port)))
        s.send(b"question")
    else:
        s.sendto(b"question", (host, int(port)))
    s.settimeout(5)
    s.recvfrom(100)
    say(event="answered", local_port=s.getsockname()[1])


ROLES = {f.__name__: f for f in (tcp_server, tcp_client, threaded_client, forking_client,
                                 udp_server, udp_client)}

if __name__ == "__main__":
    ROLES[sys.argv[1]](*sys.argv[2:])
