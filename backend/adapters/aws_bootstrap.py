"""Wiring for GAS_BACKEND=aws, and the command that creates every AWS resource GAS needs.

  python -m backend.adapters.aws_bootstrap create-resources

creates (or brings up to date) the buckets, the jobs table, the topics, the
queues with their dead-letter queues, and the subscriptions. It is idempotent:
run it for a new account, after changing a setting, or before tests.
"""
from __future__ import annotations

import argparse
import sys

from backend.adapters.aws_resources import (Names, clients, ensure_bucket, ensure_queue, ensure_table,
                                            ensure_topic, subscribe)
from backend.bootstrap import Services, build_billing, build_globus
from backend.config import Settings, load_settings
from backend.ports import Bus


def build_aws(settings: Settings) -> Services:
    """The services on S3, DynamoDB, SNS/SQS, S3 Glacier and SES. Makes clients; connects to nothing yet."""
    from backend.adapters.aws_archive import GlacierArchive
    from backend.adapters.aws_jobstore import DynamoDBJobStore
    from backend.adapters.aws_mail import SESMailer
    from backend.adapters.aws_objectstore import S3ObjectStore
    from backend.adapters.aws_queues import SnsTopic, SqsQueue
    from backend.users import UserStore

    names = Names.from_settings(settings.aws)
    s3, sqs, sns, sts, ddb, ses = clients(settings.aws, "s3", "sqs", "sns", "sts", "dynamodb", "ses")

    def topic(name: str) -> SnsTopic:
        return SnsTopic(sns, name, sts=sts)

    return Services(
        settings=settings,
        inputs=S3ObjectStore(s3, names.inputs_bucket),
        results=S3ObjectStore(s3, names.results_bucket),
        jobs=DynamoDBJobStore(ddb, names.jobs_table),
        bus=Bus(
            job_requests=topic(names.job_requests_topic),
            job_results=topic(names.job_results_topic),
            annotator_queue=SqsQueue(sqs, names.annotator_queue),
            notifier_queue=SqsQueue(sqs, names.notifier_queue),
            extra_queues={"archiver": SqsQueue(sqs, names.archiver_queue),
                          "restorer": SqsQueue(sqs, names.restorer_queue)},
            restore_requests=topic(names.restore_requests_topic),
        ),
        mailer=SESMailer(ses, settings.mail_from),
        users=UserStore(settings.users_database_url),
        archive=GlacierArchive(s3, names.results_bucket, names.archive_bucket),
        billing=build_billing(settings),      # Stripe or demo billing: the same on every backend
        globus=build_globus(settings),
    )


def create_resources(settings: Settings, out=print) -> Names:
    """Create every bucket, table, topic, queue and subscription; safe to run again."""
    names = Names.from_settings(settings.aws)
    s3, ddb, sqs, sns, ses = clients(settings.aws, "s3", "dynamodb", "sqs", "sns", "ses")
    origin = origin_of(settings.base_url)
    for bucket in names.buckets():
        # Browsers POST inputs straight to S3 from the web app's pages: only that bucket takes them.
        ensure_bucket(s3, bucket, [origin] if bucket == names.inputs_bucket else None)
        out(f"bucket {bucket}: private, encrypted" + (f", uploads from {origin}" if bucket == names.inputs_bucket else ""))
    ensure_table(ddb, names.jobs_table)
    out(f"table {names.jobs_table}: ready")
    urls = {}
    for queue in names.queues():
        urls[queue], _ = ensure_queue(sqs, queue, settings.queue_visibility_timeout, settings.queue_max_receives)
        out(f"queue {queue} (dead letters to {queue}-dlq after {settings.queue_max_receives} receives)")
    topics_of: dict[str, list[str]] = {q: [] for q in names.queues()}
    for topic, queues in names.subscriptions().items():
        arn = ensure_topic(sns, topic)
        for queue in queues:
            topics_of[queue].append(arn)
    for queue, arns in topics_of.items():
        subscribe(sns, sqs, arns, urls[queue])
        out(f"queue {queue} subscribed to {', '.join(a.rsplit(':', 1)[-1] for a in arns)}")
    verify_sender(ses, settings.mail_from, out)
    return names


def origin_of(url: str) -> str:
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def verify_sender(ses, sender: str, out=print) -> None:
    """Ask SES to verify the sender address unless it (or its domain) is verified already."""
    from email.utils import parseaddr
    address = parseaddr(sender)[1]
    domain = address.rsplit("@", 1)[-1]
    attrs = ses.get_identity_verification_attributes(Identities=[address, domain])["VerificationAttributes"]
    if any(a.get("VerificationStatus") == "Success" for a in attrs.values()):
        out(f"mail sender {address}: verified")
        return
    ses.verify_email_identity(EmailAddress=address)
    out(f"mail sender {address}: SES sent a verification link to that address; open it before GAS sends mail "
        f"(or verify the domain {domain} in the SES console)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.adapters.aws_bootstrap", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("create-resources", help="create or update every AWS resource GAS uses (idempotent)")
    sub.add_parser("names", help="print the resource names the current settings give")
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.command == "names":
        for field, value in vars(Names.from_settings(settings.aws)).items():
            print(f"GAS_AWS_{field.upper()}={value}")
        return 0
    try:
        create_resources(settings)
    except Exception as exc:   # the operator reads this; boto3's own message says which call failed
        print(f"Could not create the AWS resources: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
