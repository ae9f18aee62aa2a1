"""Uploads are refused while the body streams, not once a huge file is on disk.

:class:`LimitedUploadHandler` comes first in ``FILE_UPLOAD_HANDLERS``. It passes each file's chunks
on to Django's own handlers (memory, then a temporary file) and stops a file as soon as it passes
``FILE_UPLOAD_MAX_BYTES``: the file is skipped (Django reads the rest of that part without keeping
it) and the form is told through ``request.refused_uploads`` so it can say why, keeping every other
field the learner typed. A body whose declared length cannot fit the limit plus the largest
non-file data Django accepts is not read at all: the upload stops at its first file.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload


class LimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803 - Django's name
        self.limit = settings.FILE_UPLOAD_MAX_BYTES
        self.refused: dict[str, int] = {}
        if self.request is not None:
            self.request.refused_uploads = self.refused
        # Every non-file field together is capped by DATA_UPLOAD_MAX_MEMORY_SIZE.
        self.hopeless = content_length > self.limit + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) + 64 * 1024
        self.declared = content_length

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        if getattr(self, "hopeless", False):
            # Fields before the file are parsed already; the rest of the body is never read.
            self.refused[field_name] = self.declared
            raise StopUpload(connection_reset=True)
        if content_length is not None and content_length > self.limit:
            self.refused[field_name] = content_length
            raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.refused[self.field_name] = start + len(raw_data)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file
