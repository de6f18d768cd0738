#!/usr/bin/env python3
"""A webhook receiver on loopback for Tenure's end-to-end tests and benchmarks.

Accepts POSTs of one message (a JSON object with "message_id") or a batch ({"messages": [...]}),
checks the Tenure-Signature header when a secret is given (HMAC-SHA256 of "<t>.<body>"), and
appends one line per message, "<message_id>\t<user_id>\n", to the output file, flushed before
it answers 200, so every line is a message the sender was told was accepted (a sender that dies
before recording the answer sends it again: the same message id appears twice).

Usage: webhook_sink.py OUTPUT [--port N] [--secret S] [--fail-every N]
Prints "listening on PORT" when ready. Runs until killed.
"""
import argparse
import asyncio
import hashlib
import hmac
import json
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--secret")
    parser.add_argument("--fail-every", type=int, default=0, help="answer 503 to every Nth request")
    args = parser.parse_args()
    out = open(args.output, "a", buffering=1024 * 1024)
    counter = {"requests": 0}

    def verify(headers, body):
        if not args.secret:
            return True
        value = headers.get("tenure-signature", "")
        parts = dict(p.split("=", 1) for p in value.split(",") if "=" in p)
        if "t" not in parts or "v1" not in parts:
            return False
        expected = hmac.new(args.secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts["v1"])

    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                counter["requests"] += 1
                status = "200 OK"
                if args.fail_every and counter["requests"] % args.fail_every == 0:
                    status = "503 Service Unavailable"
                elif not verify(headers, body):
                    status = "401 Unauthorized"
                else:
                    try:
                        doc = json.loads(body)
                        messages = doc["messages"] if isinstance(doc, dict) and "messages" in doc else [doc]
                        for m in messages:
                            user = (m.get("customer") or {}).get("user_id", "")
                            out.write(f"{m['message_id']}\t{user}\n")
                        out.flush()
                    except (ValueError, KeyError, TypeError):
                        status = "400 Bad Request"
                writer.write(f"HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n".encode())
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def serve():
        server = await asyncio.start_server(handle, "127.0.0.1", args.port, limit=64 * 1024 * 1024)
        port = server.sockets[0].getsockname()[1]
        print(f"listening on {port}", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    sys.exit(main())
