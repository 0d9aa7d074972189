"""Photos taken on a phone and kept with a record (a visit, a home service): which are accepted.
Judged by content, not by the name or the type the browser claims."""

from __future__ import annotations

PHOTO_MAX_BYTES = 8 * 1024 * 1024

_SIGNATURES = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG", "png"))


def photo_type(photo) -> str:
    """'jpg', 'png' or 'webp' from the file's first bytes; '' for anything else."""
    photo.seek(0)
    head = photo.read(12)
    photo.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return next((ext for magic, ext in _SIGNATURES if head.startswith(magic)), "")


def photo_problem(photo) -> str:
    """Why a photo is refused, in the words a user sees ('' when it is fine)."""
    if photo.size > PHOTO_MAX_BYTES:
        return f"照片超过 {PHOTO_MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传"
    if not photo_type(photo):
        return "照片应为 JPEG、PNG 或 WebP 图片"
    return ""
