"""Read a multipart/form-data body as a stream: the fields, then the file's bytes.

Werkzeug's request.files would spool the whole file to a temporary file before
the route runs. Reading the parts in order instead lets the route check the
signed policy (a field that, as with S3, comes before the file) and write the
file's bytes straight to the object store, refusing an oversize one after at
most its limit has been read.
"""
from __future__ import annotations

from typing import BinaryIO, Iterator

from werkzeug.exceptions import BadRequest
from werkzeug.sansio.multipart import NEED_DATA, Data, Epilogue, Field, File, MultipartDecoder

READ_SIZE = 64 * 1024
MAX_FIELD_BYTES = 64 * 1024
# The decoder's limit is on its buffer (unparsed bytes), not on the file: one
# read plus a field's worth of leftovers must fit, or every file over one read
# would be refused.
MAX_DECODER_BUFFER = READ_SIZE + MAX_FIELD_BYTES + 8 * 1024


class UploadParts:
    """The form fields before the file part, and a file-like reader of that file."""

    def __init__(self, stream: BinaryIO, boundary: bytes):
        self._stream = stream
        self._decoder = MultipartDecoder(boundary, max_form_memory_size=MAX_DECODER_BUFFER)
        self._events = self._event_stream()

    def _event_stream(self) -> Iterator:
        while True:
            event = self._decoder.next_event()
            if event is NEED_DATA:
                chunk = self._stream.read(READ_SIZE)
                self._decoder.receive_data(chunk or None)
                continue
            yield event
            if isinstance(event, Epilogue):
                return

    def fields_until_file(self, file_field: str) -> tuple[dict[str, str], str | None]:
        """The fields sent before the file named `file_field`, and its file name (None if absent)."""
        fields: dict[str, str] = {}
        current: str | None = None
        try:
            for event in self._events:
                if isinstance(event, Field):
                    current, fields[event.name] = event.name, ""
                elif isinstance(event, Data) and current is not None:
                    fields[current] += event.data.decode("utf-8", errors="replace")
                    if len(fields[current]) > MAX_FIELD_BYTES:
                        raise BadRequest("A form field is too long.")
                elif isinstance(event, File):
                    if event.name == file_field:
                        return fields, event.filename
                    current = None   # some other file: skip its bytes
        except ValueError as exc:
            raise BadRequest("The upload form could not be read; choose the file and send it again.") from exc
        return fields, None

    def read(self, size: int = -1) -> bytes:
        """The file's next bytes; b"" at its end. Chunks are as the body arrives, not `size`."""
        try:
            for event in self._events:
                if isinstance(event, Data):
                    if event.data:
                        return event.data
                    if not event.more_data:
                        return b""
                else:
                    return b""
        except ValueError as exc:
            raise BadRequest("The upload ended early; send the file again.") from exc
        return b""
