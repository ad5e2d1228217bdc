"""Mail as .eml files in an outbox folder: what would have been sent, readable by a person."""
from __future__ import annotations

import logging
import os
import tempfile
import time
import uuid
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from backend.ports import Mailer

log = logging.getLogger("gas.mail")


class OutboxMailer(Mailer):
    def __init__(self, outbox: Path, sender: str):
        self.outbox = Path(outbox)
        self.sender = sender
        self.outbox.mkdir(parents=True, exist_ok=True)

    def send(self, to: str, subject: str, text: str, html: str | None = None) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, to, subject
        msg["Message-ID"] = f"<{uuid.uuid4().hex}@gas.local>"
        msg["Date"] = formatdate(localtime=True)
        msg.set_content(text)
        if html:
            msg.add_alternative(html, subtype="html")
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        fd, tmp = tempfile.mkstemp(dir=self.outbox, prefix=".part-")
        with os.fdopen(fd, "wb") as out:
            out.write(bytes(msg))
        os.replace(tmp, self.outbox / name)
        log.info("mail to %s: %s (outbox/%s)", to, subject, name)

    def sent(self) -> list[EmailMessage]:
        """Every message in the outbox, oldest first (for tests and for a curious operator)."""
        from email import policy
        from email.parser import BytesParser
        parser = BytesParser(policy=policy.default)
        return [parser.parsebytes(p.read_bytes()) for p in sorted(self.outbox.glob("*.eml"))]
