#!/usr/bin/env python3
"""The deployment zip as provided.al2023 would meet it.

  zip_test.py <demo.zip> <work dir>

1. Every ELF file in the zip asks the system's glibc for no symbol version newer than 2.34
   (Amazon Linux 2023's glibc), read from each file's version references with objdump -p (not
   the packager's own check, which reads the symbol table).
2. Every bundled library resolves inside the zip (RUNPATH $ORIGIN), and nothing but glibc's own
   libraries is needed from the system.
3. Unpacked, `bootstrap` answers an invocation under the Lambda Runtime Interface Emulator with
   an empty environment, throwing and catching an exception on the way (the handler's
   ValueError), and `bootstrap task` runs as a Fargate entry point with only what ECS sets.

Needs the emulator ($AWS_HELPER_RIE) and FerretDB ($AWS_HELPER_FERRETDB_URI), as
./scripts/test provides.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile

GLIBC_MAX = (2, 34)
GLIBC_LIBRARIES = re.compile(
    r"^(ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|"
    r"librt\.so\.1|libresolv\.so\.2|libutil\.so\.1|libanl\.so\.1)$")

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def version_references(path):
    """{library: [versions]} from objdump -p's "Version References" section."""
    out = subprocess.run(["objdump", "-p", path], check=True, capture_output=True, text=True).stdout
    refs, current = {}, None
    section = out.split("Version References:", 1)
    if len(section) < 2:
        return refs
    for line in section[1].splitlines():
        m = re.match(r"\s+required from (\S+):", line)
        if m:
            current = m.group(1)
            refs[current] = []
            continue
        m = re.match(r"\s+0x[0-9a-f]+ 0x[0-9a-f]+ \d+ (\S+)", line)
        if m and current:
            refs[current].append(m.group(1))
        elif line.strip() and not line.startswith(" "):
            break
    return refs


def dynamic_entries(path, tag):
    out = subprocess.run(["objdump", "-p", path], check=True, capture_output=True, text=True).stdout
    return re.findall(rf"^\s+{tag}\s+(\S+)$", out, re.M)


def check_elf_files(root):
    elves = []
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path) and is_elf(path):
                elves.append(path)
    check(os.path.join(root, "bootstrap") in elves, "the zip has no ELF bootstrap at its root")
    # Names a library can be found by in lib/: the files and the soname links beside them.
    lib = os.path.join(root, "lib")
    bundled = set(os.listdir(lib)) if os.path.isdir(lib) else set()
    for path in elves:
        shown = os.path.relpath(path, root)
        newest = (0, 0)
        for library, versions in version_references(path).items():
            for version in versions:
                check(version != "GLIBC_PRIVATE", f"{shown} needs GLIBC_PRIVATE from {library}")
                m = re.match(r"GLIBC_(\d+)\.(\d+)", version)
                if m:
                    newest = max(newest, (int(m.group(1)), int(m.group(2))))
        print(f"{shown}: newest glibc needed GLIBC_{newest[0]}.{newest[1]}")
        check(newest <= GLIBC_MAX,
              f"{shown} needs GLIBC_{newest[0]}.{newest[1]}, newer than provided.al2023's 2.34")
        for needed in dynamic_entries(path, "NEEDED"):
            check(GLIBC_LIBRARIES.match(needed) or needed in bundled,
                  f"{shown} needs {needed}, which is neither glibc's nor in the zip")
        if bundled and path != os.path.join(root, "bootstrap"):
            check("$ORIGIN" in dynamic_entries(path, "RUNPATH"),
                  f"{shown} does not look for its dependencies beside itself (RUNPATH $ORIGIN)")
    return elves


def invoke_under_emulator(root):
    rie = os.environ.get("AWS_HELPER_RIE")
    if not check(rie and os.access(rie, os.X_OK), "AWS_HELPER_RIE names no emulator; run ./scripts/test"):
        return
    invoke_port, runtime_port = free_port(), free_port()
    log_path = os.path.join(os.path.dirname(root), "emulator.log")
    with open(log_path, "wb") as log:
        # env={} : the emulator and the bootstrap see only what the emulator itself sets, as on
        # Lambda.
        emulator = subprocess.Popen(
            [rie, "--runtime-interface-emulator-address", f"127.0.0.1:{invoke_port}",
             "--runtime-api-address", f"127.0.0.1:{runtime_port}",
             os.path.join(root, "bootstrap"), "lambda:generate-route"],
            env={}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", invoke_port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        request = urllib.request.Request(
            f"http://127.0.0.1:{invoke_port}/2015-03-31/functions/function/invocations",
            data=json.dumps({"data": {"shipping_id": "65f1a2b3c4d5e6f7a8b9c0d1"}}).encode())
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                body = json.loads(reply.read())
        except (OSError, ValueError) as error:
            body = f"no reply ({error})"
        check(body == {"success": False,
                       "error": "'session' with 'state' is required in the event",
                       "error_type": "ValueError"},
              f"unexpected reply from the unzipped bootstrap under the emulator: {body}")
    finally:
        emulator.terminate()
        try:
            emulator.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(emulator.pid, 9)
            emulator.wait()
    if failures:
        with open(log_path, errors="replace") as f:
            print("emulator log:\n" + f.read())


def run_task(root):
    mongodb = os.environ.get("AWS_HELPER_FERRETDB_URI")
    if not check(mongodb, "AWS_HELPER_FERRETDB_URI is not set; run ./scripts/test"):
        return
    bootstrap = os.path.join(root, "bootstrap")
    # As ECS runs it: the task's own variables and nothing else.
    done = subprocess.run([bootstrap, "task", "search-tax-by-town"],
                          env={"TASK_NAME": "search-tax-by-town", "SESSION": "{}",
                               "TOWN": "Hartford", "MONGODB_URI": mongodb},
                          capture_output=True, text=True, timeout=60)
    check(done.returncode == 0 and "Searching taxes for Hartford" in done.stdout,
          f"bootstrap task exited {done.returncode}: {done.stdout}{done.stderr}")
    # Without SESSION the task refuses to run: exit 1 and a message, never a crash.
    refused = subprocess.run([bootstrap, "task", "search-tax-by-town"], env={},
                             capture_output=True, text=True, timeout=60)
    check(refused.returncode == 1 and "SESSION" in refused.stdout + refused.stderr,
          f"bootstrap task without SESSION exited {refused.returncode}: {refused.stdout}{refused.stderr}")


def main():
    archive, work = sys.argv[1], sys.argv[2]
    root = os.path.join(work, "unzipped")
    subprocess.run(["rm", "-rf", root], check=True)
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        z.extractall(root)
        for info in z.infolist():  # zipfile drops the mode bits; restore them
            mode = info.external_attr >> 16
            if mode:
                os.chmod(os.path.join(root, info.filename), mode & 0o7777)
    size = os.path.getsize(archive)
    print(f"{os.path.basename(archive)}: {size / 1e6:.2f} MB, {len(names)} entries")
    check(size <= 5 * 1000 * 1000, f"the zip is {size} bytes, over 5 MB")
    check_elf_files(root)
    invoke_under_emulator(root)
    run_task(root)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
