"""One settings tree: strict, described, presets, environment overrides, never mutated by open."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from ingest.core.errors import BadSetting, UnknownPreset
from ingest.core.settings import Settings

pytestmark = pytest.mark.unit  # no model, no corpus: `make test-fast`


def test_open_works_on_a_copy(tmp_path):
    from assistant import Assistant

    mine = Settings()
    first = Assistant.open(tmp_path / "a", chroma_url=None, settings=mine)
    assert mine.index_dir.name == "index" and first.settings.index_dir == tmp_path / "a"
    assert first.settings is not mine


def test_presets_and_environment_layer_over_the_defaults(monkeypatch):
    fast = Settings.preset("fast")
    assert fast.retrieval.dense_candidates < Settings().retrieval.dense_candidates
    monkeypatch.setenv("INSPECTION_ASSISTANT_RETRIEVAL__RERANK", "false")
    monkeypatch.setenv("INSPECTION_ASSISTANT_ANSWER__MAX_SENTENCES", "5")
    env = Settings.preset("fast")
    assert env.retrieval.rerank is False and env.answer.max_sentences == 5 and env.retrieval.dense_candidates == 30
    with pytest.raises(UnknownPreset, match="known presets: default, fast"):
        Settings.preset("turbo")


def test_unknown_and_invalid_fields_are_refused(monkeypatch):
    with pytest.raises(ValidationError):
        Settings.model_validate({"retrieval": {"rerank_k": 3}})
    with pytest.raises(ValidationError):
        Settings().answer.max_sentences = 0
    monkeypatch.setenv("INSPECTION_ASSISTANT_RETRIEVAL__DENSE_CANDIDATES", "many")
    with pytest.raises(BadSetting, match="setting retrieval.dense_candidates: .* \\(got 'many'\\)"):
        Settings.from_env()


def test_every_field_is_described():
    def fields(model: type[BaseModel], prefix=""):
        for name, info in model.model_fields.items():
            yield prefix + name, info
            if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
                yield from fields(info.annotation, f"{prefix}{name}.")

    undescribed = [name for name, info in fields(Settings) if not info.description]
    assert undescribed == []
