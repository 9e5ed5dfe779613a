"""Which model made an index's passage vectors: recorded in <index>/embedder.json at its first
ingest, so questions are embedded the same way whatever the settings say later (vectors of two
models do not compare). `settings.embed.model` picks the model of a new index only."""

from __future__ import annotations

import json
import os
from pathlib import Path

RECORD = "embedder.json"


def recorded_model(index_dir: Path, has_reports: bool, default: str) -> str:
    record = index_dir / RECORD
    if record.is_file():
        return json.loads(record.read_text(encoding="utf-8"))["model"]
    # No record: a new index takes the setting; an index from before the record used MiniLM.
    return "minilm" if has_reports else default


def record_model(index_dir: Path, model: str) -> None:
    record = index_dir / RECORD
    if not record.is_file():
        tmp = record.with_suffix(".tmp")
        tmp.write_text(json.dumps({"model": model}), encoding="utf-8")
        os.replace(tmp, record)


def passage_embedder(model: str, backend: str):
    """The process-wide embedder for `model` (MiniLM through `backend`, or the static one)."""
    from assistant.embedder import get_embedder
    from assistant.static_embedder import get_static_embedder

    return get_static_embedder() if model == "minilm-static" else get_embedder(backend)
