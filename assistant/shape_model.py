"""The answer a question asks for, learnt from how people ask (a fallback behind the rules).

The rules of assistant/query.py read the cues that cannot be mistaken ("which reports mention",
"compare", "summarise"); a question they cannot place falls through to a finding. This model
places those: a multinomial logistic regression over the question's MiniLM embedding (its council
and region names masked, so it learns the asking and not the place), its words, and a few facts
the parser read (how many councils, a region, years, grades). It was trained by `python -m eval.train_shape_model`
on the development side of eval/data/reading only; its weights are `shape_model.npz`.

It is deterministic, offline, and costs one query embedding (about 3 ms here).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

WEIGHTS = Path(__file__).with_name("shape_model.npz")
LABELS = ("summary", "grades", "grade_history", "strengths", "weaknesses", "recommendations", "comparison",
          "coverage", "themes", "rated", "grade_change", "finding", "topic_across", "clarify")
MASK = "the council"  # what a council or region name reads as, to the model


def masked(rest: str) -> str:
    """The question as the gazetteer left it (names as \u00a7), each name read as MASK."""
    return rest.replace("\u00a7", MASK)


def facts(councils: int, group: bool, years: int, grades: int, latest: bool) -> np.ndarray:
    return np.array([councils == 0, councils == 1, councils >= 2, group, years >= 2, years == 1, grades > 0, latest],
                    dtype=np.float32)


WORD_SLOTS = 2048  # hashed words and word pairs: the asking's own words beside its meaning


def words(text: str) -> np.ndarray:
    """The question's words and pairs of words, hashed into WORD_SLOTS (crc32: the same in every
    process), unit length. With them, cross-validated on dev, the model alone is right 0.935 of the
    time against 0.907 with the embedding alone: "grades over time" and "grade table" differ by a word."""
    vector = np.zeros(WORD_SLOTS, dtype=np.float32)
    seen = re.findall(r"[a-z']+", text.lower())
    for w in [*seen, *(f"{a} {b}" for a, b in zip(seen, seen[1:], strict=False))]:
        vector[zlib.crc32(w.encode()) % WORD_SLOTS] += 1.0
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def features(embedding: np.ndarray, fact_row: np.ndarray, text: str) -> np.ndarray:
    """What the model reads of a question: its embedding, the facts the parser read, its words (`text`: masked)."""
    return np.concatenate([np.asarray(embedding, dtype=np.float32), fact_row, words(text)])


@dataclass(frozen=True)
class Prediction:
    label: str
    probability: float
    runner_up: str


class ShapeModel:
    """`confident`: the probability at which its answer replaces the rules' fallback (chosen with it, on dev)."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, labels: tuple[str, ...] = LABELS, confident: float = 0.5):
        self.weights, self.bias, self.labels, self.confident = weights, bias, labels, confident

    def predict(self, x: np.ndarray) -> Prediction:
        logits = x @ self.weights + self.bias
        p = np.exp(logits - logits.max())
        p /= p.sum()
        first, second = np.argsort(-p)[:2]
        return Prediction(self.labels[first], float(p[first]), self.labels[second])

    def save(self, path: Path = WEIGHTS) -> None:
        np.savez(path, weights=self.weights, bias=self.bias, labels=np.array(self.labels), confident=self.confident)


@lru_cache(maxsize=1)
def load(path: Path = WEIGHTS) -> ShapeModel | None:
    if not path.exists():
        return None
    data = np.load(path)
    return ShapeModel(data["weights"], data["bias"], tuple(str(x) for x in data["labels"]), float(data["confident"]))


def train(x: np.ndarray, y: list[str], l2: float = 1e-5, labels: tuple[str, ...] = LABELS,
          confident: float = 0.5) -> ShapeModel:
    """Multinomial logistic regression, L2-regularised, fitted by L-BFGS (deterministic)."""
    from scipy.optimize import minimize

    n, d = x.shape
    k = len(labels)
    target = np.zeros((n, k))
    target[np.arange(n), [labels.index(label) for label in y]] = 1.0

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[: d * k].reshape(d, k), theta[d * k:]
        logits = x @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        value = -np.sum(target * np.log(p + 1e-12)) / n + l2 * np.sum(w * w) / 2
        grad = p - target
        gw = x.T @ grad / n + l2 * w
        gb = grad.sum(axis=0) / n
        return value, np.concatenate([gw.ravel(), gb])

    result = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    theta = result.x
    return ShapeModel(theta[: d * k].reshape(d, k).astype(np.float32), theta[d * k:].astype(np.float32), labels,
                      confident)


Encode = Callable[[list[str]], np.ndarray]
