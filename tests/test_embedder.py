"""Embedder: real packaged model, no mocks. The first run exports the ONNX models into the cache
(~/.cache/inspection-assistant/onnx or $IA_EMBED_CACHE); later runs reuse them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.embedder import _SELFTEST_SENTENCES, MIN_COSINE, Embedder, get_embedder, model_dir, selftest_texts

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

TEXTS = [
    "Overall effectiveness: good.",
    "Children in care are seen regularly by their social workers, who know them well and advocate for them.",
    "",
    "SEND",
    " ".join(selftest_texts()[5].split()[:120]),
    "Pupils' attendance is 91.4%; persistent absence remains high (12.3%) — leaders’ actions are recent.",
]


@pytest.fixture(scope="module")
def st() -> Embedder:
    return get_embedder("st")


@pytest.fixture(scope="module")
def auto() -> Embedder:
    return get_embedder("auto")


def test_dimensions_from_model(st):
    assert st.max_wordpieces == 256
    assert st.dim == 384


def test_count_wordpieces_matches_tokenizer(st):
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(model_dir()))
    for text in TEXTS + selftest_texts()[:6]:
        assert st.count_wordpieces(text) == len(hf(text, truncation=False)["input_ids"])
    assert st.count_wordpieces("") == 2  # [CLS] [SEP]


def test_long_text_counted_beyond_window(st):
    long = " ".join(selftest_texts())
    assert st.count_wordpieces(long) > st.max_wordpieces


def test_documents_normalised_and_in_input_order(auto, st):
    texts = TEXTS + _SELFTEST_SENTENCES + [" ".join(_SELFTEST_SENTENCES * 3)]  # distinct, 1..>256 pieces
    batch = auto.encode_documents(texts, batch_size=4)  # several length-sorted batches
    assert batch.dtype == np.float32 and batch.shape == (len(texts), auto.dim)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-4)
    single = np.vstack([auto.encode_documents([t]) for t in texts])
    sims = batch @ single.T  # int8 dynamic scales depend on the batch: close, not bit-equal
    assert (sims.argmax(axis=1) == np.arange(len(texts))).all()
    assert sims.diagonal().min() > 0.995
    assert (batch * st.encode_documents(texts)).sum(1).min() >= MIN_COSINE  # short texts too
    assert auto.encode_documents([]).shape == (0, auto.dim)


def test_queries_match_documents(auto):
    q = auto.encode_queries(["How effective is early help?"])
    d = auto.encode_documents(["How effective is early help?"])
    assert q.shape == (1, auto.dim) and float(q[0] @ d[0]) > 0.9999


def _real_texts(n: int = 24) -> list[str]:
    from ingest.read import read_pdf

    texts: list[str] = []
    for pdf in sorted(CORPUS.rglob("*.pdf"))[::40]:
        words = " ".join(p.text for p in read_pdf(pdf).pages).split()
        texts += [" ".join(words[i:i + 180]) for i in range(0, len(words) - 180, 900)]
        if len(texts) >= n:
            break
    return texts[:n]


def test_auto_matches_fp32_selftest_texts(auto, st):
    texts = selftest_texts()[:20]
    cos = (auto.encode_documents(texts) * st.encode_documents(texts)).sum(1)
    assert cos.min() >= MIN_COSINE, (auto.backend, cos.min())


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_auto_matches_fp32_on_real_chunks(auto, st):
    texts = _real_texts()
    assert len(texts) >= 10
    cos = (auto.encode_documents(texts) * st.encode_documents(texts)).sum(1)
    assert cos.min() >= MIN_COSINE, (auto.backend, cos.min())
