#!/usr/bin/env python3
"""Side-by-side benchmark: the C++ demo (aws-cpp-helper) against the same handlers written with
aws-python-helper 1.0.2, under the AWS Lambda Runtime Interface Emulator, with the plain-C++
echo bootstraps as the floor.

Run it through bench/vs_python.sh, which starts FerretDB, seeds it, creates the pinned venv and
snapshots the binaries; this script expects what that sets up:

  run.py --snapshot DIR --rie PATH [--cold-rounds 15] [--warm 300] [--inprocess 2000]
         [--inprocess-db 500] [--inprocess-batches 5] [--json PATH]

DIR holds cpp/demo/bootstrap, cpp/echo/bootstrap, cpp/echo-static/bootstrap, optionally
demo.zip, and python/src (the Python handlers, byte-compiled). MONGODB_URI names the database.
The handler processes run with the interpreter running this script (the bench venv).

Variants are interleaved round-robin (the starting variant rotates each round), so machine
noise hits all alike:

- cold: per round and variant, a fresh emulator on free ports; once it listens, one invocation
  is timed from sending it to its reply ("launch -> reply": the emulator starts the process on
  that first invocation, as Lambda does on a cold start); the emulator's INIT REPORT duration
  (start of the runtime process to its first /next) is parsed from its output.
- warm: one emulator per variant, kept running; after its first invocation, --warm invocations
  each, round-robin over variants on keep-alive connections: the client's round trip, the
  emulator's REPORT Duration and the INVOKE RTDONE duration per invocation (matched by request
  id); then the peak RSS (VmHWM) of the emulator's child process (the bootstrap, or python).
- in process: each handler's own warm time per invocation without the Runtime API's HTTP:
  `bootstrap invoke <handler> --event FILE --repeat N` against inprocess.py (awslambdaric's
  own handle_event_request around the same Python handler), in batches (one process each, C++
  and Python alternating); the first invocation of each process apart, percentiles per process
  as the bootstrap prints them, then the median over the processes.
- derived: warm INVOKE RTDONE p50 minus echo-static's, per side ("framework time above the
  echo floor"), printed as such.
- zip: the C++ demo.zip against a Python deployment zip for the python3.11 runtime.

Every reply is checked against the expected one (in process: every Python reply, the C++
bootstrap's last reply per process, and for generate-route the routes each process made); a
wrong reply stops the run. Under the emulator, generate-route's shipping is set back to pending
before each invocation and its route checked and deleted after it, outside the timed sections,
so every invocation does the same database work; in process, before and after each process.
"""
import argparse
import datetime
import hashlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
INVOKE_PATH = "/2015-03-31/functions/function/invocations"
STATE = "connecticut"
SHIPPING_ID = "65f1a2b3c4d5e6f7a8b9c0d1"  # the demo's shipping (scripts/dev seeds it too)
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")

# ---- events and expected replies -------------------------------------------------------------

QUOTE_DATA = {"weight_kg": 2.5, "distance_km": 120, "service": "express"}
# 4.5 + 1.2 * 2.5 + 0.05 * 120 = 13.5; express: * 1.5
QUOTE_REPLY = {"service": "express", "price": 20.25, "currency": "USD"}


def api_gateway_event(path, query):
    """An API Gateway REST (payload 1.0) proxy event, as a `/{proxy+}` resource sends it to the
    one function that serves every route (both frameworks' single-handler layout)."""
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": "GET",
        "headers": {"Accept": "application/json", "Host": "abc123.execute-api.us-east-1.amazonaws.com",
                    "User-Agent": "vs_python-bench", "X-Forwarded-Proto": "https"},
        "multiValueHeaders": {"Accept": ["application/json"],
                              "Host": ["abc123.execute-api.us-east-1.amazonaws.com"],
                              "User-Agent": ["vs_python-bench"], "X-Forwarded-Proto": ["https"]},
        "queryStringParameters": dict(query),
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()},
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {"resourcePath": "/{proxy+}", "httpMethod": "GET", "path": "/prod" + path,
                           "stage": "prod", "requestId": str(uuid.UUID(int=1)),
                           "accountId": "123456789012", "apiId": "abc123",
                           "identity": {"sourceIp": "127.0.0.1", "userAgent": "vs_python-bench"}},
        "body": None,
        "isBase64Encoded": False,
    }


CONSTITUTIONS_EVENT = api_gateway_event("/constitutions", {"country": "us", "limit": "10"})
QUOTES_EVENT = api_gateway_event("/shipping-quotes", {"weight_kg": "2.5", "distance_km": "120",
                                                      "service": "express"})


class WrongReply(Exception):
    pass


def expect(condition, what):
    if not condition:
        raise WrongReply(what)


def check_envelope(reply, data_check):
    expect(isinstance(reply, dict) and reply.get("success") is True,
           "expected {success: true, ...}")
    expect(set(reply) == {"success", "data"}, f"unexpected envelope keys {sorted(reply)}")
    data_check(reply["data"])


def check_http(reply, body_check, headers=None):
    expect(isinstance(reply, dict) and reply.get("statusCode") == 200, "expected statusCode 200")
    got = {k.lower(): v for k, v in (reply.get("headers") or {}).items()}
    expect(got.get("content-type") == "application/json", "expected Content-Type application/json")
    for name, value in (headers or {}).items():
        expect(got.get(name.lower()) == value, f"expected header {name}: {value}")
    expect(isinstance(reply.get("body"), str), "expected a string body")
    body_check(json.loads(reply["body"]))


def generate_route_check(shipping_id):
    def data(d):
        expect(isinstance(d, dict) and set(d) == {"route_id", "shipping_id"},
               "expected data {route_id, shipping_id}")
        expect(d["shipping_id"] == shipping_id, f"expected shipping_id {shipping_id}")
        expect(isinstance(d["route_id"], str) and OBJECT_ID.match(d["route_id"]),
               "expected route_id as 24 hex digits")
    return lambda reply: check_envelope(reply, data)


def quote_check(reply):
    def data(d):
        expect(d == QUOTE_REPLY, f"expected data {QUOTE_REPLY}")
    check_envelope(reply, data)


def constitutions_check(reply):
    def body(b):
        expect(isinstance(b, dict) and set(b) == {"data", "total"}, "expected body {data, total}")
        expect(b["total"] == 1, "expected total 1")
        expect(isinstance(b["data"], list) and len(b["data"]) == 1, "expected one constitution")
        doc = b["data"][0]
        expect(isinstance(doc.get("_id"), str) and OBJECT_ID.match(doc["_id"]),
               "expected _id as 24 hex digits")
        expect({k: v for k, v in doc.items() if k != "_id"} ==
               {"name": "United States", "country": "us", "year": 1787},
               "expected the United States constitution")
    check_http(reply, body, {"X-Total-Count": "1"})


def quotes_check(reply):
    def body(b):
        expect(b == {"data": QUOTE_REPLY}, f"expected body {{data: {QUOTE_REPLY}}}")
    check_http(reply, body)


# ---- variants ----------------------------------------------------------------------------------

class Variant:
    """One thing to benchmark: a command the emulator runs, and its events."""

    def __init__(self, key, handler, side, command, cwd, event, check, before=None, after=None):
        self.key = key              # e.g. "cpp:generate-route"
        self.handler = handler      # e.g. "generate-route" (the table it belongs to)
        self.side = side            # "cpp", "python" or "floor"
        self.command = command
        self.cwd = cwd
        self.event = json.dumps(event).encode()
        self.check = check          # check(reply): raises WrongReply
        self.before = before        # called before each invocation, outside the timed section
        self.after = after          # after(reply): called after each one, outside it too


class ShippingReset:
    """generate-route modifies the database: it finds the shipping, inserts a route and marks the
    shipping scheduled. So that every invocation does the same work on collections of the same
    size, for both sides alike, the one demo shipping is set back to pending before each
    invocation and the route it made is checked and deleted after it (both outside the timed
    section, through pymongo). FerretDB's SQLite backend scans a collection for a find by _id,
    so a collection that grew during the run (or shippings seeded for one side before the
    other's) would make the later invocations, or one side, slower."""

    def __init__(self, uri, shipping_id):
        from bson import ObjectId
        from pymongo import MongoClient
        self.client = MongoClient(uri, serverSelectionTimeoutMS=5000)
        self.db = self.client["deliveries"]
        self.shipping_id = shipping_id
        self.oid = ObjectId(shipping_id)
        self.invocations = 0
        self.db["shippings"].replace_one(
            {"_id": self.oid}, {"_id": self.oid, "status": "pending", "carrier_id": "carrier-1"},
            upsert=True)
        self.db["routes"].delete_many({})

    def before(self):
        result = self.db["shippings"].update_one({"_id": self.oid}, {"$set": {"status": "pending"}})
        if result.matched_count != 1:
            raise SystemExit(f"shipping {self.shipping_id} is gone")

    def after(self, reply):
        """The invocation did its work: the shipping is scheduled and its route is there."""
        import datetime as dt
        from bson import ObjectId
        shipping = self.db["shippings"].find_one({"_id": self.oid})
        expect(shipping is not None and shipping.get("status") == "scheduled",
               f"shipping {self.shipping_id} not marked scheduled: {shipping}")
        route_id = ObjectId(reply["data"]["route_id"])
        route = self.db["routes"].find_one({"_id": route_id})
        expect(route is not None, f"route {route_id} not in deliveries.routes")
        expect({k: route.get(k) for k in ("shipping_id", "carrier_id", "state", "status")} ==
               {"shipping_id": self.oid, "carrier_id": "carrier-1", "state": STATE, "status": "pending"},
               f"route {route} is not what was expected")
        expect(isinstance(route.get("created_at"), dt.datetime), f"route {route} has no created_at date")
        expect(self.db["routes"].count_documents({}) == 1, "more than one route in deliveries.routes")
        self.db["routes"].delete_one({"_id": route_id})
        self.invocations += 1

    def batch_before(self):
        """In process (`bootstrap invoke --repeat N`, inprocess.py) nothing can run between two
        invocations of one batch: the shipping is set back to pending and the routes emptied
        before the batch only. Its first invocation (untimed) schedules the shipping; the timed
        ones find it scheduled and set it scheduled again, each inserting one route: the same
        work for both sides, in batches of the same size."""
        self.before()
        self.db["routes"].delete_many({})

    def batch_after(self, invocations, route_ids):
        """The batch did its work: the shipping is scheduled, and there is one route per
        invocation, each as expected (those of route_ids among them); then they are deleted."""
        import datetime as dt
        from bson import ObjectId
        shipping = self.db["shippings"].find_one({"_id": self.oid})
        expect(shipping is not None and shipping.get("status") == "scheduled",
               f"shipping {self.shipping_id} not marked scheduled: {shipping}")
        routes = list(self.db["routes"].find({}))
        expect(len(routes) == invocations,
               f"{len(routes)} routes in deliveries.routes after {invocations} invocations")
        for route in routes:
            expect({k: route.get(k) for k in ("shipping_id", "carrier_id", "state", "status")} ==
                   {"shipping_id": self.oid, "carrier_id": "carrier-1", "state": STATE,
                    "status": "pending"}, f"route {route} is not what was expected")
            expect(isinstance(route.get("created_at"), dt.datetime),
                   f"route {route} has no created_at date")
        have = {r["_id"] for r in routes}
        missing = [i for i in route_ids if ObjectId(i) not in have]
        expect(not missing, f"routes {missing[:3]} of the replies are not in deliveries.routes")
        self.db["routes"].delete_many({})


def make_variants(args, shipping):
    snap = args.snapshot
    demo = os.path.join(snap, "cpp", "demo", "bootstrap")
    python_src = os.path.join(snap, "python", "src")
    py = [sys.executable, "-m", "awslambdaric"]
    route_event = {"session": {"state": STATE}, "data": {"shipping_id": shipping.shipping_id}}
    route_check = generate_route_check(shipping.shipping_id)
    quote_event = {"data": QUOTE_DATA}

    def echo_check(reply):
        expect(reply == quote_event, "expected the payload echoed")

    def gr(key, side, command, cwd):
        return Variant(key, "generate-route", side, command, cwd, route_event, route_check,
                       shipping.before, shipping.after)

    variants = [
        gr("cpp:generate-route", "cpp", [demo, "lambda:generate-route"], snap),
        gr("python:generate-route", "python", py + ["handlers.lambda_handler.generate_route_handler"],
           python_src),
        Variant("cpp:GET /constitutions", "GET /constitutions", "cpp", [demo, "api"], snap,
                CONSTITUTIONS_EVENT, constitutions_check),
        Variant("python:GET /constitutions", "GET /constitutions", "python",
                py + ["handlers.api_handler.handler"], python_src, CONSTITUTIONS_EVENT,
                constitutions_check),
        Variant("cpp:quote-shipping", "quote-shipping", "cpp", [demo, "lambda:quote-shipping"], snap,
                quote_event, quote_check),
        Variant("python:quote-shipping", "quote-shipping", "python",
                py + ["handlers.lambda_handler.quote_shipping_handler"], python_src, quote_event,
                quote_check),
        Variant("cpp:GET /shipping-quotes", "GET /shipping-quotes", "cpp", [demo, "api"], snap,
                QUOTES_EVENT, quotes_check),
        Variant("python:GET /shipping-quotes", "GET /shipping-quotes", "python",
                py + ["handlers.api_handler.handler"], python_src, QUOTES_EVENT, quotes_check),
        Variant("floor:echo", "floor", "floor", [os.path.join(snap, "cpp", "echo", "bootstrap")], snap,
                quote_event, echo_check),
        Variant("floor:echo-static", "floor", "floor",
                [os.path.join(snap, "cpp", "echo-static", "bootstrap")], snap, quote_event, echo_check),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        variants = [v for v in variants if v.key in wanted or v.handler in wanted]
        if not variants:
            raise SystemExit(f"--only {args.only}: no such variant")
    return variants


# ---- the emulator ------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LIVE = []  # emulators not stopped yet: stopped on any exit (a failure, Ctrl-C)


class Emulator:
    """aws-lambda-rie running one variant on fresh loopback ports, its output in a log file."""

    def __init__(self, rie, variant, env, log_path):
        self.variant = variant
        self.log_path = log_path
        self.port = free_port()
        self.runtime_port = free_port()
        while self.runtime_port == self.port:
            self.runtime_port = free_port()
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [rie, "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
             "--runtime-api-address", f"127.0.0.1:{self.runtime_port}"] + variant.command,
            cwd=variant.cwd, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)
        self.conn = None
        self.child = None
        LIVE.append(self)

    def wait_listening(self, deadline=10.0):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.1):
                    return
            except OSError:
                time.sleep(0.002)
        self.fail(f"the emulator did not listen on 127.0.0.1:{self.port}")

    def invoke(self, event_bytes, request_id):
        """One invocation; returns (round trip in ms, status, reply bytes). Reuses the
        connection (keep-alive); a fresh emulator's first call opens it."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json", "X-Amzn-RequestId": request_id}
        start = time.perf_counter()
        self.conn.request("POST", INVOKE_PATH, body=event_bytes, headers=headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        return elapsed, response.status, body

    def find_child(self):
        """The process the emulator started (bootstrap or python)."""
        if self.child is None:
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry}/status") as f:
                        status = f.read()
                except OSError:
                    continue
                m = re.search(r"^PPid:\s+(\d+)$", status, re.M)
                if m and int(m.group(1)) == self.proc.pid:
                    self.child = int(entry)
                    break
        return self.child

    def memory(self):
        pid = self.find_child()
        if pid is None:
            self.fail("the emulator has no child process")
        with open(f"/proc/{pid}/status") as f:
            status = f.read()
        values = {k: int(re.search(rf"^{k}:\s+(\d+) kB$", status, re.M).group(1))
                  for k in ("VmHWM", "VmRSS")}
        exe = os.readlink(f"/proc/{pid}/exe")
        return {"pid": pid, "exe": exe, "vm_hwm_kib": values["VmHWM"], "vm_rss_kib": values["VmRSS"]}

    def stop(self):
        """SIGTERM: the emulator then SIGKILLs the runtime (in its own process group)."""
        if self in LIVE:
            LIVE.remove(self)
        child = self.find_child() if self.proc.poll() is None else self.child
        if self.conn is not None:
            self.conn.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if child is not None and self.still_ours(child):
            try:
                os.killpg(child, signal.SIGKILL)  # only if the emulator left it behind
            except (ProcessLookupError, PermissionError):
                pass
        self.log.close()

    def still_ours(self, pid):
        """The emulator's child is still there (and is still the command it ran)."""
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            return False
        return argv[0].decode("utf-8", "replace") == self.variant.command[0]

    def output(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def fail(self, message):
        self.stop()
        tail = "\n".join(self.output().splitlines()[-40:])
        raise SystemExit(f"{self.variant.key}: {message}\n--- emulator output ({self.log_path}):\n{tail}")


def parse_log(text):
    """REPORT Duration and INVOKE RTDONE duration per request id; INIT REPORT durations."""
    reports, rtdone, init = {}, {}, []
    current = None
    for line in text.splitlines():
        m = re.search(r"INVOKE START\(requestId: ([^)]+)\)", line)
        if m:
            current = m.group(1)
            continue
        m = re.search(r"INVOKE RTDONE\(status: (\w+), produced bytes: \d+, duration: ([0-9.]+)ms\)", line)
        if m and current is not None:
            rtdone[current] = (m.group(1), float(m.group(2)))
            continue
        m = re.search(r"INIT REPORT\(durationMs: ([0-9.]+)\)", line)
        if m:
            init.append(float(m.group(1)))
            continue
        m = re.match(r"REPORT RequestId: (\S+)\t(?:Init Duration: [0-9.]+ ms\t)?Duration: ([0-9.]+) ms", line)
        if m:
            reports[m.group(1)] = float(m.group(2))
    return reports, rtdone, init


def call(emulator, variant, request_id):
    if variant.before:
        variant.before()
    elapsed, status, body = emulator.invoke(variant.event, request_id)
    if status != 200:
        emulator.fail(f"the emulator answered HTTP {status}: {body[:500]!r}")
    try:
        reply = json.loads(body)
        variant.check(reply)
        if variant.after:
            variant.after(reply)
    except (ValueError, KeyError, TypeError, WrongReply) as error:
        emulator.fail(f"wrong reply ({error}): {body[:1000].decode('utf-8', 'replace')}")
    return elapsed, reply


# ---- in process --------------------------------------------------------------------------------

HANDLERS = ("generate-route", "GET /constitutions", "quote-shipping", "GET /shipping-quotes")
DATABASE_HANDLERS = {"generate-route", "GET /constitutions"}
# What the emulator adds to the runtime process's environment (aws-lambda-rie 1.x), minus the
# Runtime API's addresses: the in-process runs get it too.
RIE_ENV = {"AWS_LAMBDA_FUNCTION_NAME": "test_function", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
           "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "3008", "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/Functions",
           "AWS_LAMBDA_LOG_STREAM_NAME": "$LATEST", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
           "AWS_SESSION_TOKEN": ""}
CPP_TIMINGS = re.compile(r"^(\d+) invocations: first ([0-9.]+) us; then p50 ([0-9.]+) us, "
                         r"p90 ([0-9.]+) us, p99 ([0-9.]+) us$", re.M)


def rank_pct(sorted_samples, q):
    """The percentile as `bootstrap invoke --repeat` computes it: s[floor(q * (n - 1))]."""
    return sorted_samples[int(q * (len(sorted_samples) - 1))]


def safe_name(key):
    return key.replace(":", "_").replace("/", "").replace(" ", "_")


class InProcessFailure(Exception):
    pass


def inprocess_cpp(variant, event_path, repeat, env, log_base):
    """One batch: `bootstrap invoke <handler> --event FILE --repeat N`, one process. Returns its
    timings (the line it prints to stderr) and the reply (stdout), checked."""
    demo, handler = variant.command[0], variant.command[1]
    command = [demo, "invoke", handler, "--event", event_path, "--repeat", str(repeat)]
    with open(log_base + ".stdout", "wb") as out, open(log_base + ".stderr", "wb") as err:
        proc = subprocess.run(command, cwd=variant.cwd, env=env, stdin=subprocess.DEVNULL,
                              stdout=out, stderr=err, timeout=1800)
    stdout = open(log_base + ".stdout", "rb").read().decode("utf-8", "replace")
    stderr = open(log_base + ".stderr", "rb").read().decode("utf-8", "replace")
    tail = "\n".join(stderr.splitlines()[-20:])
    if proc.returncode != 0:
        raise InProcessFailure(f"{' '.join(command)} exited {proc.returncode}: {stdout[:1000]}\n{tail}")
    m = CPP_TIMINGS.search(stderr)
    if not m or int(m.group(1)) != repeat:
        raise InProcessFailure(f"{' '.join(command)}: no timings line for {repeat} invocations:\n{tail}")
    try:
        reply = json.loads(stdout)
        variant.check(reply)
    except (ValueError, KeyError, TypeError, WrongReply) as error:
        raise InProcessFailure(f"{' '.join(command)}: wrong reply ({error}): {stdout[:1000]}")
    batch = {"invocations": repeat, "first_us": float(m.group(2)), "p50_us": float(m.group(3)),
             "p90_us": float(m.group(4)), "p99_us": float(m.group(5)), "line": m.group(0),
             "command": command}
    return batch, [reply]


def inprocess_python(variant, event_path, repeat, env, log_base):
    """One batch: inprocess.py, one process. Returns its timings, with the percentiles computed as
    the bootstrap computes them, and every reply, each checked."""
    out_path = log_base + ".json"
    command = [sys.executable, os.path.join(HERE, "inprocess.py"), "--handler", variant.command[-1],
               "--event", event_path, "--repeat", str(repeat), "--out", out_path]
    with open(log_base + ".stdout", "wb") as out, open(log_base + ".stderr", "wb") as err:
        proc = subprocess.run(command, cwd=variant.cwd, env=env, stdin=subprocess.DEVNULL,
                              stdout=out, stderr=err, timeout=1800)
    if proc.returncode != 0:
        stderr = open(log_base + ".stderr", "rb").read().decode("utf-8", "replace")
        raise InProcessFailure(f"{' '.join(command)} exited {proc.returncode}:\n"
                               + "\n".join(stderr.splitlines()[-20:]))
    with open(out_path) as f:
        result = json.load(f)
    if result["errors"]:
        raise InProcessFailure(f"{variant.key}: {len(result['errors'])} invocations failed: "
                               f"{result['errors'][0][:1000]}")
    replies, checked = [], {}
    for text in result["replies"]:
        if text not in checked:
            try:
                checked[text] = json.loads(text)
                variant.check(checked[text])
            except (ValueError, KeyError, TypeError, WrongReply) as error:
                raise InProcessFailure(f"{variant.key}: wrong reply ({error}): {text[:1000]}")
        replies.append(checked[text])
    warm = sorted(result["warm_us"])
    batch = {"invocations": repeat, "first_us": result["first_us"], "p50_us": rank_pct(warm, 0.5),
             "p90_us": rank_pct(warm, 0.9), "p99_us": rank_pct(warm, 0.99),
             "command": command, "warm_us": result["warm_us"]}
    return batch, replies


def run_inprocess(args, variants, env, shipping, work, logs):
    """Per handler with both sides present: --inprocess-batches batches per side, each one process
    running 1 + N/batches invocations; batches alternate C++ and Python (the side going first
    alternating too), handlers rotating, so that machine noise hits both sides alike."""
    by_key = {v.key: v for v in variants}
    handlers = [h for h in HANDLERS if f"cpp:{h}" in by_key and f"python:{h}" in by_key]
    if not handlers or args.inprocess <= 0:
        return {}
    events = os.path.join(work, "events")
    os.makedirs(events, exist_ok=True)
    env = dict(env, **RIE_ENV)
    plan, results = {}, {}
    for h in handlers:
        total = args.inprocess_db if h in DATABASE_HANDLERS else args.inprocess
        per_batch = max(1, total // args.inprocess_batches)
        plan[h] = per_batch
        path = os.path.join(events, safe_name(h) + ".json")
        with open(path, "wb") as f:
            f.write(by_key[f"cpp:{h}"].event)
        results[h] = {"event_file": path, "batches_per_side": args.inprocess_batches,
                      "timed_per_batch": per_batch, "cpp": {"batches": []}, "python": {"batches": []}}
    print(f"in process: {args.inprocess_batches} batches per side of 1 + N/{args.inprocess_batches} "
          f"invocations ({', '.join(f'{h}: 1 + {n}' for h, n in plan.items())})",
          file=sys.stderr, flush=True)
    runners = {"cpp": inprocess_cpp, "python": inprocess_python}
    for b in range(args.inprocess_batches):
        for i, h in enumerate(rotate(handlers, b)):
            sides = ("cpp", "python") if (b + i) % 2 == 0 else ("python", "cpp")
            for side in sides:
                v = by_key[f"{side}:{h}"]
                repeat = plan[h] + 1
                if h == "generate-route":
                    shipping.batch_before()
                log_base = os.path.join(logs, f"{safe_name(v.key)}-inprocess{b}")
                try:
                    batch, replies = runners[side](v, results[h]["event_file"], repeat, env, log_base)
                    if h == "generate-route":
                        shipping.batch_after(repeat, [r["data"]["route_id"] for r in replies])
                except (InProcessFailure, WrongReply, subprocess.TimeoutExpired) as error:
                    raise SystemExit(f"in process, {v.key}, batch {b + 1}: {error}")
                batch["order"] = sides.index(side)
                results[h][side]["batches"].append(batch)
        print(f"  batch {b + 1}/{args.inprocess_batches}", file=sys.stderr, flush=True)
    for h, r in results.items():
        for side in ("cpp", "python"):
            batches = r[side]["batches"]
            r[side]["summary"] = {
                stat: statistics.median(x[stat] for x in batches)
                for stat in ("first_us", "p50_us", "p90_us", "p99_us")}
            r[side]["summary"]["p50_us_range"] = [min(x["p50_us"] for x in batches),
                                                  max(x["p50_us"] for x in batches)]
            r[side]["summary"]["p99_us_range"] = [min(x["p99_us"] for x in batches),
                                                  max(x["p99_us"] for x in batches)]
        # Python's samples pooled over its batches, for reference (the C++ side prints only
        # percentiles per process, so the table compares medians over batches on both sides).
        pooled = [s for x in r["python"]["batches"] for s in x["warm_us"]]
        r["python"]["pooled"] = summary(pooled)
    return results


# ---- statistics and tables ---------------------------------------------------------------------

def pct(samples, p):
    """Percentile with linear interpolation between closest ranks (numpy's default)."""
    s = sorted(samples)
    if not s:
        return None
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(samples):
    if not samples:
        return None
    return {"n": len(samples), "min": min(samples), "p50": pct(samples, 50), "p90": pct(samples, 90),
            "p99": pct(samples, 99), "max": max(samples), "mean": statistics.fmean(samples)}


def fmt_ms(v):
    if v is None:
        return "n/a"
    return f"{v:.2f} ms" if v < 100 else f"{v:.1f} ms"


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}×"


def fmt_mib(kib):
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


def fmt_bytes(n):
    if n is None:
        return "n/a"
    return f"{n / 1e6:.2f} MB ({n:,} B)"


# ---- Python deployment zip --------------------------------------------------------------------

def dir_size(path):
    total, files = 0, 0
    for base, _, names in os.walk(path):
        for name in names:
            p = os.path.join(base, name)
            if not os.path.islink(p):
                total += os.path.getsize(p)
                files += 1
    return total, files


def zip_facts(path):
    with zipfile.ZipFile(path) as z:
        infos = [i for i in z.infolist() if not i.is_dir()]
    return {"path": path, "compressed_bytes": os.path.getsize(path),
            "unpacked_bytes": sum(i.file_size for i in infos), "files": len(infos)}


def build_python_zips(args, work):
    """The handlers (python/src, byte-compiled) plus `pip install --target` of
    aws-python-helper==1.0.2 and its declared dependencies for the python3.11 runtime
    (manylinux2014_x86_64 wheels), versions constrained to the bench venv's; once without
    boto3/botocore (the python3.11 runtime provides them), once with boto3 added."""
    constraints = os.path.join(work, "constraints.txt")
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all"], check=True,
                            capture_output=True, text=True).stdout
    with open(constraints, "w") as f:
        f.write("\n".join(l for l in freeze.splitlines() if "==" in l and not l.startswith(("pip==", "setuptools=="))) + "\n")
    results = {}
    for name, extra in (("python", []), ("python+boto3", ["boto3"])):
        stage = os.path.join(work, "zip-" + name.replace("+", "-"))
        site = stage
        shutil.copytree(os.path.join(args.snapshot, "python", "src"), stage)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-input", "--target", site, "--platform", "manylinux2014_x86_64",
             "--implementation", "cp", "--python-version", "3.11", "--only-binary=:all:",
             "-c", constraints, "aws-python-helper==1.0.2"] + extra, check=True)
        dists = sorted(d[:-len(".dist-info")] for d in os.listdir(site) if d.endswith(".dist-info"))
        out = os.path.join(work, name.replace("+", "-") + ".zip")
        subprocess.run(["zip", "-q", "-9", "-r", "-y", "-X", out, "."], cwd=stage, check=True)
        facts = zip_facts(out)
        facts["distributions"] = dists
        pyc = sum(1 for b, _, ns in os.walk(stage) for n in ns if n.endswith(".pyc"))
        facts["pyc_files"] = pyc
        results[name] = facts
    return results


# ---- what was measured ---------------------------------------------------------------------------

def file_facts(path):
    facts = {"path": path, "bytes": os.path.getsize(path)}
    with open(path, "rb") as f:
        facts["sha256"] = hashlib.sha256(f.read()).hexdigest()
    try:
        notes = subprocess.run(["readelf", "-n", path], capture_output=True, text=True).stdout
        m = re.search(r"Build ID: ([0-9a-f]+)", notes)
        facts["build_id"] = m.group(1) if m else None
    except OSError:
        facts["build_id"] = None
    return facts


def snapshot_facts(snapshot):
    facts = {}
    for name in ("demo", "echo", "echo-static"):
        facts[name] = file_facts(os.path.join(snapshot, "cpp", name, "bootstrap"))
    demo_zip = os.path.join(snapshot, "demo.zip")
    if os.path.exists(demo_zip):
        with tempfile.TemporaryDirectory() as tmp:
            with zipfile.ZipFile(demo_zip) as z:
                z.extract("bootstrap", tmp)
            inner = file_facts(os.path.join(tmp, "bootstrap"))
        inner["path"] = "demo.zip:bootstrap"
        facts["demo.zip:bootstrap"] = inner
        facts["demo.zip:bootstrap"]["same_build_as_benchmarked_bootstrap"] = (
            inner["build_id"] is not None and inner["build_id"] == facts["demo"]["build_id"])
    return facts


# ---- the run -----------------------------------------------------------------------------------

def rotate(items, k):
    k %= len(items)
    return items[k:] + items[:k]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshot", help="folder with the snapshot of binaries and handlers")
    parser.add_argument("--rie", help="aws-lambda-rie")
    parser.add_argument("--cold-rounds", type=int, default=15, help="cold starts per variant (default 15)")
    parser.add_argument("--cold-warmup", type=int, default=1,
                        help="untimed cold rounds first, to warm the page cache (default 1)")
    parser.add_argument("--warm", type=int, default=300,
                        help="warm invocations per variant after the first (default 300)")
    parser.add_argument("--inprocess", type=int, default=2000,
                        help="in process: timed invocations per side of each no-I/O handler "
                             "(default 2000; 0 skips the in-process runs)")
    parser.add_argument("--inprocess-db", type=int, default=500,
                        help="in process: timed invocations per side of each database handler (default 500)")
    parser.add_argument("--inprocess-batches", type=int, default=5,
                        help="in process: processes per side and handler, C++ and Python alternating; "
                             "each runs 1 + N/batches invocations (default 5)")
    parser.add_argument("--json", default=os.path.join(HERE, "results.json"), help="raw results (JSON)")
    parser.add_argument("--only", help="comma-separated variant keys or handler names")
    parser.add_argument("--no-zip", action="store_true", help="skip the deployment zip comparison")
    parser.add_argument("--keep-logs", help="copy the emulators' output here")
    parser.add_argument("--meta", help="JSON file with facts from the wrapper (versions, snapshot)")
    parser.add_argument("--print", dest="print_json", metavar="JSON",
                        help="only print the tables of an earlier run's raw results")
    args = parser.parse_args()
    if args.print_json:
        with open(args.print_json) as f:
            print_tables(json.load(f), args)
        return
    if not args.snapshot or not args.rie:
        parser.error("--snapshot and --rie are required (bench/vs_python.sh passes them)")
    args.snapshot, args.rie = os.path.abspath(args.snapshot), os.path.abspath(args.rie)
    if args.inprocess_batches < 1 or (args.inprocess > 0 and min(args.inprocess, args.inprocess_db)
                                      < args.inprocess_batches):
        parser.error("--inprocess-batches must be at least 1 and at most --inprocess / --inprocess-db")

    uri = os.environ.get("MONGODB_URI")
    if not uri:
        raise SystemExit("MONGODB_URI is not set (run bench/vs_python.sh)")
    work = tempfile.mkdtemp(prefix="vs-python-run.")
    logs = os.path.join(work, "logs")
    os.makedirs(logs)

    # One environment for every handler process: both frameworks read the database from it
    # (the C++ framework MONGODB_URI, aws-python-helper 1.0.2 only MONGO_DB_URI).
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": work,
           "TZ": "UTC", "MONGODB_URI": uri, "MONGO_DB_URI": uri,
           "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}

    shipping = ShippingReset(uri, SHIPPING_ID)
    variants = make_variants(args, shipping)
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()

    results = {v.key: {"handler": v.handler, "side": v.side, "command": v.command, "cwd": v.cwd,
                       "cold": [], "warm": {}, "sample_reply": None} for v in variants}

    # -- cold starts ---------------------------------------------------------------------------
    total = args.cold_warmup + args.cold_rounds
    print(f"cold: {args.cold_warmup} untimed + {args.cold_rounds} rounds × {len(variants)} variants",
          file=sys.stderr, flush=True)
    for r in range(total):
        timed = r >= args.cold_warmup
        for v in rotate(variants, r):
            log_path = os.path.join(logs, f"{v.key.replace(':', '_').replace('/', '').replace(' ', '_')}-cold{r}.log")
            emulator = Emulator(args.rie, v, env, log_path)
            emulator.wait_listening()
            request_id = str(uuid.uuid4())
            elapsed, reply = call(emulator, v, request_id)
            emulator.stop()
            reports, rtdone, init = parse_log(emulator.output())
            if request_id not in reports or request_id not in rtdone or len(init) != 1:
                emulator.fail("no REPORT / INVOKE RTDONE / INIT REPORT for the cold invocation")
            if not timed:
                continue
            results[v.key]["cold"].append({"launch_to_reply_ms": elapsed, "init_report_ms": init[0],
                                           "report_duration_ms": reports[request_id],
                                           "rtdone_ms": rtdone[request_id][1]})
            if results[v.key]["sample_reply"] is None:
                results[v.key]["sample_reply"] = reply
        print(f"  round {r + 1}/{total}{'' if timed else ' (untimed)'}", file=sys.stderr, flush=True)

    # -- warm ------------------------------------------------------------------------------------
    print(f"warm: {args.warm} invocations × {len(variants)} variants, round-robin", file=sys.stderr, flush=True)
    emulators = {}
    ids = {v.key: [] for v in variants}
    rtts = {v.key: [] for v in variants}
    first = {}
    try:
        for v in variants:
            e = Emulator(args.rie, v, env, os.path.join(logs, f"{v.key.replace(':', '_').replace('/', '').replace(' ', '_')}-warm.log"))
            emulators[v.key] = e
            e.wait_listening()
            first[v.key] = call(e, v, str(uuid.uuid4()))[0]
        for i in range(args.warm):
            for v in rotate(variants, i):
                request_id = str(uuid.uuid4())
                elapsed, _ = call(emulators[v.key], v, request_id)
                ids[v.key].append(request_id)
                rtts[v.key].append(elapsed)
            if (i + 1) % 100 == 0:
                print(f"  {i + 1}/{args.warm}", file=sys.stderr, flush=True)
        memory = {key: e.memory() for key, e in emulators.items()}
    finally:
        for e in emulators.values():
            e.stop()
    for v in variants:
        e = emulators[v.key]
        reports, rtdone, _ = parse_log(e.output())
        missing = [i for i in ids[v.key] if i not in reports or i not in rtdone]
        if missing:
            raise SystemExit(f"{v.key}: {len(missing)} warm invocations without REPORT/RTDONE in {e.log_path}")
        results[v.key]["warm"] = {
            "first_invocation_ms": first[v.key],
            "rtt_ms": rtts[v.key],
            "report_duration_ms": [reports[i] for i in ids[v.key]],
            "rtdone_ms": [rtdone[i][1] for i in ids[v.key]],
        }
        results[v.key]["memory"] = memory[v.key]

    expected = sum(args.cold_warmup + args.cold_rounds + 1 + args.warm
                   for v in variants if v.handler == "generate-route")
    if shipping.invocations != expected:
        raise SystemExit(f"generate-route: {shipping.invocations} invocations checked, {expected} made")

    # -- in process ------------------------------------------------------------------------------
    inprocess = run_inprocess(args, variants, env, shipping, work, logs)
    load_after = os.getloadavg()
    finished = datetime.datetime.now(datetime.timezone.utc)

    # -- zips ------------------------------------------------------------------------------------
    zips = {}
    if not args.no_zip:
        demo_zip = os.path.join(args.snapshot, "demo.zip")
        zips["cpp"] = zip_facts(demo_zip) if os.path.exists(demo_zip) else None
        if zips["cpp"] is not None:
            with zipfile.ZipFile(demo_zip) as z:
                zips["cpp"]["entries"] = [i.filename for i in z.infolist()]
        print("zip: building the Python deployment zips (pip install --target)", file=sys.stderr, flush=True)
        zips.update(build_python_zips(args, work))

    # -- summaries -------------------------------------------------------------------------------
    for key, r in results.items():
        cold = r["cold"]
        r["summary"] = {
            "cold_launch_to_reply_ms": summary([c["launch_to_reply_ms"] for c in cold]),
            "cold_init_report_ms": summary([c["init_report_ms"] for c in cold]),
            "cold_report_duration_ms": summary([c["report_duration_ms"] for c in cold]),
            "cold_rtdone_ms": summary([c["rtdone_ms"] for c in cold]),
            "warm_rtt_ms": summary(r["warm"]["rtt_ms"]),
            "warm_report_duration_ms": summary(r["warm"]["report_duration_ms"]),
            "warm_rtdone_ms": summary(r["warm"]["rtdone_ms"]),
        }

    meta = {}
    if args.meta and os.path.exists(args.meta):
        with open(args.meta) as f:
            meta = json.load(f)
    meta.update({
        "snapshot": snapshot_facts(args.snapshot),
        "started": started.isoformat(), "finished": finished.isoformat(),
        "machine": {"nproc": os.cpu_count(), "kernel": platform.release(),
                    "loadavg_before": load_before, "loadavg_after": load_after},
        "python": sys.version, "python_executable": sys.executable,
        "pip_freeze": subprocess.run([sys.executable, "-m", "pip", "freeze"], capture_output=True,
                                     text=True).stdout.split(),
        "parameters": {"cold_rounds": args.cold_rounds, "cold_warmup": args.cold_warmup,
                       "warm": args.warm, "only": args.only, "inprocess": args.inprocess,
                       "inprocess_db": args.inprocess_db, "inprocess_batches": args.inprocess_batches},
        "environment_added_in_process": sorted(RIE_ENV),
        "environment_given_to_handlers": sorted(env),
        "generate_route_invocations_checked": shipping.invocations,
        "events": {"generate-route": {"session": {"state": STATE}, "data": {"shipping_id": SHIPPING_ID}},
                   "quote-shipping": {"data": QUOTE_DATA},
                   "GET /constitutions": CONSTITUTIONS_EVENT, "GET /shipping-quotes": QUOTES_EVENT},
    })
    out = {"meta": meta, "variants": results, "inprocess": inprocess, "zips": zips}
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1)
    if args.keep_logs:
        shutil.copytree(logs, args.keep_logs, dirs_exist_ok=True)
    shutil.rmtree(work, ignore_errors=True)

    print_tables(out, args)
    print(f"\nraw results: {args.json}")


def fmt_us(v):
    if v is None:
        return "n/a"
    return f"{v:.1f} µs" if v < 1000 else f"{v / 1000:.2f} ms"


def print_inprocess(inprocess, meta):
    if not inprocess:
        return
    print("\n### In process (framework + handler, no Runtime API HTTP)\n")
    any_h = next(iter(inprocess.values()))
    print(f"Each handler's own warm time per invocation, in one process, event JSON text in, reply "
          f"JSON text out: C++ `bootstrap invoke <handler> --event FILE --repeat N` (runtime "
          f"context, event parse, framework, handler, reply serialisation), Python "
          f"`inprocess.py` (awslambdaric 4.2.2's own handle_event_request: LambdaContext, "
          f"simplejson parse, aws-python-helper and the handler, reply serialisation), same "
          f"working directory and environment as under the emulator. "
          f"{any_h['batches_per_side']} processes per side and handler, C++ and Python "
          f"alternating; each process's first invocation is excluded (shown apart). Percentiles "
          f"per process as the bootstrap prints them (s[floor(q·(n−1))]), then the median over "
          f"the processes.\n")
    print("| handler | timed invocations per side | C++ p50 | C++ p99 | Python p50 | Python p99 | "
          "Python/C++ p50 | Python/C++ p99 | first invocation C++ / Python |")
    print("|---|---|---|---|---|---|---|---|---|")
    for h, r in inprocess.items():
        c, p = r["cpp"]["summary"], r["python"]["summary"]
        n = r["timed_per_batch"] * r["batches_per_side"]
        print(f"| {h} | {n} ({r['batches_per_side']} × {r['timed_per_batch']}) | {fmt_us(c['p50_us'])} | "
              f"{fmt_us(c['p99_us'])} | {fmt_us(p['p50_us'])} | {fmt_us(p['p99_us'])} | "
              f"{fmt_ratio(p['p50_us'], c['p50_us'])} | {fmt_ratio(p['p99_us'], c['p99_us'])} | "
              f"{fmt_us(c['first_us'])} / {fmt_us(p['first_us'])} |")
    print("\np50 over the processes (min–max): " + "; ".join(
        f"{h}: C++ {fmt_us(r['cpp']['summary']['p50_us_range'][0])}–{fmt_us(r['cpp']['summary']['p50_us_range'][1])}, "
        f"Python {fmt_us(r['python']['summary']['p50_us_range'][0])}–{fmt_us(r['python']['summary']['p50_us_range'][1])}"
        for h, r in inprocess.items()) + ".")
    if "generate-route" in inprocess:
        print("\ngenerate-route in process: the shipping is reset to pending before each process "
              "only (nothing can run between two invocations of one process), so the untimed first "
              "invocation schedules it and the timed ones find it scheduled, set it scheduled again "
              "and insert one route each (every reply a success; the routes checked and deleted "
              "after each process). The same work on both sides, not quite the emulator runs' "
              "(where every invocation changes the status).")


def print_above_floor(v, floor_name):
    floor = v.get(f"floor:{floor_name}", {}).get("summary", {}).get("warm_rtdone_ms")
    rows = []
    for h in HANDLERS:
        c = v.get(f"cpp:{h}", {}).get("summary", {}).get("warm_rtdone_ms")
        p = v.get(f"python:{h}", {}).get("summary", {}).get("warm_rtdone_ms")
        if c and p:
            rows.append((h, c["p50"], p["p50"]))
    if floor is None or not rows:
        return
    f = floor["p50"]
    print(f"\n### Derived: framework time above the echo floor (emulator warm runs)\n")
    print(f"A derived figure, not a measured distribution: warm INVOKE RTDONE p50 of each variant "
          f"minus that of {floor_name} ({fmt_ms(f)}), a bare C++ runtime loop echoing the payload. "
          f"The same floor is subtracted on both sides, so the Python figure also holds whatever "
          f"awslambdaric's own loop costs above that C++ loop.\n")
    print(f"| handler | C++ RTDONE p50 | Python RTDONE p50 | C++ above floor | Python above floor | "
          f"Python/C++ (above floor) |")
    print("|---|---|---|---|---|---|")
    for h, c, p in rows:
        ca, pa = c - f, p - f
        ratio = fmt_ratio(pa, ca) if ca > 0 else "n/a (C++ at or below the floor)"
        print(f"| {h} | {fmt_ms(c)} | {fmt_ms(p)} | {ca * 1000:.0f} µs | {pa * 1000:.0f} µs | {ratio} |")


def print_tables(out, args):
    v = out["variants"]
    meta = out["meta"]
    p = meta["parameters"]
    print(f"\n## C++ (aws-cpp-helper demo) vs Python (aws-python-helper 1.0.2) under aws-lambda-rie\n")
    print(f"{p['cold_rounds']} cold starts per variant ({p['cold_warmup']} untimed round first), "
          f"{p['warm']} warm invocations per variant after the first, variants interleaved "
          f"round-robin; {meta['machine']['nproc']} cores, load average "
          f"{meta['machine']['loadavg_before'][0]:.2f} before / {meta['machine']['loadavg_after'][0]:.2f} after. "
          f"Cold figures: median (p90); warm: percentiles over all invocations.")

    floor_name = "echo-static" if "floor:echo-static" in v else "echo"

    def get(key, metric, stat):
        s = v.get(key, {}).get("summary", {}).get(metric)
        return None if s is None else s[stat]

    for handler in ("generate-route", "GET /constitutions", "quote-shipping", "GET /shipping-quotes"):
        c, py = f"cpp:{handler}", f"python:{handler}"
        if c not in v and py not in v:
            continue
        print(f"\n### {handler}\n")
        print(f"| | C++ | Python | Python/C++ | C++/floor ({floor_name}) |")
        print("|---|---|---|---|---|")

        def row(label, metric, stat, floor_ratio=False, paren=None):
            a, b = get(c, metric, stat), get(py, metric, stat)
            fa = get(f"floor:{floor_name}", metric, stat) if floor_ratio else None
            sa = fmt_ms(a) + (f" ({fmt_ms(get(c, metric, paren))})" if paren and a is not None else "")
            sb = fmt_ms(b) + (f" ({fmt_ms(get(py, metric, paren))})" if paren and b is not None else "")
            print(f"| {label} | {sa} | {sb} | {fmt_ratio(b, a)} | {fmt_ratio(a, fa) if floor_ratio else ''} |")

        row("cold: launch → reply", "cold_launch_to_reply_ms", "p50", True, "p90")
        row("cold: INIT REPORT (process start → first /next)", "cold_init_report_ms", "p50", True, "p90")
        row("cold: first invocation in the runtime (INVOKE RTDONE)", "cold_rtdone_ms", "p50", True, "p90")
        row("warm: round trip p50", "warm_rtt_ms", "p50")
        row("warm: round trip p90", "warm_rtt_ms", "p90")
        row("warm: round trip p99", "warm_rtt_ms", "p99")
        row("warm: REPORT Duration p50", "warm_report_duration_ms", "p50")
        row("warm: INVOKE RTDONE p50", "warm_rtdone_ms", "p50")
        mc = v.get(c, {}).get("memory", {}).get("vm_hwm_kib")
        mp = v.get(py, {}).get("memory", {}).get("vm_hwm_kib")
        print(f"| peak RSS (VmHWM) after the warm runs | {fmt_mib(mc)} | {fmt_mib(mp)} | "
              f"{fmt_ratio(mp, mc)} | |")

    print("\n### Floors (plain C++ runtime loop echoing the payload)\n")
    print("| | echo (shared libcurl) | echo-static (static libcurl/libstdc++) |")
    print("|---|---|---|")
    for label, metric, stat in (("cold: launch → reply p50", "cold_launch_to_reply_ms", "p50"),
                                ("cold: INIT REPORT p50", "cold_init_report_ms", "p50"),
                                ("cold: first invocation (INVOKE RTDONE) p50", "cold_rtdone_ms", "p50"),
                                ("warm: round trip p50", "warm_rtt_ms", "p50"),
                                ("warm: round trip p99", "warm_rtt_ms", "p99"),
                                ("warm: REPORT Duration p50", "warm_report_duration_ms", "p50"),
                                ("warm: INVOKE RTDONE p50", "warm_rtdone_ms", "p50")):
        print(f"| {label} | {fmt_ms(get('floor:echo', metric, stat))} | {fmt_ms(get('floor:echo-static', metric, stat))} |")
    print(f"| peak RSS (VmHWM) | {fmt_mib(v.get('floor:echo', {}).get('memory', {}).get('vm_hwm_kib'))} | "
          f"{fmt_mib(v.get('floor:echo-static', {}).get('memory', {}).get('vm_hwm_kib'))} |")

    print_inprocess(out.get("inprocess"), meta)
    print_above_floor(v, floor_name)

    z = out["zips"]
    if z:
        print("\n### Deployment zips\n")
        print("| | compressed | unpacked | files |")
        print("|---|---|---|---|")
        c = z.get("cpp")
        if c is None:
            print("| C++ demo.zip (provided.al2023) | missing: build/examples/demo/demo.zip was not there "
                  "(cmake --build build --target demo-zip) | | |")
        else:
            print(f"| C++ demo.zip (provided.al2023: {', '.join(c['entries'])}) | {fmt_bytes(c['compressed_bytes'])} | "
                  f"{fmt_bytes(c['unpacked_bytes'])} | {c['files']} |")
        for name, label in (("python", "Python, python3.11 runtime (boto3/botocore excluded)"),
                            ("python+boto3", "Python, with boto3 bundled")):
            f = z.get(name)
            if f:
                print(f"| {label} | {fmt_bytes(f['compressed_bytes'])} | {fmt_bytes(f['unpacked_bytes'])} | {f['files']} |")
        inner = meta.get("snapshot", {}).get("demo.zip:bootstrap")
        if inner is not None and not inner.get("same_build_as_benchmarked_bootstrap"):
            print(f"\nNote: the bootstrap inside demo.zip (build id {inner['build_id']}) is not the build of "
                  f"the benchmarked bootstrap (build id {meta['snapshot']['demo']['build_id']}): demo.zip is "
                  f"older than the last build of the demo (rebuild it with cmake --build build --target demo-zip).")
        if c and z.get("python"):
            print(f"\nPython/C++: {z['python']['compressed_bytes'] / c['compressed_bytes']:.2f}× compressed, "
                  f"{z['python']['unpacked_bytes'] / c['unpacked_bytes']:.2f}× unpacked "
                  f"(with boto3: {z['python+boto3']['compressed_bytes'] / c['compressed_bytes']:.2f}× / "
                  f"{z['python+boto3']['unpacked_bytes'] / c['unpacked_bytes']:.2f}×).")
        if z.get("python"):
            print(f"\nPython zip contents: the handlers (api/, lambda/, handlers/, schemas/, repositories/) and "
                  f"`pip install --target` (manylinux2014_x86_64, cp311 wheels, .pyc compiled by pip: "
                  f"{z['python']['pyc_files']} files) of: {', '.join(z['python']['distributions'])}. "
                  f"With boto3 also: "
                  f"{', '.join(sorted(set(z['python+boto3']['distributions']) - set(z['python']['distributions'])))}.")


if __name__ == "__main__":
    try:
        main()
    finally:
        for leftover in list(LIVE):
            leftover.stop()
