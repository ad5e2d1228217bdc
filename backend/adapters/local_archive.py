"""Cold archive in a separate folder, with a thaw delay like Glacier's.

An archived object is a file named by its archive id; a restore request writes
the time it will be ready beside it, so waiting survives any restart.
"""
from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from backend.adapters.local_objectstore import LocalObjectStore
from backend.ports import ColdArchive


class FolderArchive(ColdArchive):
    def __init__(self, root: Path, hot: LocalObjectStore, thaw_seconds: float):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.hot = hot
        self.thaw_seconds = thaw_seconds
        self.restore_check_seconds = min(60.0, max(1.0, float(thaw_seconds)))   # look again about when it thaws

    def _object(self, archive_id: str) -> Path:
        if not archive_id.replace("-", "").isalnum():
            raise KeyError(archive_id)
        return self.root / archive_id

    def archive(self, key: str) -> str:
        archive_id = str(uuid.uuid4())
        tmp = self.root / f".part-{archive_id}"
        self.hot.get_to_file(key, str(tmp))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, self._object(archive_id))
        return archive_id

    def start_restore(self, archive_id: str) -> str:
        if not self._object(archive_id).is_file():
            raise KeyError(archive_id)
        ticket = self.root / f"{archive_id}.restore"
        if not ticket.exists():   # asking twice does not push the ready time back
            ticket.write_text(json.dumps({"ready_at": time.time() + self.thaw_seconds, "tier": "Expedited"}))
        return json.loads(ticket.read_text())["tier"]

    def restore_ready(self, archive_id: str) -> bool:
        ticket = self.root / f"{archive_id}.restore"
        return ticket.exists() and json.loads(ticket.read_text())["ready_at"] <= time.time()

    def copy_back(self, archive_id: str, key: str) -> None:
        if not self.restore_ready(archive_id):
            raise RuntimeError(f"archive {archive_id} is not restored yet")
        self.hot.put_file(key, str(self._object(archive_id)))
        self._object(archive_id).unlink()
        (self.root / f"{archive_id}.restore").unlink(missing_ok=True)

    def holds(self, archive_id: str) -> bool:
        return self._object(archive_id).is_file()
