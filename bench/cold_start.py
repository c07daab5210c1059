#!/usr/bin/env python3
"""Cold start of a bootstrap: process start to first reply, measured two ways.

1. Under the Lambda Runtime Interface Emulator: start the emulator on fresh loopback ports, wait
   until it listens, then time one invocation. The emulator starts the bootstrap on the first
   invocation (as Lambda does on a cold start), so the time covers the emulator's own sandbox
   set-up, exec, the runtime's initialisation, the first /next, the handler and the reply.
2. Direct: a minimal Runtime API in this script serves one invocation; the time runs from
   spawning the bootstrap to receiving its reply. This leaves out the emulator's overhead,
   which dominates (1).

The plain-C++ echo bootstrap is the floor in both. Runs alternate between bootstraps so machine
noise hits both alike.

  bench/cold_start.py [--runs 30] [--build build] [--compare other/bootstrap]
"""
import argparse
import http.server
import threading
import json
import os
import socket
import statistics
import subprocess
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOOR = "echo, Debian's shared libcurl (floor)"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, deadline=10.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return
        except OSError:
            time.sleep(0.002)
    raise RuntimeError(f"emulator did not listen on {port}")


def cold_start(rie, bootstrap, handler, payload):
    invoke_port, runtime_port = free_port(), free_port()
    proc = subprocess.Popen(
        [rie, "--runtime-interface-emulator-address", f"127.0.0.1:{invoke_port}",
         "--runtime-api-address", f"127.0.0.1:{runtime_port}", bootstrap, handler],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_listening(invoke_port)
        request = urllib.request.Request(
            f"http://127.0.0.1:{invoke_port}/2015-03-31/functions/function/invocations",
            data=payload.encode())
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as reply:
            body = reply.read()
        elapsed = (time.perf_counter() - start) * 1000
        warm_start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as reply:
            reply.read()
        warm = (time.perf_counter() - warm_start) * 1000
        return elapsed, warm, body
    finally:
        # SIGTERM: the emulator then kills the bootstrap (in its own process group).
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


class RuntimeApi(http.server.ThreadingHTTPServer):
    """Serves one queued event per run on /next and signals when its reply arrives."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a killed bootstrap resets its connection; that is expected here

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RuntimeApiHandler)
        self.event = None
        self.request_id = 0
        self.replied = threading.Event()
        self.reply = None
        self.lock = threading.Lock()


class RuntimeApiHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        server = self.server
        with server.lock:
            event, server.event = server.event, None
        if event is None:  # nothing queued: the bootstrap waits here until killed
            time.sleep(30)
            return
        # One write for headers and body: two small writes would meet the client's delayed ACK
        # and add ~40-200 ms that have nothing to do with the bootstrap.
        head = (f"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: {server.request_id}\r\n"
                f"Lambda-Runtime-Deadline-Ms: {int(time.time() * 1000) + 30000}\r\n"
                f"Content-Length: {len(event)}\r\n\r\n")
        self.wfile.write(head.encode() + event)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        self.wfile.write(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
        self.server.reply = body
        self.server.replied.set()


def direct_cold_start(api, bootstrap, handler, payload):
    api.request_id += 1
    api.replied.clear()
    api.event = payload.encode()
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{api.server_address[1]}",
               _HANDLER=handler)
    start = time.perf_counter()
    proc = subprocess.Popen([bootstrap, handler], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        if not api.replied.wait(10):
            raise RuntimeError(f"{bootstrap} did not reply")
        return (time.perf_counter() - start) * 1000, api.reply
    finally:
        proc.kill()
        proc.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--compare", metavar="BOOTSTRAP",
                        help="another build of the demo's bootstrap (e.g. an earlier commit's), "
                             "measured in the same run")
    args = parser.parse_args()
    rie = os.environ.get("AWS_HELPER_RIE", os.path.join(ROOT, ".peers/bin/aws-lambda-rie"))
    # generate-route without a session: the framework's error envelope before any MongoDB work,
    # so the figure is the runtime's and the framework's, not the database's. quote-shipping:
    # a handler that succeeds with no I/O at all.
    no_session = json.dumps({"data": {"shipping_id": "65f1a2b3c4d5e6f7a8b9c0d1"}})
    quote = json.dumps({"data": {"weight_kg": 2.5, "distance_km": 120, "service": "express"}})
    demo = os.path.join(args.build, "examples/demo/demo/bootstrap")
    subjects = {  # name: (bootstrap, handler, event, what the reply must hold)
        FLOOR: (os.path.join(args.build, "bench/echo/bootstrap"), "echo", quote, b"weight_kg"),
        "echo, static libcurl/libstdc++": (os.path.join(args.build, "bench/echo-static/bootstrap"),
                                           "echo", quote, b"weight_kg"),
        "demo lambda:generate-route": (demo, "lambda:generate-route", no_session,
                                       b"'session' with 'state' is required"),
        "demo lambda:quote-shipping": (demo, "lambda:quote-shipping", quote, b'"price":20.25'),
    }
    if args.compare:
        for handler, event, expected in (("lambda:generate-route", no_session,
                                          b"'session' with 'state' is required"),):
            subjects[f"--compare {handler}"] = (args.compare, handler, event, expected)
    cold = {name: [] for name in subjects}
    warm = {name: [] for name in subjects}
    direct = {name: [] for name in subjects}
    api = RuntimeApi()
    threading.Thread(target=api.serve_forever, daemon=True).start()
    for _ in range(args.runs):
        for name, (bootstrap, handler, event, expected) in subjects.items():
            c, w, body = cold_start(rie, bootstrap, handler, event)
            d, direct_body = direct_cold_start(api, bootstrap, handler, event)
            if not all(expected in b for b in (body, direct_body)):
                raise SystemExit(f"{name} replied {body!r} / {direct_body!r}")
            cold[name].append(c)
            warm[name].append(w)
            direct[name].append(d)
    api.shutdown()

    def report(title, samples):
        floor = statistics.median(samples[FLOOR])
        print(f"{title}, median of {args.runs} runs each:")
        for name in subjects:
            med = statistics.median(samples[name])
            p90 = statistics.quantiles(samples[name], n=10)[-1]
            print(f"  {name:34s} {med:7.2f} ms  (p90 {p90:7.2f})  ratio to floor {med / floor:4.2f}")

    report("direct: spawn to first reply, minimal Runtime API", direct)
    report("under the emulator: first invoke of a fresh emulator (cold start)", cold)
    report("under the emulator: second invoke (warm)", warm)


if __name__ == "__main__":
    main()
