#!/usr/bin/env python3
"""A Python handler's own warm time per invocation, in process, without the Runtime API's HTTP:
the counterpart of the C++ bootstrap's `bootstrap invoke <handler> --event FILE --repeat N`.

  inprocess.py --handler handlers.lambda_handler.quote_shipping_handler --event EVENT.json \
               --repeat N --out RESULT.json

Run it with the bench venv's python, with the working directory at python/src (where
`python -m awslambdaric` runs under the emulator) and the emulator runs' environment. It does
what awslambdaric 4.2.2 does, minus the HTTP to the Runtime API:

- once: stdout/stderr made unbuffered, awslambdaric's logging set up on its standard log sink
  (stdout), the handler imported with awslambdaric's own `bootstrap._get_handler`;
- per invocation, timed (time.perf_counter_ns): the request id set as the loop does
  (`_GLOBAL_AWS_REQUEST_ID`, `update_xray_env_variable`), then awslambdaric's own
  `bootstrap.handle_event_request` with the event body as bytes (as the runtime client hands
  it over): LambdaContext created, the body parsed (simplejson, awslambdaric's marshaller), the
  handler (aws-python-helper and the demo handler), the reply serialised (awslambdaric's
  encoder), and posted to a stand-in for the runtime client that only keeps the reply text.

N invocations in all; the first (imports done, but pools, connections and caches still cold)
is reported apart. The result file holds the timings in microseconds and every reply (checked
by run.py, outside the timed section), or the error awslambdaric would have posted.
"""
import argparse
import json
import os
import sys
import time
import uuid


class RecordingClient:
    """What handle_event_request needs of awslambdaric's LambdaRuntimeClient: its marshaller and
    the two posts, which here keep the outcome instead of sending it to the Runtime API."""

    def __init__(self, marshaller):
        self.marshaller = marshaller
        self.result = None
        self.error = None

    def post_invocation_result(self, invoke_id, result_data, content_type="application/json",
                               invocation_id=None):
        self.result = result_data

    def post_invocation_error(self, invoke_id, error_response_data, xray_fault, invocation_id=None):
        self.error = error_response_data


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--handler", required=True, help="e.g. handlers.api_handler.handler")
    parser.add_argument("--event", required=True, help="the event (JSON file)")
    parser.add_argument("--repeat", type=int, required=True, help="invocations, the first included")
    parser.add_argument("--out", required=True, help="where the results go (JSON)")
    args = parser.parse_args()
    if args.repeat < 2:
        parser.error("--repeat must be at least 2 (the first invocation is reported apart)")
    with open(args.event, "rb") as f:
        body = f.read()

    # `python -m awslambdaric` has the working directory first on sys.path.
    sys.path.insert(0, os.getcwd())
    from awslambdaric import bootstrap
    from awslambdaric.lambda_runtime_marshaller import LambdaMarshaller

    # What bootstrap.run does before its loop.
    sys.stdout = bootstrap.Unbuffered(sys.stdout)
    sys.stderr = bootstrap.Unbuffered(sys.stderr)
    log_sink = bootstrap.StandardLogSink()
    bootstrap._setup_logging(bootstrap._AWS_LAMBDA_LOG_FORMAT, bootstrap._AWS_LAMBDA_LOG_LEVEL,
                             log_sink)
    request_handler = bootstrap._get_handler(args.handler)

    client = RecordingClient(LambdaMarshaller())
    arn = "arn:aws:lambda:us-east-1:012345678912:function:test_function"
    request_ids = [str(uuid.uuid4()) for _ in range(args.repeat)]
    deadline_ms = int(time.time() * 1000) + 300_000
    handle = bootstrap.handle_event_request
    update_xray = bootstrap.update_xray_env_variable
    clock = time.perf_counter_ns
    nanos, replies, errors = [], [], []
    for request_id in request_ids:
        client.result = client.error = None
        start = clock()
        bootstrap._GLOBAL_AWS_REQUEST_ID = request_id
        bootstrap._GLOBAL_TENANT_ID = None
        update_xray(None)
        handle(client, request_handler, request_id, body, "application/json", None, None, arn,
               deadline_ms, None, log_sink, None)
        nanos.append(clock() - start)
        replies.append(client.result)
        errors.append(client.error)

    micros = [n / 1000 for n in nanos]
    with open(args.out, "w") as f:
        json.dump({"handler": args.handler, "invocations": args.repeat,
                   "first_us": micros[0], "warm_us": micros[1:],
                   "replies": replies, "errors": [e for e in errors if e is not None]}, f)


if __name__ == "__main__":
    main()
