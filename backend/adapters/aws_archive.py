"""Cold archive in S3 Glacier Flexible Retrieval (a storage class, not the vault API).

Archiving copies the hot result into the archive bucket with the GLACIER
storage class under a fresh archive id. A restore asks S3 for a temporary
readable copy (Expedited, falling back to Standard when AWS has no expedited
capacity), `restore_ready` reads the object's Restore header, and `copy_back`
copies the restored object to the hot bucket as STANDARD and drops the archive
copy. Nothing here waits: the restorer checks again later through its queue.
"""
from __future__ import annotations

import logging
import uuid

from botocore.exceptions import ClientError

from backend.adapters.aws_objectstore import MISSING, SSE
from backend.adapters.aws_resources import ARCHIVE_STORAGE_CLASS, error_code
from backend.ports import ColdArchive

log = logging.getLogger("gas.archive")
ARCHIVE_CLASSES = {"GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"}
RESTORED_DAYS = 1        # the temporary copy only has to live until copy_back


class GlacierArchive(ColdArchive):
    def __init__(self, s3, hot_bucket: str, archive_bucket: str, storage_class: str = ARCHIVE_STORAGE_CLASS):
        self.s3 = s3
        self.hot_bucket = hot_bucket
        self.archive_bucket = archive_bucket
        self.storage_class = storage_class

    def archive(self, key: str) -> str:
        archive_id = str(uuid.uuid4())
        # The managed copy switches to multipart above 8 MiB (CopyObject alone stops at 5 GB).
        self.s3.copy({"Bucket": self.hot_bucket, "Key": key}, self.archive_bucket, archive_id,
                     ExtraArgs={"StorageClass": self.storage_class, "ServerSideEncryption": SSE,
                                "Metadata": {"gas-hot-key": key[:1024]}, "MetadataDirective": "REPLACE"})
        return archive_id

    def _restore(self, archive_id: str, tier: str) -> None:
        self.s3.restore_object(Bucket=self.archive_bucket, Key=archive_id, RestoreRequest={
            "Days": RESTORED_DAYS, "GlacierJobParameters": {"Tier": tier}})

    def start_restore(self, archive_id: str) -> str:
        for tier in ("Expedited", "Standard"):
            try:
                self._restore(archive_id, tier)
                return tier
            except ClientError as exc:
                code = error_code(exc)
                if code == "GlacierExpeditedRetrievalNotAvailable" and tier == "Expedited":
                    log.info("archive %s: no expedited capacity; asking for a standard retrieval", archive_id)
                    continue
                if code == "RestoreAlreadyInProgress":
                    return "already requested"
                if code in MISSING:
                    raise KeyError(archive_id) from None
                raise
        raise AssertionError("unreachable")

    def restore_ready(self, archive_id: str) -> bool:
        try:
            head = self.s3.head_object(Bucket=self.archive_bucket, Key=archive_id)
        except ClientError as exc:
            if error_code(exc) in MISSING:
                return False
            raise
        if head.get("StorageClass", "STANDARD") not in ARCHIVE_CLASSES:
            return True
        return 'ongoing-request="false"' in head.get("Restore", "")

    def copy_back(self, archive_id: str, key: str) -> None:
        if not self.restore_ready(archive_id):
            raise RuntimeError(f"archive {archive_id} is not restored yet")
        self.s3.copy({"Bucket": self.archive_bucket, "Key": archive_id}, self.hot_bucket, key,
                     ExtraArgs={"StorageClass": "STANDARD", "ServerSideEncryption": SSE})
        self.s3.delete_object(Bucket=self.archive_bucket, Key=archive_id)

    def holds(self, archive_id: str) -> bool:
        """Whether the archive still has this object (for tests and operators)."""
        try:
            self.s3.head_object(Bucket=self.archive_bucket, Key=archive_id)
            return True
        except ClientError as exc:
            if error_code(exc) in MISSING:
                return False
            raise
