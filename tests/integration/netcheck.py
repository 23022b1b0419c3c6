#!/usr/bin/env python3
"""Tiny TCP/UDP peers for the integration tests, each bounded in time.

  netcheck.py tcp-server ADDR PORT REPLY PEERFILE SECONDS
      answers every connection with REPLY and appends the peer's address
      to PEERFILE, until SECONDS have passed
  netcheck.py udp-server ADDR PORT REPLY SECONDS
      answers every datagram with REPLY
  netcheck.py tcp-client HOST PORT        prints what the server sent
  netcheck.py udp-client HOST PORT        prints the answer
  netcheck.py wait-tcp HOST PORT SECONDS  exits 0 once HOST:PORT accepts
Clients give up after 2 seconds (exit 1). An address with a colon is IPv6;
a server on "::" takes IPv4 too (as IPv4-mapped peers).
"""
import socket
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def server_socket(addr, kind):
    s = socket.socket(family(addr), kind)
    if family(addr) == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    return s


def tcp_server(addr, port, reply, peerfile, seconds):
    s = server_socket(addr, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(16)
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        s.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            c, peer = s.accept()
        except socket.timeout:
            break
        with open(peerfile, "a") as f:
            f.write(peer[0] + "\n")
        c.sendall(reply.encode())
        c.close()


def udp_server(addr, port, reply, seconds):
    s = server_socket(addr, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        s.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            _, peer = s.recvfrom(2048)
        except socket.timeout:
            break
        s.sendto(reply.encode(), peer)


def tcp_client(host, port):
    with socket.create_connection((host, int(port)), timeout=2) as c:
        c.settimeout(2)
        print(c.recv(1024).decode())


def udp_client(host, port):
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(b"ping", (host, int(port)))
    print(s.recvfrom(2048)[0].decode())


def wait_tcp(host, port, seconds):
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, int(port)), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(1)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    try:
        {"tcp-server": tcp_server, "udp-server": udp_server, "tcp-client": tcp_client,
         "udp-client": udp_client, "wait-tcp": wait_tcp}[cmd](*args)
    except OSError as e:
        print(f"netcheck {cmd}: {e}", file=sys.stderr)
        sys.exit(1)


main()
