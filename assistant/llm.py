"""A chat client for any OpenAI-compatible endpoint (a llama.cpp server, Ollama, vLLM, a
hosted API), streamed. Every way the endpoint can fail (down, refusing, slow, answering with
something that is not a chat completion) becomes one `LLMUnavailable` with a one-line reason,
so the caller can fall back to the extractive answer."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any, cast

from ingest.core.errors import LLMUnavailable
from ingest.core.settings import LLMSettings

OnToken = Callable[[str], None]


class ChatClient:
    def __init__(self, cfg: LLMSettings):
        if not cfg.url:
            raise LLMUnavailable("no language model is set: pass --llm-url (an OpenAI-compatible endpoint)")
        import openai  # only when a model is used: the extractive default never loads it

        self.cfg = cfg
        self._openai = openai
        # The key is read from the environment at each start and handed to the client only.
        key = os.environ.get(cfg.api_key_env) or os.environ.get("OPENAI_API_KEY") or "not-needed"
        self._client = openai.OpenAI(base_url=cfg.url, api_key=key, timeout=cfg.timeout_s, max_retries=0)

    def stream(self, messages: list[dict[str, str]], grammar: str | None = None) -> Iterator[str]:
        """The model's reply, piece by piece as it streams. `grammar`: a GBNF grammar the reply
        must follow, sent as the request's `grammar` field (llama.cpp's server)."""
        deadline = time.monotonic() + self.cfg.timeout_s
        said = False
        try:
            stream = self._client.chat.completions.create(
                model=self.cfg.model, messages=cast(Any, messages), stream=True,
                max_tokens=self.cfg.max_tokens, temperature=self.cfg.temperature,
                extra_body={"grammar": grammar} if grammar else None)
            try:
                for chunk in stream:
                    if time.monotonic() > deadline:
                        raise LLMUnavailable(f"the language model at {self.cfg.url} took longer than "
                                             f"{self.cfg.timeout_s:g} s")
                    if not getattr(chunk, "choices", None):
                        continue
                    delta = chunk.choices[0].delta.content or ""
                    if delta:
                        said = said or bool(delta.strip())
                        yield delta
            finally:  # a reader that stops early (a chat cancelled) ends the request: the model stops writing
                stream.close()
        except LLMUnavailable:
            raise
        except self._openai.APITimeoutError:
            raise LLMUnavailable(f"the language model at {self.cfg.url} took longer than {self.cfg.timeout_s:g} s") from None
        except self._openai.APIConnectionError:
            raise LLMUnavailable(f"cannot reach the language model at {self.cfg.url}") from None
        except self._openai.APIStatusError as exc:
            raise LLMUnavailable(f"the language model at {self.cfg.url} refused: HTTP {exc.status_code}") from None
        except (self._openai.OpenAIError, ValueError, KeyError, AttributeError, TypeError) as exc:
            raise LLMUnavailable(f"the language model at {self.cfg.url} did not answer as a chat endpoint "
                                 f"({type(exc).__name__})") from None
        if not said:
            raise LLMUnavailable(f"the language model at {self.cfg.url} returned an empty answer")
