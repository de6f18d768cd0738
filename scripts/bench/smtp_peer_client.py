#!/usr/bin/env python3
"""The peer of `tenure bench send`: N messages to an SMTP server with Python's smtplib over
CONNECTIONS sessions (one thread each, every session reused for its share of the messages),
each message the same size as Tenure's, with its own Message-ID. Prints one JSON line:
{"sent": n, "failed": n, "seconds": s}.

Usage: smtp_peer_client.py PORT MESSAGES CONNECTIONS SAMPLE.eml
"""
import json
import smtplib
import sys
import threading
import time


def main():
    port, total, connections = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    sample = open(sys.argv[4], "rb").read()
    head, body = sample.split(b"\r\n\r\n", 1)
    head = b"\r\n".join(l for l in head.split(b"\r\n") if not l.lower().startswith(b"message-id:"))
    counts = {"sent": 0, "failed": 0}
    lock = threading.Lock()

    def worker(start):
        client = smtplib.SMTP("127.0.0.1", port)
        client.ehlo("peer")
        sent = failed = 0
        for i in range(start, total, connections):
            message = b"Message-ID: <peer-%d@shop.example>\r\n" % i + head + b"\r\n\r\n" + body
            try:
                client.sendmail("news@shop.example", ["c%d@example.com" % i], message)
                sent += 1
            except smtplib.SMTPException:
                failed += 1
        client.quit()
        with lock:
            counts["sent"] += sent
            counts["failed"] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts["seconds"] = time.perf_counter() - started
    print(json.dumps(counts))


if __name__ == "__main__":
    sys.exit(main())
