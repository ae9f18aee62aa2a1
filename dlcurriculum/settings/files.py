"""Files: static assets, uploaded notebooks (local disk or a shared S3-compatible store), upload limits."""

from pathlib import Path

from .env import BASE_DIR, DEBUG, env
from .features import CAPSTONE_MAX_NOTEBOOK_BYTES

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "dlcurriculum" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Shared file storage: with S3_BUCKET set, uploaded notebooks live in an S3-compatible store
# (AWS S3, MinIO, ...) that web servers and workers on every machine share; otherwise on
# the local disk under MEDIA_ROOT. Objects are private: a notebook leaves only through the
# app's permission-checked download view, streamed from the store; if anything ever asks
# for a URL, it is a signed one that expires within minutes.
S3_BUCKET = env("S3_BUCKET", default="")


def _shared_store(bucket: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "region_name": env("S3_REGION", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("S3_SIGNED_URL_SECONDS", default=300),
            "file_overwrite": False,
            # MinIO and other self-hosted stores are addressed by path, not by bucket subdomain.
            "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
        },
    }


STORAGES = {
    "default": (_shared_store(S3_BUCKET) if S3_BUCKET else {"BACKEND": "django.core.files.storage.FileSystemStorage"}),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The largest file any upload may carry, enforced while the body streams (dlcurriculum.uploads).
FILE_UPLOAD_MAX_BYTES = CAPSTONE_MAX_NOTEBOOK_BYTES
FILE_UPLOAD_HANDLERS = [
    "dlcurriculum.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
