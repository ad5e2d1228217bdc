"""Object store on S3: private, server-side encrypted, with presigned POST and GET.

The browser uploads straight to S3 with a presigned POST whose policy pins the
key and, when there is a limit, a `content-length-range`, so S3 itself refuses
a larger body however the request was made. Downloads are presigned GETs that
tell the browser to save the object under its original file name.
"""
from __future__ import annotations

import json
from typing import Iterator
from urllib.parse import quote

from botocore.exceptions import ClientError

from backend.adapters.aws_resources import error_code
from backend.ports import ObjectStore, UploadForm

SSE = "AES256"
MAX_PRESIGN_SECONDS = 7 * 24 * 3600       # SigV4's own ceiling
MISSING = {"404", "NoSuchKey", "NotFound"}


def content_disposition(file_name: str) -> str:
    """`attachment` with the name, quoted for old browsers and RFC 6266 `filename*` for the rest."""
    plain = file_name.encode("ascii", "replace").decode().replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def _check_expiry(expires_in: int) -> int:
    if not 1 <= int(expires_in) <= MAX_PRESIGN_SECONDS:
        raise ValueError(f"A signed link must expire within 1 s to 7 days, not {expires_in} s.")
    return int(expires_in)


class S3ObjectStore(ObjectStore):
    def __init__(self, s3, bucket: str):
        self.s3 = s3
        self.bucket = bucket

    def put_file(self, key: str, path: str) -> None:
        # upload_file streams and switches to multipart for large files.
        self.s3.upload_file(path, self.bucket, key, ExtraArgs={"ServerSideEncryption": SSE})

    def put_bytes(self, key: str, data: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=data, ServerSideEncryption=SSE)

    def get_to_file(self, key: str, path: str) -> None:
        try:
            self.s3.download_file(self.bucket, key, path)   # writes a temporary file, renames at the end
        except ClientError as exc:
            if error_code(exc) in MISSING:
                raise KeyError(key) from None
            raise

    def read_bytes(self, key: str, max_bytes: int | None = None) -> bytes:
        if max_bytes is not None and max_bytes <= 0:
            self.size(key)      # still a KeyError for a missing object
            return b""
        kwargs = {} if max_bytes is None else {"Range": f"bytes=0-{max_bytes - 1}"}
        try:
            return self.s3.get_object(Bucket=self.bucket, Key=key, **kwargs)["Body"].read()
        except ClientError as exc:
            if error_code(exc) in MISSING:
                raise KeyError(key) from None
            if error_code(exc) == "InvalidRange":      # an empty object has no byte 0
                return b""
            raise

    def _head(self, key: str) -> dict | None:
        try:
            return self.s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            # Without s3:ListBucket a missing key reads as 403; the IAM policies in docs/aws.md grant it.
            if error_code(exc) in MISSING:
                return None
            raise

    def iter_lines(self, key: str) -> Iterator[bytes]:
        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as exc:
            if error_code(exc) in MISSING:
                raise KeyError(key) from None
            raise
        try:
            yield from body.iter_lines(chunk_size=1 << 16, keepends=True)
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise KeyError(key)
        return int(head["ContentLength"])

    def delete(self, key: str) -> None:
        self.s3.delete_object(Bucket=self.bucket, Key=key)

    def upload_form(self, key: str, max_bytes: int | None, expires_in: int) -> UploadForm:
        conditions: list = [{"x-amz-server-side-encryption": SSE}]
        if max_bytes is not None:
            conditions.append(["content-length-range", 0, int(max_bytes)])
        post = self.s3.generate_presigned_post(
            Bucket=self.bucket, Key=key,          # boto3 adds the exact {"key": key} condition
            Fields={"x-amz-server-side-encryption": SSE},
            Conditions=conditions,
            ExpiresIn=_check_expiry(expires_in),
        )
        return UploadForm(url=post["url"], fields=dict(post["fields"]), file_field="file")

    def download_url(self, key: str, file_name: str, expires_in: int) -> str:
        return self.s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": key, "ResponseContentDisposition": content_disposition(file_name)},
            ExpiresIn=_check_expiry(expires_in),
        )


def decode_policy(form: UploadForm) -> dict:
    """The JSON policy inside a presigned POST form (what S3 will enforce)."""
    import base64
    return json.loads(base64.b64decode(form.fields["policy"]))
