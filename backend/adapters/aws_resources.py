"""AWS clients, resource names, and the idempotent steps that create each resource.

The adapters only use resources; this module is the one that makes them (for a
new account, for tests against moto). Every `ensure_*` step may run again on a
set-up account and leaves it as it should be.

Endpoint and region come from boto3's own environment handling (AWS_REGION,
AWS_ENDPOINT_URL, the usual credential chain); GAS_AWS_ENDPOINT_URL overrides
the endpoint for GAS alone.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, fields

DEFAULT_PREFIX = "gas-"
ARCHIVE_STORAGE_CLASS = "GLACIER"        # S3 Glacier Flexible Retrieval


@dataclass(frozen=True)
class Names:
    """Every AWS resource GAS uses, by role. Each is GAS_AWS_<FIELD> in the environment."""
    inputs_bucket: str
    results_bucket: str
    archive_bucket: str
    jobs_table: str
    job_requests_topic: str
    job_results_topic: str
    restore_requests_topic: str
    annotator_queue: str
    notifier_queue: str
    archiver_queue: str
    restorer_queue: str

    @classmethod
    def from_settings(cls, aws: dict) -> "Names":
        prefix = aws.get("prefix", DEFAULT_PREFIX)
        values = {}
        for f in fields(cls):
            role = f.name.rsplit("_", 1)[0].replace("_", "-")     # "job_requests_topic" → "job-requests"
            values[f.name] = aws.get(f.name) or f"{prefix}{role}"
        return cls(**values)

    def subscriptions(self) -> dict[str, list[str]]:
        """Which queues each topic fans out to."""
        return {
            self.job_requests_topic: [self.annotator_queue],
            self.job_results_topic: [self.notifier_queue, self.archiver_queue],
            self.restore_requests_topic: [self.restorer_queue],
        }

    def queues(self) -> list[str]:
        return [self.annotator_queue, self.notifier_queue, self.archiver_queue, self.restorer_queue]

    def buckets(self) -> list[str]:
        return [self.inputs_bucket, self.results_bucket, self.archive_bucket]


def session():
    import boto3
    s = boto3.session.Session()
    if not s.region_name:
        raise RuntimeError("No AWS region is set. Set AWS_REGION (for example AWS_REGION=us-east-1) and start again.")
    return s


def client(service: str, aws: dict | None = None, boto_session=None):
    """A boto3 client with retries; the endpoint is GAS_AWS_ENDPOINT_URL if set, else boto3's choice.

    Pass one `boto_session` for all of a process's clients: making a session is slow.
    """
    from botocore.config import Config
    config = Config(retries={"max_attempts": 5, "mode": "standard"},
                    signature_version="s3v4" if service == "s3" else None)
    return (boto_session or session()).client(service, endpoint_url=(aws or {}).get("endpoint_url") or None,
                                              config=config)


def clients(aws: dict | None, *services: str) -> tuple:
    """One client per service name, sharing one session."""
    s = session()
    return tuple(client(name, aws, s) for name in services)


def error_code(exc) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def topic_arn(sts, region: str, name: str) -> str:
    """The ARN of topic `name` in this account, without needing sns:ListTopics or CreateTopic."""
    if name.startswith("arn:"):
        return name
    ident = sts.get_caller_identity()
    partition = ident["Arn"].split(":")[1]
    return f"arn:{partition}:sns:{region}:{ident['Account']}:{name}"


# ---- creation steps (each idempotent) ----

def ensure_bucket(s3, name: str, upload_origins: list[str] | None = None) -> None:
    """A private bucket with default encryption (SSE-S3) and every kind of public access blocked.

    `upload_origins`: the web app's origins, allowed to POST files straight from the browser (CORS).
    """
    from botocore.exceptions import ClientError
    region = s3.meta.region_name
    kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    try:
        s3.create_bucket(Bucket=name, **kwargs)
    except ClientError as exc:
        if error_code(exc) != "BucketAlreadyOwnedByYou":
            raise
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    if upload_origins:
        s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [{
            "AllowedOrigins": upload_origins, "AllowedMethods": ["POST"], "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag", "Location"], "MaxAgeSeconds": 3000}]})


def ensure_table(ddb, name: str) -> None:
    """The jobs table: `job_id` hash key, GSI `user_id_submit_time_index` for a user's newest-first list."""
    from botocore.exceptions import ClientError

    from backend.adapters.aws_jobstore import USER_INDEX
    try:
        ddb.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "job_id", "AttributeType": "S"},
                                  {"AttributeName": "user_id", "AttributeType": "S"},
                                  {"AttributeName": "submit_time", "AttributeType": "N"}],
            KeySchema=[{"AttributeName": "job_id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[{
                "IndexName": USER_INDEX,
                "KeySchema": [{"AttributeName": "user_id", "KeyType": "HASH"},
                              {"AttributeName": "submit_time", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }],
        )
    except ClientError as exc:
        if error_code(exc) != "ResourceInUseException":
            raise
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})


def dead_letter_name(queue_name: str) -> str:
    return f"{queue_name}-dlq"


def ensure_queue(sqs, name: str, visibility_timeout: int, max_receives: int) -> tuple[str, str]:
    """The queue and its dead-letter queue (`<name>-dlq`, kept 14 days); returns both URLs."""
    dlq_url = sqs.create_queue(QueueName=dead_letter_name(name))["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=dlq_url, Attributes={"MessageRetentionPeriod": str(14 * 24 * 3600)})
    dlq_arn = queue_arn(sqs, dlq_url)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={
        "VisibilityTimeout": str(int(visibility_timeout)),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": int(max_receives)}),
    })
    return url, dlq_url


def queue_arn(sqs, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def ensure_topic(sns, name: str) -> str:
    return sns.create_topic(Name=name)["TopicArn"]


def subscribe(sns, sqs, topic_arns: list[str], queue_url: str) -> None:
    """Subscribe the queue to each topic with raw delivery, and let only those topics send to it."""
    arn = queue_arn(sqs, queue_url)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "gas-topics-send",
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": sorted(topic_arns)}},
        }],
    }
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})
    for topic in topic_arns:
        # Subscribing again returns the existing subscription; the attribute is set
        # separately because SNS refuses a repeat subscribe whose attributes differ.
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True)
        sns.set_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"],
                                        AttributeName="RawMessageDelivery", AttributeValue="true")
