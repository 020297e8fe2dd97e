#!/usr/bin/env python3
"""The README's delivery example, as written (issue 14, "done when"): the tiny receiver in
ops/examples/delivery_receiver.py and the example delivery ops/examples/deliveries/
gongan-liudong-push.yaml over a demo store. The receiver first answers 503 (--fail-first 1), so
the first delivery retries with the same key; a second delivery sends nothing; --list names it.

    example_test.py ONETABLE_BINARY SOURCE_DIR

Nothing is faked: the real binary, the shipped example files, a fresh demo store in a temporary
directory, the receiver on a free loopback port.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def main():
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="onetable-example-") as tmp:
        config = os.path.join(tmp, "onetable.yaml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"store: sqlite:{tmp}/onetable.db\nschema: {source}/schema\n"
                    f"mappings: {source}/mappings\n"
                    f"deliveries: {source}/ops/examples/deliveries\n")

        def onetable(*args, env=None):
            return subprocess.run([binary, "--config", config, *args], cwd=tmp, env=env,
                                  capture_output=True, text=True, timeout=600)

        init = onetable("init", "--demo", "--persons", "800")
        if init.returncode != 0:
            fail(f"init --demo exited {init.returncode}: {init.stderr}")

        with socket.socket() as s:  # a free port for the receiver, which takes --port N
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        data = os.path.join(tmp, "receiver")
        receiver = subprocess.Popen(
            [sys.executable, f"{source}/ops/examples/delivery_receiver.py", "--port", str(port),
             "--token", "demo-token", "--data", data, "--fail-first", "1"],
            stdout=subprocess.PIPE, text=True)
        try:
            line = receiver.stdout.readline()  # it prints this once it listens
            if "receiving on" not in line:
                fail(f"the receiver did not start: {line!r}")
            env = dict(os.environ, GONGAN_PUSH_URL=f"http://127.0.0.1:{port}/push")
            # The example's own retry delay (1 s, Retry-After: 1) stands: this is the README run.
            first = onetable("deliver", "gongan-liudong-push", env=env)
            if first.returncode != 0:
                fail(f"first deliver exited {first.returncode}: {first.stdout}{first.stderr}")
            report = json.loads(first.stdout.strip().splitlines()[-1])
            with open(os.path.join(data, "table.json"), encoding="utf-8") as f:
                table = json.load(f)
            if report["status"] != "done" or report["upserts"] == 0:
                fail(f"the first delivery sent no rows: {report}")
            if len(table) != report["upserts"] or report["attempts"] < 2:
                fail(f"receiver holds {len(table)} rows after {report}")
            with open(os.path.join(data, "received.jsonl"), encoding="utf-8") as f:
                received = [json.loads(x) for x in f]
            if [r["key"] for r in received] != [f"gongan-liudong-push:{i + 1}"
                                                 for i in range(report["batches"])]:
                fail(f"batches applied out of order or twice: {received}")

            second = onetable("deliver", "gongan-liudong-push", env=env)
            again = json.loads(second.stdout.strip().splitlines()[-1])
            if second.returncode != 0 or again["upserts"] or again["deletes"] or again["batches"]:
                fail(f"the second delivery sent something: {second.stdout}{second.stderr}")

            listing = onetable("deliver", "--list", env=env)
            if listing.returncode != 0 or "gongan-liudong-push" not in listing.stdout:
                fail(f"--list: {listing.returncode} {listing.stdout}{listing.stderr}")
        finally:
            receiver.terminate()
            receiver.wait(timeout=10)
    print(f"ok: {report['upserts']} rows in {report['batches']} batch(es), "
          f"{report['attempts']} attempts; second run sent nothing")


if __name__ == "__main__":
    main()
