#!/usr/bin/env python3
"""An SMTP server on loopback (aiosmtpd) for Tenure's tests and benchmarks.

Saves each accepted message as FOLDER/<n>.eml (exactly the bytes received, after the SMTP
dot-unstuffing) and appends its Message-ID to FOLDER/index.txt, both flushed before it answers
250, so every file is a message the client was told was accepted. Advertises PIPELINING
(aiosmtpd reads commands in order from its stream, so pipelined commands are served).

Faults, to test the client's retries:
  --fail-first-data       answer 451 to the first DATA's content (saves nothing)
  --drop-first-data       drop the connection after the first DATA's content arrives,
                          before answering (saves nothing): the client cannot tell whether
                          the message was taken, and must send it again
  --reject-rcpt PREFIX    answer 550 to RCPT TO addresses that start with PREFIX
  --auth USER:PASSWORD    offer AUTH PLAIN and LOGIN and require a login
  --tls-cert C --tls-key K  offer STARTTLS with this certificate
  --require-starttls      refuse mail before STARTTLS
  --index-only            write index.txt only, no .eml files (for benchmarks)
  --no-pipelining         do not advertise PIPELINING (the client must wait for each reply)

Usage: smtp_sink.py FOLDER [--port N] [options]
Prints "listening on PORT" when ready. Runs until killed.
"""
import argparse
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-first-data", action="store_true")
    parser.add_argument("--drop-first-data", action="store_true")
    parser.add_argument("--reject-rcpt")
    parser.add_argument("--auth")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--index-only", action="store_true")
    parser.add_argument("--no-pipelining", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    index = open(os.path.join(args.folder, "index.txt"), "a", buffering=1024 * 1024)
    state = {"data": 0, "saved": 0}

    class Handler:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            session.host_name = hostname
            if args.no_pipelining:
                return responses
            return responses[:-1] + ["250-PIPELINING"] + responses[-1:]

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if args.reject_rcpt and address.startswith(args.reject_rcpt):
                return "550 5.1.1 No such user here"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            state["data"] += 1
            if args.fail_first_data and state["data"] == 1:
                return "451 4.3.0 Temporary failure, try again later"
            if args.drop_first_data and state["data"] == 1:
                server.transport.abort()
                return "451 4.3.0 dropped"
            content = envelope.original_content or envelope.content
            if isinstance(content, str):
                content = content.encode("utf-8", "surrogateescape")
            message_id = ""
            head = content.split(b"\r\n\r\n", 1)[0]
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"message-id:"):
                    message_id = line.split(b":", 1)[1].strip().decode("ascii", "replace")
                    break
            state["saved"] += 1
            if not args.index_only:
                name = os.path.join(args.folder, f"{state['saved']:07d}.eml")
                with open(name + ".part", "wb") as f:
                    f.write(content)
                os.rename(name + ".part", name)
            index.write(f"{message_id}\t{envelope.mail_from}\t{','.join(envelope.rcpt_tos)}\n")
            index.flush()
            return "250 2.0.0 OK queued"

    def authenticator(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = args.auth.split(":", 1)
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False)

    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)

    handler = Handler()

    def factory():
        kwargs = dict(hostname="sink.localhost", tls_context=tls_context, require_starttls=args.require_starttls)
        if args.auth:
            kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.tls_cert))
        return SMTP(handler, **kwargs)

    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(factory, "127.0.0.1", args.port)
        print(f"listening on {server.sockets[0].getsockname()[1]}", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    sys.exit(main())
