"""Job store on DynamoDB: one item per job, a GSI for each user's newest-first list.

The list is a Query on `user_id_submit_time_index`, never a Scan. State moves
are conditional updates, so a duplicate delivery of a request changes nothing.
"""
from __future__ import annotations

import base64
import json
from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from backend.adapters.aws_resources import error_code
from backend.domain import Job, JobStatus
from backend.ports import JobStore

USER_INDEX = "user_id_submit_time_index"
FLOAT_FIELDS = {"submit_time", "complete_time"}
_ser, _de = TypeSerializer(), TypeDeserializer()


def _to_attr(value):
    if hasattr(value, "value"):          # the (str, Enum) states
        value = value.value
    if isinstance(value, float):
        value = Decimal(repr(value))     # repr round-trips the float exactly
    return _ser.serialize(value)


def _from_item(item: dict) -> Job:
    doc = {}
    for name, attr in item.items():
        value = _de.deserialize(attr)
        if isinstance(value, Decimal):
            value = float(value) if name in FLOAT_FIELDS else int(value)
        doc[name] = value
    return Job.from_dict(doc)


def _encode_cursor(key: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, sort_keys=True).encode()).decode()


def _decode_cursor(cursor: str, user_id: str) -> dict:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        ok = key["user_id"] == {"S": user_id} and set(key) == {"job_id", "user_id", "submit_time"}
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise ValueError("That page of jobs is not one we handed out; start again from the first page.")
    return key


class DynamoDBJobStore(JobStore):
    def __init__(self, ddb, table: str):
        self.ddb = ddb
        self.table = table

    def create(self, job: Job) -> None:
        item = {k: _to_attr(v) for k, v in job.to_dict().items()}
        try:
            self.ddb.put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(job_id)")
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise ValueError(f"job {job.job_id} exists") from None
            raise

    def get(self, job_id: str) -> Job | None:
        item = self.ddb.get_item(TableName=self.table, Key={"job_id": {"S": job_id}}, ConsistentRead=True).get("Item")
        return _from_item(item) if item else None

    def list_for_user(self, user_id, limit=100, cursor=None):
        # Ask for one more than a page: if it comes back there is a next page, and the
        # cursor is the key of the last job shown (so no empty last page, as with SQLite).
        args = {
            "TableName": self.table, "IndexName": USER_INDEX,
            "KeyConditionExpression": "user_id = :u",
            "ExpressionAttributeValues": {":u": {"S": user_id}},
            "ScanIndexForward": False,
        }
        if cursor:
            args["ExclusiveStartKey"] = _decode_cursor(cursor, user_id)
        items: list[dict] = []
        while len(items) <= limit:
            page = self.ddb.query(**args, Limit=limit + 1 - len(items))
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                break
            args["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        jobs = [_from_item(i) for i in items[:limit]]
        next_cursor = None
        if len(items) > limit:
            last = items[limit - 1]
            next_cursor = _encode_cursor({k: last[k] for k in ("job_id", "user_id", "submit_time")})
        return jobs, next_cursor

    def _update(self, job_id: str, changes: dict, condition: str, values: dict, names: dict | None = None) -> None:
        known = Job.__dataclass_fields__
        sets, names, vals = [], dict(names or {}), dict(values)
        for n, (name, value) in enumerate(changes.items()):
            if name not in known or name in ("job_id", "user_id", "submit_time"):
                raise AttributeError(f"jobs have no field {name!r} that can change")
            names[f"#f{n}"] = name
            vals[f":v{n}"] = _to_attr(value)
            sets.append(f"#f{n} = :v{n}")
        if not sets:
            return
        self.ddb.update_item(
            TableName=self.table, Key={"job_id": {"S": job_id}},
            UpdateExpression="SET " + ", ".join(sets),
            ConditionExpression=condition,
            ExpressionAttributeNames={**names, "#status": "status"} if "#status" in condition else names,
            ExpressionAttributeValues=vals,
        )

    def transition(self, job_id, expected, new, **changes) -> bool:
        try:
            self._update(job_id, {**changes, "status": JobStatus(new)}, "#status = :expected",
                         {":expected": {"S": JobStatus(expected).value}})
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def update_if(self, job_id, field, expected, **changes) -> bool:
        if field not in Job.__dataclass_fields__:
            raise AttributeError(f"jobs have no field {field!r}")
        try:
            self._update(job_id, changes, "#cond = :expected", {":expected": _to_attr(expected)}, {"#cond": field})
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def update(self, job_id, **changes) -> None:
        try:
            self._update(job_id, changes, "attribute_exists(job_id)", {})
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise KeyError(job_id) from None
            raise
