#!/usr/bin/env python3
"""Reads reminder messages as a mail client would (Python's email package,
strict policy: a malformed header is an error) and prints, as JSON, each
message's headers and its decoded body, for the reminder tests to check.
Fails when a line is longer than RFC 5322's 78 characters or does not end
in CRLF, or when a message is not text/plain in UTF-8."""
import email
import email.policy
import json
import sys


def read(path):
    raw = open(path, "rb").read()
    for number, line in enumerate(raw.split(b"\r\n")[:-1], 1):
        if b"\n" in line:
            sys.exit(f"{path}: line {number} ends in a bare LF")
        if len(line) > 78:
            sys.exit(f"{path}: line {number} has {len(line)} characters (RFC 5322 asks for 78 at most)")
    message = email.message_from_bytes(raw, policy=email.policy.strict)
    if message.get_content_type() != "text/plain" or message.get_content_charset() != "utf-8":
        sys.exit(f"{path}: {message.get_content_type()} in {message.get_content_charset()}, not text/plain in utf-8")
    return {
        "from": str(message["From"]),
        "to": str(message["To"]),
        "subject": str(message["Subject"]),
        "date": str(message["Date"]),
        "messageID": str(message["Message-ID"]),
        "autoSubmitted": str(message["Auto-Submitted"]),
        "envelopeTo": str(message["X-Envelope-To"]) if message["X-Envelope-To"] else None,
        "body": message.get_content().replace("\r\n", "\n"),
    }


print(json.dumps([read(path) for path in sys.argv[1:]]))
