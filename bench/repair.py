#!/usr/bin/env python3
"""Watch repair latency: delete a container's host veth by hand, time until
`netconverge watch` has it back.

    repair.py HOSTNS CONTAINER-NETNS VETH TRIES OUT

Plain rtnetlink, no library: one socket in the host namespace listening to
link events, one in the container's namespace listening to link and IPv4
route events, one to send the RTM_DELLINK. Per try, t0 is taken just before
the delete is sent; the link is "back" when the host end is up, enslaved
and operationally up, the container's eth0 is operationally up, and the
container has its default route again. Each try is bounded (10 s). Writes
one line per try to OUT: "back_ms route_ms" (the default route's return is
the last configuration change of the repair; "back" adds the operational
state the kernel reports later).
"""
import ctypes
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
RTM_NEWLINK, RTM_DELLINK, RTM_NEWROUTE = 16, 17, 24
NLMSG_ERROR, NLM_F_REQUEST, NLM_F_ACK = 2, 1, 4
IFLA_IFNAME, IFLA_MASTER, IFLA_OPERSTATE = 3, 10, 16
IFF_UP, IF_OPER_UP = 1, 6
RTMGRP_LINK, RTMGRP_IPV4_ROUTE = 1, 0x40
RT_TABLE_MAIN = 254

libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + path)
    finally:
        os.close(fd)


def rtnl(groups):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((0, groups))
    s.setblocking(False)
    return s


def attrs(buf, off):
    out = {}
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4:
            break
        out[atype & 0x3FFF] = buf[off + 4:off + alen]
        off += (alen + 3) & ~3
    return out


def messages(s):
    while True:
        try:
            data = s.recv(1 << 20)
        except BlockingIOError:
            return
        off = 0
        while off + 16 <= len(data):
            mlen, mtype = struct.unpack_from("=IH", data, off)
            if mlen < 16:
                break
            yield mtype, data[off + 16:off + mlen]
            off += (mlen + 3) & ~3


def delete(cmd, name, seq):
    name_attr = name.encode() + b"\0"
    alen = 4 + len(name_attr)
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0) + struct.pack("=HH", alen, IFLA_IFNAME) + name_attr
    body += b"\0" * (((alen + 3) & ~3) - alen)
    cmd.send(struct.pack("=IHHII", 16 + len(body), RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body)


def main():
    hostns, cns, veth, tries, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    home = "/proc/self/ns/net"
    home_fd = os.open(home, os.O_RDONLY)
    setns("/run/netns/" + hostns)
    hs, cmd = rtnl(RTMGRP_LINK), rtnl(0)
    cmd.setblocking(True)
    setns("/run/netns/" + cns)
    cs = rtnl(RTMGRP_LINK | RTMGRP_IPV4_ROUTE)
    libc.setns(home_fd, CLONE_NEWNET)
    results = []
    for t in range(tries):
        for s in (hs, cs):
            for _ in messages(s):
                pass
        t0 = time.monotonic()
        delete(cmd, veth, t + 1)
        mtype, body = struct.unpack_from("=IH", cmd.recv(65536))[1], None
        if mtype != NLMSG_ERROR:
            sys.exit("no ack for the delete")
        host_up = peer_up = route = None
        deadline = t0 + 10
        while not (host_up and peer_up and route) and time.monotonic() < deadline:
            ready, _, _ = select.select([hs, cs], [], [], max(0.0, deadline - time.monotonic()))
            now = time.monotonic()
            for s in ready:
                for mtype, body in messages(s):
                    if mtype == RTM_NEWLINK:
                        flags = struct.unpack_from("=BxHiII", body)[3]
                        a = attrs(body, 16)
                        name = a.get(IFLA_IFNAME, b"").rstrip(b"\0").decode()
                        oper = a.get(IFLA_OPERSTATE, b"\0")[0]
                        if s is hs and name == veth and flags & IFF_UP and IFLA_MASTER in a and oper == IF_OPER_UP:
                            host_up = host_up or now
                        if s is cs and name == "eth0" and flags & IFF_UP and oper == IF_OPER_UP:
                            peer_up = peer_up or now
                    elif mtype == RTM_NEWROUTE and s is cs:
                        family, dst_len, _, _, table = struct.unpack_from("=BBBBB", body)
                        if family == socket.AF_INET and dst_len == 0 and table == RT_TABLE_MAIN:
                            route = route or now
        if not (host_up and peer_up and route):
            sys.exit("try %d: not repaired within 10 s (host up %s, eth0 up %s, route %s)"
                     % (t + 1, bool(host_up), bool(peer_up), bool(route)))
        back = max(host_up, peer_up, route) - t0
        results.append((back * 1000, (route - t0) * 1000))
        # Let the watcher finish its cycle (it re-observes to verify) before the next try.
        time.sleep(0.5)
    with open(out, "w") as f:
        for back, rt in results:
            f.write("%.1f %.1f\n" % (back, rt))


if __name__ == "__main__":
    main()
