"""Which model made an index's passage vectors: recorded in <index>/embedder.json at its first
ingest, so questions are embedded the same way whatever the settings say later (vectors of two
models do not compare). `settings.embed.model` picks the model of a new index only. A static
index also keeps the table it was embedded with (<index>/static-table.npy): a table distilled
again (another machine, user or library version) may differ in its last bits or signs."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ingest.core.errors import IndexDamaged
from ingest.core.settings import EMBED_MODELS

RECORD = "embedder.json"
TABLE = "static-table.npy"


def recorded_model(index_dir: Path, has_reports: bool, default: str) -> str:
    record = index_dir / RECORD
    if not record.is_file():
        # No record: a new index takes the setting; an index from before the record used MiniLM.
        return "minilm" if has_reports else default
    try:
        model = json.loads(record.read_text(encoding="utf-8"))["model"]
    except (ValueError, KeyError, TypeError):
        model = None
    if model not in EMBED_MODELS:
        raise IndexDamaged(index_dir, f"{RECORD} names no known embedding model")
    return model


def record_model(index_dir: Path, model: str) -> None:
    """Write the record once; a second writer (another ingest starting at the same moment) finds
    it there and keeps it. A static index also gets its table."""
    if model == "minilm-static" and not (index_dir / TABLE).is_file():
        from assistant.static_embedder import distilled_table

        _create(index_dir / TABLE, lambda tmp: shutil.copyfile(distilled_table(), tmp))
    if not (index_dir / RECORD).is_file():
        _create(index_dir / RECORD, lambda tmp: tmp.write_text(json.dumps({"model": model}), encoding="utf-8"))


def _create(final: Path, write) -> None:
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.link(tmp, final)  # fails if another writer made it first: theirs stays
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def passage_embedder(index_dir: Path, model: str, backend: str):
    """The process-wide embedder for `model` (MiniLM through `backend`, or the index's static table)."""
    from assistant.embedder import get_embedder
    from assistant.static_embedder import get_static_embedder

    if model != "minilm-static":
        return get_embedder(backend)
    if not (index_dir / TABLE).is_file():
        raise IndexDamaged(index_dir, f"{TABLE}, the table its passages were embedded with, is missing")
    return get_static_embedder(index_dir / TABLE)
