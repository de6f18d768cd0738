#!/usr/bin/env python3
"""Parses a received email with Python's email package and prints what a mail reader sees, as
JSON, for Tenure's tests to check: the headers decoded (RFC 2047), the MIME tree with each
part's type, charset, transfer encoding and decoded body, the longest line, and the parser's
defects.

Usage: smtp_check.py FILE.eml
"""
import email
import email.policy
import email.utils
import json
import sys


def main():
    raw = open(sys.argv[1], "rb").read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    if message.is_multipart():
        for part in message.iter_parts():
            parts.append(describe(part))
    else:
        parts.append(describe(message))
    sender, recipient = message["From"].addresses[0], message["To"].addresses[0]
    from_name, from_address = sender.display_name, sender.addr_spec
    to_name, to_address = recipient.display_name, recipient.addr_spec
    date = email.utils.parsedate_to_datetime(message["Date"]) if message["Date"] else None
    head = raw.split(b"\r\n\r\n", 1)[0]
    result = {
        "content_type": message.get_content_type(),
        "subject": str(message["Subject"]),
        "from_name": from_name,
        "from_address": from_address,
        "to_name": to_name,
        "to_address": to_address,
        "message_id": str(message["Message-ID"]),
        "date_unix": int(date.timestamp()) if date else None,
        "mime_version": str(message["MIME-Version"]),
        "list_unsubscribe": str(message["List-Unsubscribe"]) if message["List-Unsubscribe"] else None,
        "list_unsubscribe_post": str(message["List-Unsubscribe-Post"]) if message["List-Unsubscribe-Post"] else None,
        "header_names": [k for k in message.keys()],
        "parts": parts,
        "max_header_line": max(len(l) for l in head.split(b"\r\n")),
        "max_line": max(len(l) for l in raw.split(b"\r\n")),
        "all_crlf": b"\n" not in raw.replace(b"\r\n", b""),
        "ascii": all(b < 128 for b in raw),
        "defects": [type(d).__name__ for d in message.defects] + [type(d).__name__ for p in message.walk() for d in p.defects],
    }
    print(json.dumps(result))


def describe(part):
    return {
        "content_type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "transfer_encoding": part.get("Content-Transfer-Encoding"),
        # As a reader shows it: line ends as "\n".
        "body": part.get_content().replace("\r\n", "\n"),
    }


if __name__ == "__main__":
    sys.exit(main())
