"""Signs requests with botocore's SigV4Auth, the reference for tests/unit/sigv4_botocore_test.

stdin: a JSON list of {method, url, headers: [[name, value]], body, access_key, secret_key,
token, region, service, timestamp: "YYYYmmddTHHMMSSZ"}; stdout: a JSON list of
{authorization, canonical_request} in the same order.
"""
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

requests = json.load(sys.stdin)
out = []
for r in requests:
    fixed = datetime.datetime.strptime(r["timestamp"], "%Y%m%dT%H%M%SZ")

    class Frozen(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return fixed

        @classmethod
        def now(cls, tz=None):
            return fixed.replace(tzinfo=tz) if tz else fixed

    botocore.auth.datetime.datetime = Frozen
    request = AWSRequest(method=r["method"], url=r["url"], data=r["body"].encode("utf-8"))
    for name, value in r["headers"]:
        request.headers[name] = value
    auth = botocore.auth.SigV4Auth(
        Credentials(r["access_key"], r["secret_key"], r["token"] or None), r["service"], r["region"])
    auth.add_auth(request)
    authorization = request.headers["Authorization"]
    del request.headers["Authorization"]
    canonical = auth.canonical_request(request)
    out.append({"authorization": authorization, "canonical_request": canonical})
json.dump(out, sys.stdout)
