#!/usr/bin/env python3
"""An SMTP server on loopback that keeps every message it is sent, for the
reminder tests: `smtp_sink.py FOLDER` prints the port it listens on, then
serves until its standard input closes. Each message is kept as NNNN.eml,
headed by the envelope's sender and recipients as X-Envelope-From/-To."""
import os
import socket
import sys

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        head = f"X-Envelope-From: {envelope.mail_from}\r\nX-Envelope-To: {','.join(envelope.rcpt_tos)}\r\n".encode()
        with open(os.path.join(self.folder, f"{self.count:04d}.eml"), "wb") as f:
            f.write(head + envelope.original_content)
        return "250 kept"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    port = free_port()
    controller = Controller(Keep(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
