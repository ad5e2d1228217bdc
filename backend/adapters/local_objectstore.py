"""Object store on the local filesystem, with signed expiring upload/download URLs.

Objects live at <root>/<key>. Writes go to a temporary file first and are
renamed into place, so a reader never sees half an object and a crash leaves
nothing behind under the key.
"""
from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator
from urllib.parse import quote

from backend.ports import ObjectStore, UploadForm
from backend.signing import Signer, TokenInvalid

CHUNK = 1024 * 1024


class UploadTooLarge(Exception):
    pass


class LocalObjectStore(ObjectStore):
    def __init__(self, root: Path, bucket: str, secret: str, url_prefix: str = "/files"):
        self.root = Path(root) / bucket
        self.bucket = bucket
        self.root.mkdir(parents=True, exist_ok=True)
        self._signer = Signer(secret, f"objects-{bucket}")
        self._url_prefix = url_prefix

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise KeyError(key)   # a key that climbs out of the bucket names nothing
        return path

    def _write_stream(self, key: str, stream: BinaryIO, max_bytes: int | None = None) -> int:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        written = 0
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    written += len(chunk)
                    if max_bytes is not None and written > max_bytes:
                        raise UploadTooLarge(f"The file is larger than the {max_bytes:,} bytes allowed.")
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
        return written

    def put_file(self, key: str, path: str) -> None:
        with open(path, "rb") as src:
            self._write_stream(key, src)

    def put_bytes(self, key: str, data: bytes) -> None:
        self._write_stream(key, io.BytesIO(data))

    def get_to_file(self, key: str, path: str) -> None:
        src = self._path(key)
        if not src.is_file():
            raise KeyError(key)
        shutil.copyfile(src, path)

    def read_bytes(self, key: str, max_bytes: int | None = None) -> bytes:
        src = self._path(key)
        if not src.is_file():
            raise KeyError(key)
        with open(src, "rb") as f:
            return f.read() if max_bytes is None else f.read(max_bytes)

    def iter_lines(self, key: str) -> Iterator[bytes]:
        src = self._path(key)
        if not src.is_file():
            raise KeyError(key)
        with open(src, "rb") as f:
            yield from f

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).is_file()
        except KeyError:
            return False

    def size(self, key: str) -> int:
        src = self._path(key)
        if not src.is_file():
            raise KeyError(key)
        return src.stat().st_size

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except (FileNotFoundError, KeyError):
            pass

    def upload_form(self, key: str, max_bytes: int | None, expires_in: int) -> UploadForm:
        policy = self._signer.sign({"key": key, "max": max_bytes}, expires_in)
        return UploadForm(url=f"{self._url_prefix}/{self.bucket}/upload", fields={"key": key, "policy": policy})

    def download_url(self, key: str, file_name: str, expires_in: int) -> str:
        token = self._signer.sign({"key": key, "name": file_name}, expires_in)
        return f"{self._url_prefix}/{self.bucket}/download/{quote(file_name)}?token={token}"

    # The two methods below serve the URLs above; only the local web routes call them.

    def accept_upload(self, policy_token: str, key: str, stream: BinaryIO) -> int:
        """Store a browser's POSTed file if the signed policy allows this key and size."""
        policy = self._signer.verify(policy_token)
        if policy["key"] != key:
            raise TokenInvalid("This upload form was issued for another file.")
        return self._write_stream(key, stream, policy.get("max"))

    def resolve_download(self, token: str) -> tuple[Path, str]:
        """The file and the name to download it as, if the signed link is still valid."""
        grant = self._signer.verify(token)
        path = self._path(grant["key"])
        if not path.is_file():
            raise KeyError(grant["key"])
        return path, grant["name"]
