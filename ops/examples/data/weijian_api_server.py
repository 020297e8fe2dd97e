#!/usr/bin/python3
"""A loopback stand-in for the 卫健 (health commission) API that weijian-api.yaml reads.

Serves the records in weijian-api/records.json as a paged JSON API, the way such department APIs
usually look:

    GET /api/v1/childbearing-women?page=1&size=2[&updated_since=2024-06-02T09:00:00+08:00]
    Authorization: Bearer <token>
    -> {"code": 0, "message": "ok",
        "data": {"page": 1, "size": 2, "total": 5, "items": [...]}}

updated_since keeps the records whose updatedAt is at or after it (the API repeats the boundary
record; the connector's content hash skips it). A missing or wrong token is 401.

Run (standard library only):
    python3 ops/examples/data/weijian_api_server.py [--port 18080] [--token demo-token]
then, in another terminal, see ops/examples/connectors/weijian-api.yaml. Stop it with Ctrl-C.
"""

import argparse
import json
import os
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDS = os.path.join(HERE, "weijian-api", "records.json")
PATH = "/api/v1/childbearing-women"


def make_handler(token):
    class Handler(BaseHTTPRequestHandler):
        def reply(self, status, body):
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path != PATH:
                self.reply(404, {"code": 404, "message": "not found: " + url.path})
                return
            if self.headers.get("Authorization") != "Bearer " + token:
                self.reply(401, {"code": 401, "message": "invalid token"})
                return
            query = urllib.parse.parse_qs(url.query)
            try:
                page = int(query.get("page", ["1"])[0])
                size = int(query.get("size", ["20"])[0])
            except ValueError:
                self.reply(400, {"code": 400, "message": "page and size must be integers"})
                return
            since = query.get("updated_since", [""])[0]
            with open(RECORDS, encoding="utf-8") as f:
                records = json.load(f)
            # Same-format ISO 8601 timestamps order correctly as text.
            records = [r for r in records if not since or r["updatedAt"] >= since]
            records.sort(key=lambda r: (r["updatedAt"], r["personId"]))
            items = records[(page - 1) * size:page * size] if page >= 1 and size >= 1 else []
            self.reply(200, {"code": 0, "message": "ok",
                             "data": {"page": page, "size": size, "total": len(records),
                                      "items": items}})

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--token", default="demo-token")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.token))
    # One line on stdout once listening (tests wait for it); request logs go to stderr.
    print("weijian-api: serving http://127.0.0.1:%d%s (token %s)" % (args.port, PATH, args.token),
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
