"""`create-resources` against moto: everything the service needs, and running it again changes nothing."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from backend.adapters.aws_resources import Names, clients
from tests.aws.moto_peer import unique
from tests.conftest import REPO


def _run_cli(prefix: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GAS_BACKEND": "aws", "GAS_AWS_PREFIX": prefix, "GAS_DATA_DIR": str(tmp_path),
           "GAS_QUEUE_MAX_RECEIVES": "4", "GAS_BASE_URL": "https://gas.example.org/app"}
    return subprocess.run([sys.executable, "-m", "backend.adapters.aws_bootstrap", "create-resources"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_create_resources_is_complete_and_idempotent(aws_endpoint, tmp_path):
    prefix = unique("gas") + "-"
    first = _run_cli(prefix, tmp_path)
    assert first.returncode == 0, first.stderr
    assert _run_cli(prefix, tmp_path).returncode == 0          # a second run is harmless

    names = Names.from_settings({"prefix": prefix})
    s3, ddb, sqs, sns = clients(None, "s3", "dynamodb", "sqs", "sns")
    for bucket in names.buckets():
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
        assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    (cors,) = s3.get_bucket_cors(Bucket=names.inputs_bucket)["CORSRules"]
    assert cors["AllowedOrigins"] == ["https://gas.example.org"] and cors["AllowedMethods"] == ["POST"]

    table = ddb.describe_table(TableName=names.jobs_table)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    (index,) = table["GlobalSecondaryIndexes"]
    assert [k["AttributeName"] for k in index["KeySchema"]] == ["user_id", "submit_time"]

    for queue in names.queues():
        url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        redrive = json.loads(attrs["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"].endswith(f":{queue}-dlq") and int(redrive["maxReceiveCount"]) == 4
        statement = json.loads(attrs["Policy"])["Statement"][0]
        assert statement["Principal"] == {"Service": "sns.amazonaws.com"} and statement["Action"] == "sqs:SendMessage"

    topics = {t["TopicArn"].rsplit(":", 1)[-1]: t["TopicArn"] for t in sns.list_topics()["Topics"]}
    for topic, queues in names.subscriptions().items():
        subs = sns.list_subscriptions_by_topic(TopicArn=topics[topic])["Subscriptions"]
        assert sorted(s["Endpoint"].rsplit(":", 1)[-1] for s in subs) == sorted(queues)   # no duplicates
        for sub in subs:
            attrs = sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
            assert attrs["RawMessageDelivery"] == "true"


def test_names_default_to_the_prefix_and_can_be_set_one_by_one():
    names = Names.from_settings({"prefix": "prod-gas-", "jobs_table": "Jobs"})
    assert names.inputs_bucket == "prod-gas-inputs" and names.job_requests_topic == "prod-gas-job-requests"
    assert names.jobs_table == "Jobs" and names.archiver_queue == "prod-gas-archiver"
