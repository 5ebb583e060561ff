#!/usr/bin/env python3
"""webserver.py: the local web server sheaf's web tests and the fetch benchmark talk to.

It serves pages written for the project (tests/fixtures/web) and misbehaves on purpose, so that
every limit of `sheaf build https://...` can be tested without the internet. It listens on
127.0.0.1 on a port the system picks (always free) and writes that port to --port-file once it
accepts connections. Python's standard library only (Debian package python3).

usage: webserver.py --root DIR --port-file FILE [--delay SECONDS] [--tls CERT KEY]
       webserver.py --unreachable --port-file FILE
         (a port that never completes a connection: its accept queue is full and never
         served, so a client's connect times out; for the connect timeout's test)

Routes (PATH is a file under --root):
  /files/PATH                  the file, typed by its extension, with ETag and Last-Modified
                               (If-None-Match / If-Modified-Since answered with 304)
  /typed/PATH?ct=TYPE          the file served as TYPE (ct=none: no Content-Type at all)
  /redirect/N/PATH             a chain of N redirects (302, relative Location), then the file
  /loop                        redirects to itself
  /to-file, /to-ftp            redirect to file:///etc/passwd, ftp://127.0.0.1/x
  /status/CODE                 that status, with a small HTML body
  /retry/ID?times=K&status=S&after=A&path=PATH
                               the first K requests answer S (429, 503) with Retry-After: A
                               (no header when A is absent), the next ones the file
  /reset/ID?times=K&path=PATH  the first K requests lose their connection (reset), then the file
  /slow                        headers, then one byte every half second, for ever
  /bomb.md                     a gzip bomb: 40 KB on the wire, 60 MB once decompressed
  /huge?len=N[&chunked=1]      N bytes of text (chunked: no Content-Length)
  /protected/PATH              the file only with a Referer from this server, else 403
  /echo-ua.md                  a Markdown page quoting the request's User-Agent
  /versioned/ID.md             a page whose text /_set/ID/TEXT changes (ETag follows)
  /_set/ID/TEXT                set that text
  /gen/img/N.png               a distinct 4x4 PNG for every N
  /gen/many/N.md               a page with N distinct images (/gen/img/1.png ...)
  /gen/list/K.md?images=J      article K with J images of its own and one shared by all
  /gen/list/K.html?images=J    the same as an HTML page inside a site
  /_log                        the requests so far, one JSON object a line (path, t: when it
                               arrived, in seconds, port, referer, ua, inm, encoding)
  /_stats[?reset=1]            {"max_in_flight": N}: the most requests answered at once so far
                               (with --delay, how many transfers a client really runs at once);
                               reset=1 starts counting again after answering
"""
import argparse
import gzip
import hashlib
import http.server
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse
import zlib

TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}

STATE = {"counts": {}, "texts": {}, "log": [], "bomb": None, "in_flight": 0, "max_in_flight": 0}
LOCK = threading.Lock()
LAST_MODIFIED = "Tue, 14 Nov 2023 22:13:20 GMT"


def png(n):
    """A valid 4x4 RGB PNG, different for every n below 2**24: its first pixel spells n, the
    others are a colour derived from it."""
    r, g, b = (n * 37) % 256, (n * 91) % 256, (n * 173 + 40) % 256
    first = bytes([(n >> 16) & 255, (n >> 8) & 255, n & 255])
    rows = [first + bytes([r, g, b]) * 3] + [bytes([r, g, b]) * 4] * 3
    raw = b"".join(b"\x00" + row for row in rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def bump(key):
    with LOCK:
        STATE["counts"][key] = STATE["counts"].get(key, 0) + 1
        return STATE["counts"][key]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stall)
    server_version = "sheaf-test"
    sys_version = ""

    def log_message(self, fmt, *args):  # quiet; /_log keeps what tests need
        pass

    # --- answers ---------------------------------------------------------------------------

    def send(self, status, body=b"", ctype="text/plain; charset=utf-8", headers=()):
        if self.server.delay:
            time.sleep(self.server.delay)
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_file(self, rel, ctype=None, extra=()):
        root = os.path.realpath(self.server.root)
        path = os.path.realpath(os.path.join(root, rel))
        if not path.startswith(root + os.sep) or not os.path.isfile(path):
            return self.send(404, b"<p>not found</p>", "text/html; charset=utf-8")
        with open(path, "rb") as f:
            data = f.read()
        etag = '"%s"' % hashlib.sha1(data).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, b"", None, [("ETag", etag)])
        if ctype is None:
            ctype = TYPES.get(os.path.splitext(path)[1].lower(), "application/octet-stream")
        if ctype == "none":
            ctype = None
        self.send(200, data, ctype,
                  [("ETag", etag), ("Last-Modified", LAST_MODIFIED)] + list(extra))

    def redirect(self, location, status=302):
        self.send(status, b"", "text/html", [("Location", location)])

    def reset(self):
        """Drop the connection without an answer (a reset: SO_LINGER with a zero timeout)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    # --- routes ----------------------------------------------------------------------------

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        with LOCK:
            STATE["in_flight"] += 1
            STATE["max_in_flight"] = max(STATE["max_in_flight"], STATE["in_flight"])
        try:
            return self.route()
        finally:
            with LOCK:
                STATE["in_flight"] -= 1

    def route(self):
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        q = lambda k, d=None: query.get(k, [d])[0]
        with LOCK:
            STATE["log"].append({"path": self.path, "t": round(time.time(), 3),
                                 "port": self.client_address[1], "referer": self.headers.get("Referer"),
                                 "ua": self.headers.get("User-Agent"),
                                 "inm": self.headers.get("If-None-Match"),
                                 "encoding": self.headers.get("Accept-Encoding")})
        parts = path.strip("/").split("/")
        head = parts[0] if parts else ""
        rest = "/".join(parts[1:])

        if head == "files":
            return self.send_file(rest)
        if head == "typed":
            return self.send_file(rest, q("ct", "none"))
        if head == "redirect":
            n = int(parts[1])
            tail = "/".join(parts[2:])
            if n <= 0:
                return self.redirect("/files/" + tail)
            return self.redirect("/redirect/%d/%s" % (n - 1, tail))
        if head == "loop":
            return self.redirect("/loop")
        if head == "to-file":
            return self.redirect("file:///etc/passwd")
        if head == "to-ftp":
            return self.redirect("ftp://127.0.0.1/x", 301)
        if head == "status":
            code = int(parts[1])
            return self.send(code, b"<p>status %d</p>" % code, "text/html; charset=utf-8")
        if head == "retry":
            seen = bump("retry/" + parts[1])
            if seen <= int(q("times", "1")):
                hdrs = [("Retry-After", q("after"))] if q("after") is not None else []
                return self.send(int(q("status", "429")), b"busy", "text/plain", hdrs)
            return self.send_file(q("path"))
        if head == "reset":
            seen = bump("reset/" + parts[1])
            if seen <= int(q("times", "1")):
                return self.reset()
            return self.send_file(q("path"))
        if head == "slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/markdown")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                self.close_connection = True
            return
        if head == "bomb.md":
            with LOCK:
                if STATE["bomb"] is None:
                    STATE["bomb"] = gzip.compress(b"# Bomb\n\n" + b"a " * (30 << 20), 9)
                body = STATE["bomb"]
            return self.send(200, body, "text/markdown", [("Content-Encoding", "gzip")])
        if head == "huge":
            n = int(q("len", "0"))
            line = b"All work and no play makes a dull page. " * 24 + b"\n\n"
            if q("chunked"):
                self.send_response(200)
                self.send_header("Content-Type", "text/markdown")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                sent = 0
                try:
                    while sent < n:
                        piece = line[: n - sent]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        sent += len(piece)
                    self.wfile.write(b"0\r\n\r\n")
                except OSError:
                    self.close_connection = True
                return
            body = (line * (n // len(line) + 1))[:n]
            return self.send(200, body, "text/markdown")
        if head == "protected":
            ref = self.headers.get("Referer") or ""
            host = self.headers.get("Host") or ""
            if not (ref.startswith("http://%s/" % host) or ref.startswith("https://%s/" % host)):
                return self.send(403, b"<p>no hotlinking</p>", "text/html; charset=utf-8")
            return self.send_file(rest)
        if head == "echo-ua.md":
            ua = self.headers.get("User-Agent", "")
            body = ("# Who Asks\n\nThis page was asked for by `%s`.\n" % ua).encode()
            return self.send(200, body, "text/markdown; charset=utf-8")
        if head == "versioned":
            key = parts[1][:-3] if parts[1].endswith(".md") else parts[1]
            with LOCK:
                text = STATE["texts"].get(key, "first version")
            body = ("# Versioned\n\nThis is the %s of the page.\n" % text).encode()
            etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", None, [("ETag", etag)])
            return self.send(200, body, "text/markdown; charset=utf-8", [("ETag", etag)])
        if head == "_set":
            with LOCK:
                STATE["texts"][parts[1]] = urllib.parse.unquote("/".join(parts[2:]))
            return self.send(200, b"ok")
        if head == "gen" and len(parts) >= 3:
            name = parts[2]
            if parts[1] == "img" and name.endswith(".png"):
                return self.send(200, png(int(name[:-4])), "image/png")
            if parts[1] == "many" and name.endswith(".md"):
                n = int(name[:-3])
                lines = ["# A Page of %d Pictures" % n, ""]
                lines += ["![picture %d](/gen/img/%d.png)" % (i, i) for i in range(1, n + 1)]
                return self.send(200, ("\n\n".join(lines) + "\n").encode(), "text/markdown")
            if parts[1] == "list" and name.endswith(".html"):
                k = int(name[:-5])
                j = int(q("images", "2"))
                body = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
                        "<title>Article %d</title><meta name=\"author\" content=\"Writer %d\">" % (k, k % 7),
                        "</head><body><nav><a href=\"/\">Home</a> <a href=\"/more\">More</a></nav>",
                        "<article><h1>Article %d</h1>" % k,
                        "<p>Paragraph one of article %d, which talks about kilns, glazes and the "
                        "long nights of a wood firing, when the potters take turns at the fire." % k,
                        "</p><p><img src=\"/files/img/banner.png\" alt=\"the shared banner\"></p>"]
                for i in range(j):
                    body += ["<figure><img src=\"../img/%d.png\" alt=\"figure %d of article %d\">" % (1000 * k + i, i, k),
                             "<figcaption>Figure %d.</figcaption></figure>" % i,
                             "<p>Text after figure %d, with a sentence or two more to read, "
                             "about the ash, the flame and the colours they leave behind.</p>" % i]
                body += ["</article><footer>Footer links</footer></body></html>"]
                return self.send(200, "\n".join(body).encode(), "text/html; charset=utf-8")
            if parts[1] == "list" and name.endswith(".md"):
                k = int(name[:-3])
                j = int(q("images", "2"))
                body = ["---", "title: Article %d" % k, "author: Writer %d" % (k % 7), "---", "",
                        "Paragraph one of article %d, which talks about kilns and glazes." % k,
                        "", "![the shared banner](/files/img/banner.png)", ""]
                for i in range(j):
                    body += ["![figure %d of article %d](../img/%d.png)" % (i, k, 1000 * k + i), ""]
                    body += ["Text after figure %d, with a sentence or two more to read." % i, ""]
                return self.send(200, "\n".join(body).encode(), "text/markdown; charset=utf-8")
        if head == "_stats":
            with LOCK:
                body = json.dumps({"max_in_flight": STATE["max_in_flight"]}).encode()
                if q("reset"):
                    STATE["max_in_flight"] = 0
            return self.send(200, body, "application/json")
        if head == "_log":
            with LOCK:
                body = "".join(json.dumps(e) + "\n" for e in STATE["log"]).encode()
            return self.send(200, body, "application/json")
        return self.send(404, b"<p>no such route</p>", "text/html; charset=utf-8")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def write_port(port_file, port):
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, port_file)


def unreachable(port_file):
    """Listen with the smallest accept queue, fill it with connections of our own and never
    accept: the kernel drops every further SYN, so a client's connect hangs until its timeout."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    fillers = []
    for _ in range(3):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(c)
    time.sleep(0.2)
    write_port(port_file, port)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--unreachable", action="store_true")
    ap.add_argument("--root")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = ap.parse_args()
    if args.unreachable:
        return unreachable(args.port_file)
    if not args.root:
        ap.error("--root is needed")
    srv = Server(("127.0.0.1", 0), Handler)
    srv.root = args.root
    srv.delay = args.delay
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    write_port(args.port_file, srv.server_address[1])
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
