#!/usr/bin/env python3
# Copyright (c) 2026 The phonefleet authors.
# SPDX-License-Identifier: ISC
"""Servers that misbehave on purpose, for tests/integration/misbehave.sh.

    badserver.py [--log FILE] [--ports FILE] [--dhcp-url URL] LISTENER...

Each LISTENER is KIND-MODE or KIND-MODE=PORT (port 0 or none: the kernel
picks one).  Everything listens on 127.0.0.1 only, or on the 127.0.0.0/8
address given as KIND-MODE=ADDR:PORT.  When every listener is bound, the
lines "KIND-MODE PORT" are written to the --ports file (atomically: it
appears whole), so a test waits for that file.  Each thing a peer does is a
line in the --log file ("http-hang accept", "dns query x.bad.test A", ...).

HTTP modes (TCP):
  ok        a good server: 200 with a small profile (GPP_A=ok)
  hang      accepts and never reads nor answers
  trickle   reads the request, answers a valid 200 one byte a second
  huge      headers with Content-Length: 10737418240, then body forever
  chunked   Transfer-Encoding: chunked, 64 KiB chunks forever
  reset     starts a 100000-byte body, sends 5000 bytes, then RST
            (SO_LINGER 0 close)
  garbage   answers bytes that are not HTTP, then closes
  close     closes its side right after accept (FIN before any byte)
  bighead   a 200 whose one header line is 1 MiB long
  refuse    bound but not listening: connections are refused

DHCP modes (UDP; answers a relay agent at giaddr and the source port it
came from, as Kea does with the RFC 8357 relay-port sub-option):
  ok        OFFER and ACK from 10.77.N.0/24 (N: the last byte of giaddr),
            option 160 = --dhcp-url
  nak       OFFERs properly, NAKs every REQUEST
  xid       OFFER and ACK with the client's xid plus one
  silent    out of leases: logs each packet and never answers
  noserverid  OFFER without a server identifier (option 54) and with
            siaddr 0; a REQUEST is ACKed as in ok
  short     a 100-byte BOOTREPLY, then a 260-byte OFFER whose options
            overrun the packet

DNS (UDP, mode "names"): the question's first label picks the answer; an
answer that would be valid points at --dns-a (default 10.9.0.5):
  good      a proper A record (the control)
  tc        TC bit set, the A record included
  tcempty   TC bit set, no records
  short     the answer cut short in the middle of the A record
  otherid   a proper answer with another id
  othername the right id, but question and answer for another name
  loop      the answer's owner name is a compression pointer to itself
  alen      an A record with rdlength 5
  servfail  rcode 2 (SERVFAIL)
  anything else: NXDOMAIN
"""

import argparse
import os
import socket
import struct
import sys
import threading
import time

LOG_LOCK = threading.Lock()
LOG = None
KEEP = []		# sockets a mode holds open forever

PROFILE = b"<flat-profile><GPP_A>ok</GPP_A></flat-profile>\n"


def log(line):
    with LOG_LOCK:
        if LOG is not None:
            LOG.write(line + "\n")
            LOG.flush()


# ---------------------------------------------------------------- HTTP

def read_head(c, limit=65536):
    """Read up to the end of the request head; the bytes, or None."""
    data = b""
    c.settimeout(30)
    try:
        while b"\r\n\r\n" not in data and len(data) < limit:
            b = c.recv(4096)
            if not b:
                return None
            data += b
    except OSError:
        return None
    return data


def send_all(c, data):
    try:
        c.sendall(data)
        return True
    except OSError:
        return False


def http_conn(mode, c):
    name = "http-" + mode
    log(name + " accept")
    if mode == "hang":
        KEEP.append(c)		# never read, never answered, never closed
        return
    if mode == "close":
        c.shutdown(socket.SHUT_WR)
        try:
            c.settimeout(30)
            while c.recv(4096):
                pass
        except OSError:
            pass
        c.close()
        log(name + " closed")
        return
    head = read_head(c)
    if head is None:
        c.close()
        return
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    log(name + " request " + line)
    if mode == "ok":
        send_all(c, b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n"
                 % len(PROFILE) + PROFILE)
    elif mode == "trickle":
        body = b"<flat-profile>" + b" " * 960 + b"</flat-profile>\n"
        resp = (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n"
                % len(body)) + body
        sent = 0
        for i in range(len(resp)):
            if not send_all(c, resp[i:i + 1]):
                break
            sent += 1
            time.sleep(1)
        log("%s sent %d bytes" % (name, sent))
    elif mode in ("huge", "chunked"):
        if mode == "huge":
            hdr = (b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                   b"Content-Length: 10737418240\r\n\r\n<flat-profile>")
            piece = b"<!-- " + b"x" * 65526 + b" -->"
        else:
            hdr = (b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n")
            data = b"<!-- " + b"x" * 65526 + b" -->"
            piece = b"%x\r\n" % len(data) + data + b"\r\n"
        sent = 0
        if send_all(c, hdr):
            while sent < 10737418240 and send_all(c, piece):
                sent += len(piece)
        log("%s sent %d body bytes" % (name, sent))
    elif mode == "reset":
        body = b"<flat-profile>" + b" " * 4986
        send_all(c, b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
                 + body)
        time.sleep(0.2)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        log(name + " reset")
    elif mode == "garbage":
        send_all(c, b"SSH-2.0-OpenSSH_9.2p1\r\n\x00\xff\x16\x03\x01"
                 b"\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n")
    elif mode == "bighead":
        send_all(c, b"HTTP/1.1 200 OK\r\nX-Filler: " + b"a" * (1 << 20)
                 + b"\r\nContent-Length: %d\r\n\r\n" % len(PROFILE)
                 + PROFILE)
    c.close()


def http_serve(mode, s):
    if mode == "refuse":
        return			# bound, never listening: the kernel refuses
    s.listen(128)
    while True:
        c, _ = s.accept()
        threading.Thread(target=http_conn, args=(mode, c),
                         daemon=True).start()


# ---------------------------------------------------------------- DHCP

DHCP_MAGIC = b"\x63\x82\x53\x63"
DHCP_NAMES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE",
              5: "ACK", 6: "NAK", 7: "RELEASE", 8: "INFORM"}


def dhcp_options(pkt):
    opts = {}
    i = 240
    while i < len(pkt):
        code = pkt[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(pkt):
            break
        n = pkt[i + 1]
        opts[code] = pkt[i + 2:i + 2 + n]
        i += 2 + n
    return opts


def dhcp_reply(req, mtype, yiaddr, xid=None, server_id=True,
               extra=b""):
    """A BOOTREPLY to req; the relay-agent option 82 is echoed (RFC 3046)."""
    opts = dhcp_options(req)
    if xid is None:
        xid = struct.unpack(">I", req[4:8])[0]
    siaddr = b"\x7f\x00\x00\x01" if server_id else b"\0\0\0\0"
    p = bytearray(240)
    p[0] = 2
    p[1], p[2], p[3] = req[1], req[2], req[3]
    p[4:8] = struct.pack(">I", xid & 0xffffffff)
    p[10:12] = req[10:12]			# flags
    p[16:20] = socket.inet_aton(yiaddr) if yiaddr else b"\0\0\0\0"
    p[20:24] = siaddr
    p[24:28] = req[24:28]			# giaddr
    p[28:44] = req[28:44]			# chaddr
    p[236:240] = DHCP_MAGIC
    o = bytes([53, 1, mtype])
    if server_id:
        o += bytes([54, 4]) + b"\x7f\x00\x00\x01"
    if mtype != 6:
        o += bytes([1, 4]) + socket.inet_aton("255.255.255.0")
        o += bytes([3, 4]) + bytes([10, 77, req[27], 1])
        o += bytes([51, 4]) + struct.pack(">I", 3600)
    o += extra
    if 82 in opts:
        o += bytes([82, len(opts[82])]) + opts[82]
    return bytes(p) + o + b"\xff"


def dhcp_serve(mode, s, url):
    name = "dhcp-" + mode
    leases = {}
    while True:
        pkt, src = s.recvfrom(2048)
        if len(pkt) < 240 or pkt[0] != 1 or pkt[236:240] != DHCP_MAGIC:
            log(name + " junk")
            continue
        opts = dhcp_options(pkt)
        mtype = opts.get(53, b"\0")[0]
        mac = pkt[28:34].hex()
        giaddr = socket.inet_ntoa(pkt[24:28])
        relay_port = 82 in opts and b"\x13\x00" in opts[82]
        log("%s %s %s giaddr %s relay-port %s" % (
            name, DHCP_NAMES.get(mtype, str(mtype)), mac, giaddr,
            "yes" if relay_port else "no"))
        # RFC 8357: to giaddr at the port the relay sent from.
        dst = (giaddr, src[1] if relay_port else 67)
        if mac not in leases:
            leases[mac] = "10.77.%d.%d" % (pkt[27], 10 + len(leases) % 200)
        ip = leases[mac]
        extra = b""
        if url:
            u = url.encode()
            extra = bytes([160, len(u)]) + u
        out = []
        if mode == "silent":
            continue
        if mode == "short":
            out.append(b"\x02\x01\x06\x00" + pkt[4:8] + b"\0" * 92)
            full = dhcp_reply(pkt, 2, ip, extra=extra)
            cut = bytearray(full[:260])
            cut[258] = 200		# an option running past the end
            out.append(bytes(cut))
        elif mtype == 1:
            if mode == "noserverid":
                out.append(dhcp_reply(pkt, 2, ip, server_id=False,
                                      extra=extra))
            elif mode == "xid":
                xid = struct.unpack(">I", pkt[4:8])[0] + 1
                out.append(dhcp_reply(pkt, 2, ip, xid=xid, extra=extra))
            else:
                out.append(dhcp_reply(pkt, 2, ip, extra=extra))
        elif mtype == 3:
            if mode == "nak":
                out.append(dhcp_reply(pkt, 6, None))
            elif mode == "xid":
                xid = struct.unpack(">I", pkt[4:8])[0] + 1
                out.append(dhcp_reply(pkt, 5, ip, xid=xid, extra=extra))
            else:
                out.append(dhcp_reply(pkt, 5, ip, extra=extra))
        for o in out:
            s.sendto(o, dst)


# ---------------------------------------------------------------- DNS

def dns_name(labels):
    return b"".join(bytes([len(x)]) + x for x in labels) + b"\0"


def dns_question(q):
    """(id, flags, qname labels, qtype, end offset) of a query, or None."""
    if len(q) < 12:
        return None
    qid, flags, qd = struct.unpack(">HHH", q[:6])
    if qd != 1:
        return None
    i, labels = 12, []
    while i < len(q) and q[i] != 0:
        n = q[i]
        if n & 0xc0:
            return None
        labels.append(q[i + 1:i + 1 + n])
        i += 1 + n
    if i + 5 > len(q):
        return None
    qtype = struct.unpack(">H", q[i + 1:i + 3])[0]
    return qid, flags, labels, qtype, i + 5


def dns_answer(q, addr):
    parsed = dns_question(q)
    if parsed is None:
        return None, "unparsed"
    qid, flags, labels, qtype, end = parsed
    kind = labels[0].decode("latin-1").lower() if labels else ""
    rd = flags & 0x0100
    question = q[12:end]
    a = socket.inet_aton(addr)
    rr = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + a
    hdr = lambda f, an, i=qid: struct.pack(">HHHHHH", i, f | rd, 1, an,
                                           0, 0)
    ok = 0x8400			# QR, AA
    if qtype != 1 and kind != "servfail":
        return hdr(ok, 0) + question, kind	# NODATA for other types
    if kind == "good":
        return hdr(ok, 1) + question + rr, kind
    if kind == "tc":
        return hdr(ok | 0x0200, 1) + question + rr, kind
    if kind == "tcempty":
        return hdr(ok | 0x0200, 0) + question, kind
    if kind == "short":
        return (hdr(ok, 1) + question + rr)[:-2], kind
    if kind == "otherid":
        return hdr(ok, 1, (qid + 1) & 0xffff) + question + rr, kind
    if kind == "othername":
        other = dns_name([b"elsewhere"] + labels[1:]) + struct.pack(
            ">HH", 1, 1)
        return hdr(ok, 1) + other + rr, kind
    if kind == "loop":
        # The owner name at offset end points at end itself.
        ptr = struct.pack(">H", 0xc000 | end)
        return (hdr(ok, 1) + question + ptr
                + struct.pack(">HHIH", 1, 1, 60, 4) + a), kind
    if kind == "alen":
        return (hdr(ok, 1) + question + b"\xc0\x0c"
                + struct.pack(">HHIH", 1, 1, 60, 5) + a + b"\0"), kind
    if kind == "servfail":
        return hdr(0x8002, 0) + question, kind
    return hdr(ok | 3, 0) + question, "nxdomain"


def dns_serve(mode, s, addr):
    while True:
        q, src = s.recvfrom(2048)
        parsed = dns_question(q)
        if parsed is not None:
            name = b".".join(parsed[2]).decode("latin-1")
            log("dns query %s %s" % (name, {1: "A", 33: "SRV"}.get(
                parsed[3], str(parsed[3]))))
        ans, _ = dns_answer(q, addr)
        if ans is not None:
            s.sendto(ans, src)


# ---------------------------------------------------------------- main

def main():
    global LOG
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log")
    ap.add_argument("--ports")
    ap.add_argument("--dhcp-url", default="")
    ap.add_argument("--dns-a", default="10.9.0.5")
    ap.add_argument("listeners", nargs="+")
    o = ap.parse_args()
    if o.log:
        LOG = open(o.log, "a")
    bound = []
    for spec in o.listeners:
        what, _, where = spec.partition("=")
        kind, _, mode = what.partition("-")
        host, port = "127.0.0.1", 0
        if ":" in where:
            host, _, where = where.partition(":")
        if where:
            port = int(where)
        if not host.startswith("127."):
            sys.exit("badserver: %s: only 127.0.0.0/8" % spec)
        if kind == "http":
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        elif kind in ("dhcp", "dns"):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        else:
            sys.exit("badserver: %s: unknown kind" % spec)
        s.bind((host, port))
        bound.append((what, kind, mode, s))
    for what, kind, mode, s in bound:
        if kind == "http":
            t = threading.Thread(target=http_serve, args=(mode, s))
        elif kind == "dhcp":
            t = threading.Thread(target=dhcp_serve,
                                 args=(mode, s, o.dhcp_url))
        else:
            t = threading.Thread(target=dns_serve, args=(mode, s, o.dns_a))
        t.daemon = True
        t.start()
    if o.ports:
        with open(o.ports + ".tmp", "w") as f:
            for what, _, _, s in bound:
                f.write("%s %d\n" % (what, s.getsockname()[1]))
        os.rename(o.ports + ".tmp", o.ports)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
