"""Reports added by upload: kept under `<index>/uploads/` and ingested like any other PDF.

The chat's upload tab is one caller; anything that receives files from users should come
through here, so names are made safe and a file that fails is not left behind.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from ingest.pipeline import FileResult, IngestSummary

MAX_UPLOAD_MB = 50


def safe_name(name: str) -> str:
    """An uploaded file's name with no directories, no traversal and only plain characters."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".") or "upload.pdf"
    return base if base.lower().endswith(".pdf") else base + ".pdf"


def store_upload(src: Path, uploads: Path) -> Path:
    """Copy an upload into `uploads/` under a safe name; another file's name gets a suffix."""
    uploads.mkdir(parents=True, exist_ok=True)
    name = Path(safe_name(src.name))
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    target, n = uploads / name, 1
    while target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() != digest:
        n += 1
        target = uploads / f"{name.stem}-{n}{name.suffix}"
    shutil.copyfile(src, target)
    return target


def add_uploads(assistant, files: list[Path], max_mb: float, progress) -> IngestSummary:
    """Store and ingest uploaded files; one result per file, a failed file is not kept."""
    uploads = assistant.index_dir / "uploads"
    refused, stored = [], []
    for src in map(Path, files):
        if src.stat().st_size > max_mb * 2**20:
            refused.append(FileResult(safe_name(src.name), "failed", f"larger than the {max_mb:g} MB upload limit"))
        else:
            stored.append(store_upload(src, uploads))
    summary = assistant.ingest(stored, root=assistant.index_dir, progress=progress) if stored else IngestSummary()
    for r in summary.failed:
        (assistant.index_dir / r.file).unlink(missing_ok=True)
    summary.results = refused + summary.results
    return summary
