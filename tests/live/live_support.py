"""Shared by the live Python tests: the skip-or-fail rule of
tests/support/live_prerequisite.h, a list of named checks, and stopping
the probe with SIGINT (killed if it hangs)."""
import os
import signal
import subprocess
import sys

CI = os.environ.get("CI") == "true"


def skip(why):
    """A missing prerequisite: SKIP (exit 77), or a failure when CI=true."""
    if CI:
        print(f"FAIL (CI=true, prerequisite missing): {why}")
        sys.exit(1)
    print(f"SKIP: {why}")
    sys.exit(77)


class Checks:
    def __init__(self):
        self.failures = []

    def __call__(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            self.failures.append(what)
        return ok


def running(probe, check):
    """After the probe's start-up: True if it runs. A missing BPF or root is
    a skip; any other early exit a failed check (False)."""
    if probe.poll() is None:
        return True
    err = probe.stderr.read()
    if "BPF" in err or "root" in err:
        skip(err.strip())
    check(False, f"probe running ({err.strip()})")
    return False


def stop_probe(probe, timeout=15):
    """SIGINT, as a user would; returns the probe's stderr."""
    probe.send_signal(signal.SIGINT)
    try:
        _, err = probe.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        probe.kill()
        _, err = probe.communicate()
    return err
