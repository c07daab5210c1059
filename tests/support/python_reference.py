"""Runs a scenario through the real aws-python-helper (installed in the test venv from PyPI), so
a parity test can compare what our C++ writes with what the Python framework writes.

    python_reference.py audit <mongodb-uri> <database> <collection-prefix> <scenario.json>

Each step of the scenario runs through a Repository of the Python framework, with the step's
session user and environment; repository `name` writes to `<prefix>_<name>`. Prints one JSON
line per step: {"step": i, "ok": true} or {"step": i, "error": "<exception class>"}.
"""

import asyncio
import json
import os
import sys

from bson import json_util

from aws_python_helper import MongoManager, Repository, Session, set_session


def repository_class(prefix, name, options):
    attributes = {
        "collection_name": property(lambda self: f"{prefix}_{name}"),
        "database_key": property(lambda self: DATABASE),
    }
    if "statuses" in options:
        attributes["statuses"] = property(lambda self: options["statuses"])
    if "status_field" in options:
        attributes["status_field"] = property(lambda self: options["status_field"])
    if "default_status" in options:
        attributes["default_status"] = property(lambda self: options["default_status"])
    if "audit" in options:
        attributes["audit"] = property(lambda self: options["audit"])
    return type(f"{name.title()}Repository", (Repository,), attributes)


async def run_step(repository, step):
    collection = repository.collection
    op = step["op"]
    upsert = step.get("upsert", False)
    if op == "insert_one":
        await collection.insert_one(step["document"])
    elif op == "insert_many":
        await collection.insert_many(step["documents"])
    elif op in ("update_one", "update_many"):
        await getattr(collection, op)(step["filter"], step["update"], upsert=upsert)
    elif op == "replace_one":
        await collection.replace_one(step["filter"], step["replacement"], upsert=upsert)
    elif op == "find_one_and_update":
        await collection.find_one_and_update(step["filter"], step["update"], upsert=upsert)
    elif op == "find_one_and_replace":
        await collection.find_one_and_replace(step["filter"], step["replacement"], upsert=upsert)
    else:
        raise SystemExit(f"unknown op {op}")


async def audit(uri, prefix, scenario):
    MongoManager.initialize(uri)
    repositories = {
        name: repository_class(prefix, name, options)()
        for name, options in scenario["repositories"].items()
    }
    users = json_util.loads(json.dumps(scenario["users"]))
    for index, step in enumerate(json_util.loads(json.dumps(scenario["steps"]))):
        saved = {key: os.environ.get(key) for key in step.get("env", {})}
        os.environ.update(step.get("env", {}))
        user = users.get(step["user"]) if "user" in step else None
        set_session(Session(state=None, user=dict(user) if user else None))
        try:
            await run_step(repositories[step.get("repository", "default")], step)
            print(json.dumps({"step": index, "ok": True}))
        except Exception as error:  # the test compares the class with the step's "error"
            print(json.dumps({"step": index, "error": type(error).__name__}))
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


if __name__ == "__main__":
    if len(sys.argv) != 6 or sys.argv[1] != "audit":
        raise SystemExit(__doc__)
    _, _, URI, DATABASE, PREFIX, SCENARIO = sys.argv
    with open(SCENARIO) as file:
        asyncio.run(audit(URI, PREFIX, json.load(file)))
