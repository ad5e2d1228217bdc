"""Mail through Amazon SES: the sender address (or its domain) must be a verified identity."""
from __future__ import annotations

import logging

from backend.ports import Mailer

log = logging.getLogger("gas.mail")


class SESMailer(Mailer):
    def __init__(self, ses, sender: str):
        self.ses = ses
        self.sender = sender

    def send(self, to: str, subject: str, text: str, html: str | None = None) -> None:
        body = {"Text": {"Data": text, "Charset": "UTF-8"}}
        if html:
            body["Html"] = {"Data": html, "Charset": "UTF-8"}
        # Any SES error (unverified sender, sandbox recipient, throttling) raises:
        # the notifier's message then comes back and is tried again.
        resp = self.ses.send_email(
            Source=self.sender,
            Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": body},
        )
        log.info("mail to %s: %s (SES %s)", to, subject, resp.get("MessageId"))
