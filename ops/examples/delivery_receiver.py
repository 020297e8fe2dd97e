#!/usr/bin/env python3
"""A tiny receiver for onetable's HTTP delivery target (the contract is in README.md, 推送).

It plays a department's platform: checks the bearer token, applies each batch once — a batch
whose Idempotency-Key it has already applied is acknowledged again without being applied twice
(at-least-once delivery, deduplicated here) — and keeps the department's copy of the table in
DATA/table.json, with every request logged to DATA/received.jsonl.

    python3 ops/examples/delivery_receiver.py --port 8765 --token demo-token [--data DIR]
        [--fail-first N]   answer the first N requests 503 with Retry-After: 1 (to see retries)

Standard library only; listens on 127.0.0.1.
"""
import argparse
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def load(path, default):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def save(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, body, extra=None):
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        opts = self.server.opts
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        key = self.headers.get("Idempotency-Key", "")
        with LOCK:
            if opts.fail_first > 0:
                opts.fail_first -= 1
                print(f"{key}: answered 503 (--fail-first), onetable will retry", flush=True)
                return self.answer(503, {"error": "busy, try later"}, {"Retry-After": "1"})
        if self.headers.get("Authorization", "") != "Bearer " + opts.token:
            return self.answer(401, {"error": "bad token"})
        if not key:
            return self.answer(400, {"error": "Idempotency-Key missing"})
        try:
            batch = json.loads(raw.decode("utf-8"))
            changes = batch["changes"]
        except (ValueError, KeyError, UnicodeDecodeError):
            return self.answer(400, {"error": "not a delivery batch"})
        with LOCK:
            applied = load(os.path.join(opts.data, "applied.json"), {})
            table = load(os.path.join(opts.data, "table.json"), {})
            duplicate = key in applied
            if not duplicate:
                for change in changes:
                    if change["op"] == "upsert":
                        table[change["key"]] = change["row"]
                    elif change["op"] == "delete":
                        table.pop(change["key"], None)
                applied[key] = len(changes)
                save(os.path.join(opts.data, "table.json"), table)
                save(os.path.join(opts.data, "applied.json"), applied)
            with open(os.path.join(opts.data, "received.jsonl"), "a", encoding="utf-8") as log:
                log.write(json.dumps({"key": key, "changes": len(changes),
                                      "duplicate": duplicate}, ensure_ascii=False) + "\n")
        print(f"{key}: {len(changes)} changes{' (duplicate, not applied again)' if duplicate else ''}; "
              f"table has {len(table)} rows", flush=True)
        return self.answer(200, {"ok": True, "duplicate": duplicate})

    def log_message(self, fmt, *args):  # one line per batch is printed above
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--token", default="demo-token")
    p.add_argument("--data", default="var/receiver")
    p.add_argument("--fail-first", type=int, default=0)
    opts = p.parse_args()
    os.makedirs(opts.data, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", opts.port), Handler)
    server.opts = opts
    print(f"receiving on http://127.0.0.1:{opts.port}/push, data in {opts.data}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
