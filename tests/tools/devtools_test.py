"""The developer tools from outside, as a user runs them on the demo's bootstrap:

- `bootstrap openapi` validated by openapi-spec-validator (a kept validator, not ours);
- every `bootstrap events <kind>` piped into `bootstrap invoke`, the reply checked;
- `bootstrap serve`'s Swagger UI driven in Debian's chromium: the routes listed, one request
  made with "Try it out" and its reply read from the page; a screenshot is saved.

Run by ctest (tests/tools/CMakeLists.txt) with the run's FerretDB (AWS_HELPER_FERRETDB_URI).
    python devtools_test.py <bootstrap> <swagger-ui-dist> <output dir> [unittest args]
"""

import base64
import json
import os
import select
import socket
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

BOOTSTRAP, SWAGGER_UI, OUT = sys.argv[1:4]


def run(*args, stdin=None, env=None, check=True):
    merged = dict(os.environ)
    merged.update(env or {})
    result = subprocess.run([BOOTSTRAP, *args], input=stdin, capture_output=True, text=True,
                            env=merged, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"bootstrap {' '.join(args)} exited {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def event(*args):
    return json.loads(run("events", *args).stdout)


def invoke(handler, payload):
    result = run("invoke", handler, "--event", "-", stdin=json.dumps(payload), check=False)
    return json.loads(result.stdout)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mongo():
    import pymongo  # the venv's; the Python framework's pinned version
    uri = os.environ.get("AWS_HELPER_FERRETDB_URI")
    if not uri:
        raise AssertionError("AWS_HELPER_FERRETDB_URI is not set: run through ./scripts/test")
    return pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000)


class OpenApiTest(unittest.TestCase):
    def document(self, **env):
        return json.loads(run("openapi", "--api-version", "3.2.1", env=env).stdout)

    def test_the_demo_document_validates_in_every_auth_mode(self):
        from openapi_spec_validator import validate
        for mode in ("none", "user", "state", "full", "permission"):
            with self.subTest(mode=mode):
                doc = self.document(AUTHORIZATION=mode, SERVICE_CODE="demo")
                validate(doc)  # raises with the path of what is wrong
                self.assertEqual(doc["openapi"], "3.1.0")
                self.assertEqual(doc["info"]["version"], "3.2.1")

    def test_it_describes_the_demo_as_it_answers(self):
        doc = self.document(AUTHORIZATION="none")
        routes = run("routes").stdout.split("\n")
        listed = {(line.split()[0].lower(), line.split()[1]) for line in routes if line.strip()}
        documented = {(method, path) for path, item in doc["paths"].items() for method in item}
        self.assertEqual(documented, listed)
        post = doc["paths"]["/shippings"]["post"]
        self.assertIn("201", post["responses"])
        created = post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
        self.assertEqual(created, "#/components/schemas/ShippingCreated")
        # ShippingsPostAPI is AUTHORIZATION=state whatever the environment says.
        self.assertIn({"$ref": "#/components/parameters/State"}, post["parameters"])
        body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        self.assertEqual(doc["components"]["schemas"][body.split("/")[-1]]["required"],
                         ["customer_id", "address", "items"])
        quotes = doc["paths"]["/shipping-quotes"]["get"]
        self.assertEqual({p["name"] for p in quotes["parameters"] if p.get("in") == "query"},
                         {"weight_kg", "distance_km", "service"})
        self.assertIn("204", doc["paths"]["/users/{id}"]["delete"]["responses"])


class EventsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = mongo()
        cls.db.core.states.update_one({"name": "connecticut"}, {"$set": {"is_active": True}},
                                      upsert=True)

    def test_every_http_format_reaches_the_api(self):
        for kind in ("rest", "http", "function-url", "alb"):
            with self.subTest(kind=kind):
                reply = invoke("api", event(kind, "--path",
                                            "/shipping-quotes?weight_kg=2.5&distance_km=120"))
                self.assertEqual(reply["statusCode"], 200, reply)
                quote = json.loads(reply["body"])["data"]
                self.assertEqual(quote["currency"], "USD")
                self.assertGreater(quote["price"], 0)

    def test_a_body_and_headers_arrive(self):
        for kind in ("rest", "http", "function-url", "alb"):
            with self.subTest(kind=kind):
                reply = invoke("api", event(kind, "-X", "POST", "--path", "/users",
                                            "-H", "X-Request-Source: test",
                                            "--body", '{"name": "Ana"}'))
                self.assertEqual(reply["statusCode"], 400, reply)
                details = json.loads(reply["body"])["details"]
                self.assertEqual([d["loc"] for d in details], [["email"]])

    def test_a_binary_body_is_base64_encoded(self):
        sent = event("http", "-X", "POST", "--path", "/users", "-H",
                     "Content-Type: application/octet-stream", "--body", "raw bytes")
        self.assertTrue(sent["isBase64Encoded"])
        self.assertEqual(base64.b64decode(sent["body"]), b"raw bytes")

    def orders(self, *args):
        return invoke("sqs:orders", event("sqs", "--queue", "orders", "--state", "connecticut",
                                          *args))

    def test_sqs_records_reach_the_consumer_with_their_session(self):
        self.db.connecticut.orders.delete_many({"order_id": {"$in": ["EV-1", "EV-2", "EV-3"]}})
        for extra in ([], ["--via-sns"], ["--fifo", "--group", "g-7"]):
            with self.subTest(options=extra):
                sent = event("sqs", "--state", "connecticut", "--body", "{}", *extra)
                self.assertEqual(len(sent["Records"]), 1)
                # Bodies the consumer refuses: every record is reported, none is written.
                reply = invoke("sqs:orders", event(
                    "sqs", "--state", "connecticut", "--count", "3", *extra))
                self.assertEqual(len(reply["batchItemFailures"]), 3, reply)
        reply = self.orders("--body", '{"order_id": "EV-1", "amount": 3}',
                            "--body", '{"order_id": "EV-2", "amount": 4}')
        self.assertEqual(reply["batchItemFailures"], [])
        reply = self.orders("--via-sns", "--body", '{"order_id": "EV-3", "amount": 5}')
        self.assertEqual(reply["batchItemFailures"], [])
        stored = {o["order_id"]: o["amount"]
                  for o in self.db.connecticut.orders.find({"order_id": {"$regex": "^EV-"}})}
        self.assertEqual(stored, {"EV-1": 3, "EV-2": 4, "EV-3": 5})

    def test_without_a_session_the_records_fail_and_are_retried(self):
        reply = invoke("sqs:orders", event("sqs", "--body", '{"order_id": "EV-9", "amount": 1}'))
        self.assertEqual(len(reply["batchItemFailures"]), 1, reply)

    def test_fifo_records_carry_group_and_sequence(self):
        records = event("sqs", "--fifo", "--group", "g-1", "--count", "2")["Records"]
        self.assertTrue(records[0]["eventSourceARN"].endswith(":my-queue.fifo"))
        self.assertEqual({r["attributes"]["MessageGroupId"] for r in records}, {"g-1"})
        sequence = [int(r["attributes"]["SequenceNumber"]) for r in records]
        self.assertLess(sequence[0], sequence[1])

    def test_lambda_sns_and_schedule_events(self):
        reply = invoke("lambda:quote-shipping", event(
            "lambda", "--data", '{"weight_kg": 2, "distance_km": 10}'))
        self.assertTrue(reply["success"], reply)
        self.assertEqual(reply["data"]["currency"], "USD")
        reply = invoke("lambda:heartbeat", event("sns", "--topic", "alerts", "--body", "hi"))
        self.assertEqual(reply["data"]["trigger"], "sns")
        self.assertTrue(reply["data"]["topic"].endswith(":alerts"))
        reply = invoke("lambda:heartbeat", event("schedule", "--rule", "nightly"))
        self.assertEqual(reply["data"]["trigger"], "schedule")
        self.assertTrue(reply["data"]["rule"].endswith(":rule/nightly"))

    def test_a_lambda_event_carries_the_session(self):
        sent = event("lambda", "--state", "connecticut", "--user", '{"_id": "u1"}')
        self.assertEqual(sent["session"]["state"], "connecticut")
        self.assertEqual(sent["session"]["user"], {"_id": "u1"})

    def test_bad_options_are_refused_clearly(self):
        result = run("events", "kafka", check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("kafka", result.stderr)
        result = run("events", "lambda", "--data", "{not json", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--data", result.stderr)
        result = run("events", "http", "-H", "no colon", check=False)
        self.assertIn("Name: value", result.stderr)


class TemplateTest(unittest.TestCase):
    def test_the_demo_template_passes_cfn_lint(self):
        template = os.path.join(OUT, "template.json")
        with open(template, "w") as out:
            out.write(run("template", "sam", "--code-uri", "demo.zip").stdout)
        lint = subprocess.run([os.path.join(os.path.dirname(sys.executable), "cfn-lint"),
                               "--format", "parseable", template],
                              capture_output=True, text=True, timeout=300)
        self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)

    def test_it_holds_every_handler_of_the_demo(self):
        doc = json.loads(run("template", "sam").stdout)
        functions = {r["Properties"]["Handler"]: r["Properties"]
                     for r in doc["Resources"].values()
                     if r["Type"] == "AWS::Serverless::Function"}
        handlers = set(run("handlers").stdout.split("\n")) - {""}
        tasks = {h for h in handlers if h.startswith("task ")}
        self.assertEqual(set(functions), handlers - tasks)
        routes = [line for line in run("routes").stdout.split("\n") if line.strip()]
        self.assertEqual(len(functions["api"]["Events"]), len(routes))
        for name, props in functions.items():
            if name.startswith("sqs:"):
                mapping = props["Events"]["Queue"]["Properties"]
                self.assertEqual(mapping["FunctionResponseTypes"], ["ReportBatchItemFailures"])
        families = {r["Properties"]["Family"] for r in doc["Resources"].values()
                    if r["Type"] == "AWS::ECS::TaskDefinition"}
        self.assertEqual({"task " + f for f in families}, tasks)
        self.assertEqual(doc["Resources"]["IndexSync"]["Type"], "Custom::IndexSync")


class ServeTest(unittest.TestCase):
    def start_note(self, **env):
        """The first lines `bootstrap serve` prints, with the environment changed."""
        merged = {k: v for k, v in os.environ.items()
                  if k not in ("MONGODB_URI", "MONGO_DB_URI", "MONGO_DB_HOST")}
        merged.update(env)
        port = free_port()
        server = subprocess.Popen([BOOTSTRAP, "serve", "--port", str(port)], env=merged,
                                  stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        try:
            # What it says within two seconds of starting (the probe waits at most one).
            text = ""
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                ready, _, _ = select.select([server.stderr], [], [], 0.1)
                if ready:
                    chunk = os.read(server.stderr.fileno(), 4096).decode()
                    if not chunk:
                        break
                    text += chunk
            return text
        finally:
            server.terminate()
            server.wait(timeout=10)
            server.stderr.close()

    def test_no_mongodb_configured_is_said_at_start(self):
        self.assertIn("no MongoDB is configured", self.start_note())

    def test_a_mongodb_that_does_not_answer_is_said_at_start(self):
        port = free_port()  # nothing listens there
        note = self.start_note(MONGODB_URI=f"mongodb://127.0.0.1:{port}/")
        self.assertIn(f"MongoDB at 127.0.0.1:{port} does not answer", note)

    def test_a_mongodb_that_answers_gets_no_note(self):
        note = self.start_note(MONGODB_URI=os.environ["AWS_HELPER_FERRETDB_URI"],
                               AWS_HELPER_SWAGGER_UI="/nonexistent")
        self.assertNotIn("MongoDB", note)
        self.assertIn("cdn.jsdelivr.net", note)  # no local Swagger UI files: said too


class SwaggerUiTest(unittest.TestCase):
    def test_try_it_out_in_chromium(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ready
        from selenium.webdriver.support.ui import WebDriverWait

        port = free_port()
        log = open(os.path.join(OUT, "serve.log"), "w")
        self.addCleanup(log.close)
        server = subprocess.Popen([BOOTSTRAP, "serve", "--port", str(port), "--swagger-ui",
                                   SWAGGER_UI], stderr=log, stdout=log)
        self.addCleanup(server.wait)
        self.addCleanup(server.terminate)
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/openapi.json", timeout=1)
                break
            except OSError:
                time.sleep(0.05)

        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,2000"):
            options.add_argument(flag)
        browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.addCleanup(browser.quit)
        wait = WebDriverWait(browser, 30)
        browser.get(base + "/docs")
        wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
        paths = {e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
        for path in ("/shipping-quotes", "/shippings", "/users/{id}", "/reports"):
            self.assertIn(path, paths)

        block = browser.find_element(By.ID, "operations-shipping-quotes-ShippingQuotesListAPI")
        block.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
        wait.until(lambda _: block.find_elements(By.CSS_SELECTOR, "tr[data-param-name]"))
        tried = block.find_elements(By.CSS_SELECTOR, ".try-out__btn")
        if tried and "cancel" not in tried[0].text.lower():
            tried[0].click()
        for name, value in (("weight_kg", "2.5"), ("distance_km", "120")):
            field = block.find_element(By.CSS_SELECTOR, f'tr[data-param-name="{name}"] input')
            field.clear()
            field.send_keys(value)
        block.find_element(By.CSS_SELECTOR, ".execute").click()
        body = wait.until(lambda _: block.find_element(
            By.CSS_SELECTOR, ".live-responses-table .response-col_description pre"))
        wait.until(lambda _: "price" in body.text)
        status = block.find_element(By.CSS_SELECTOR, ".live-responses-table tr.response .response-col_status")
        browser.execute_script("arguments[0].scrollIntoView()", block)
        browser.save_screenshot(os.path.join(OUT, "swagger-ui.png"))
        self.assertEqual(status.text.strip(), "200")
        reply = json.loads(body.text)
        self.assertEqual(reply["data"]["currency"], "USD")
        server.terminate()
        server.wait()
        log.flush()
        # The request from the page reached this server, logged as one line.
        with open(os.path.join(OUT, "serve.log")) as lines:
            served = lines.read()
        asked = [line for line in served.splitlines() if '"GET /shipping-quotes?' in line]
        self.assertEqual(len(asked), 1, served)
        self.assertIn("weight_kg=2.5", asked[0])
        self.assertIn('" 200 ', asked[0])
        self.assertIn('"GET /docs/swagger-ui-bundle.js" 200', served)

    def test_docs_files_stay_inside_the_package(self):
        port = free_port()
        server = subprocess.Popen([BOOTSTRAP, "serve", "--port", str(port), "--swagger-ui",
                                   SWAGGER_UI], stderr=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL)
        self.addCleanup(server.wait)
        self.addCleanup(server.terminate)
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/docs", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        for path in ("/docs/..%2Fpackage.json", "/docs/%2e%2e/package.json",
                     "/docs/.hidden", "/docs/no-such-file.js"):
            with self.subTest(path=path):
                with self.assertRaises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(base + path, timeout=5)
                self.assertEqual(refused.exception.code, 404)
        self.assertEqual(urllib.request.urlopen(base + "/docs/swagger-ui.css").status, 200)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    unittest.main(argv=[sys.argv[0], *sys.argv[4:]])
