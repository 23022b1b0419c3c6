#!/usr/bin/env python3
"""Connect latency through published ports (bench/ports-connect.sh).

  ports-connect.py server ADDR PORT SECONDS   accepts and closes, until SECONDS
  ports-connect.py client HOST PORT N         N sequential connects (each closed),
                                              prints connects/s and the median,
                                              p10 and p90 connect() time in us
"""
import socket
import statistics
import sys
import threading
import time

def server(addr, port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(4096)
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        s.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        # A FIN, not a reset: a reset that comes before the client's
        # connect() returns fails it.
        c.close()


def client(host, port, n):
    times, failed = [], 0
    start = time.perf_counter()
    for _ in range(int(n)):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.settimeout(2)
        t0 = time.perf_counter_ns()
        try:
            c.connect((host, int(port)))
            times.append((time.perf_counter_ns() - t0) / 1000)
        except OSError as e:
            failed += 1
            if failed == 1:
                print("first failure after %d connects: %s" % (len(times), e), file=sys.stderr)
        c.close()
    total = time.perf_counter() - start
    if failed:
        print("%d of %d connects failed" % (failed, int(n)), file=sys.stderr)
    q = statistics.quantiles(times, n=10)
    print("%d connects/s median %.1f us p10 %.1f us p90 %.1f us" % (int(n) / total, statistics.median(times), q[0], q[-1]))


if __name__ == "__main__":
    {"server": server, "client": client}[sys.argv[1]](*sys.argv[2:])
