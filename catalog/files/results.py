"""Result documents a unit sends with a report: checked by content, stored by hash.

The type is read from the bytes, never from the name or the browser's Content-Type, so a
script renamed .pdf is refused. Files land in DONDOC_HOME/results/<aa>/<sha256> without
an extension, so nothing that serves a folder could ever hand one back as something to run.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
PDF, DOCX, XLSX = ("application/pdf",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class BadDocument(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key  # an i18n key: serve.doc_type, serve.doc_size


def sniff(data: bytes) -> str | None:
    """The media type of an accepted document, from its first bytes (and, for the Office
    formats, the parts inside the zip); None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def store(home: Path, data: bytes, name: str | None) -> dict[str, object]:
    """Keep the document once per content; what the ResultFile row records."""
    if len(data) > MAX_BYTES:
        raise BadDocument("serve.doc_size")
    media = sniff(data)
    if media is None:
        raise BadDocument("serve.doc_type")
    digest = hashlib.sha256(data).hexdigest()
    path = home / "results" / digest[:2] / digest
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{digest}.{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    clean = Path(name or "").name[:200] or None  # the base name only, shown, never used as a path
    return {"sha256": digest, "media_type": media, "size": len(data), "name": clean}
