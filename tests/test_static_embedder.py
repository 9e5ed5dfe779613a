"""The static embedder distilled from the packaged MiniLM (`--preset fast-ingest`): real model,
real reports. An index remembers which model made its vectors, so questions are embedded the
same way whatever the settings say later, and `ingest --rebuild` is how it changes model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.passage_model import TABLE
from assistant.static_embedder import DIMS, distilled_table, get_static_embedder
from ingest.normalize import for_match
from tests.conftest import REPO

CLI = Path(sys.executable).with_name("inspection-assistant")
REPORTS = ["ofsted-focused-visits/croydon_2021-07-26_focused-visit.pdf",
           "ofsted-focused-visits/enfield_2018-10-18_focused-visit.pdf"]


def test_vectors_are_unit_length_and_near_for_paraphrases():
    static = get_static_embedder(distilled_table())
    vectors = static.encode_documents([
        "Children in care see their social workers regularly.",
        "Looked after children are visited often by their social worker.",
        "The council resurfaced two roads in the town centre.",
        "",
    ])
    assert vectors.shape == (4, DIMS)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1, atol=1e-5) and not vectors[3].any()
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    again = get_static_embedder(distilled_table()).encode_queries(["Children in care see their social workers regularly."])
    assert np.allclose(again[0], vectors[0])


def vector_dims(index: Path) -> int:
    """Read in a new process: this one's Chroma client keeps its view of a store another process rebuilt."""
    code = ("import sys; from pathlib import Path; from assistant.vectors import VectorStore; "
            "from ingest.core.settings import StoreSettings; v = VectorStore(Path(sys.argv[1]), StoreSettings()); "
            "print(len(v.collection.get(limit=1, include=['embeddings'])['embeddings'][0]))")
    done = subprocess.run([sys.executable, "-c", code, str(index)], capture_output=True, text=True, cwd=REPO,
                          timeout=300, check=True)
    return int(done.stdout.split()[-1])


def cli(*args: object) -> subprocess.CompletedProcess:
    done = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    return done


@pytest.mark.corpus
def test_an_index_keeps_the_model_it_was_built_with_until_rebuilt(corpus, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in REPORTS:
        shutil.copy(corpus / name, folder / Path(name).name)
    index = tmp_path / "index"
    cli("ingest", folder, "--index", index, "--preset", "fast-ingest")
    assert json.loads((index / "embedder.json").read_text()) == {"model": "minilm-static"}
    # The index keeps the table its passages were embedded with: a table distilled again later
    # (another machine or library version) must not embed its questions.
    assert (index / TABLE).read_bytes() == distilled_table().read_bytes()
    assistant = Assistant.open(index, create=False)  # default settings: MiniLM for a new index
    assert assistant.embed_model() == "minilm-static"
    assert vector_dims(index) == DIMS

    question = "What did Ofsted find about management oversight in Croydon?"
    answer = assistant.ask(question)
    assert not answer.abstained and any("croydon" in c.file for c in answer.citations), answer.text
    for c in answer.citations:  # verified on their pages, as with MiniLM
        assert for_match(c.quote) in for_match(assistant.page_text(c.file, c.page) or "")
    asked = cli("ask", question, "--index", index)  # a new process, default settings: the same answer
    assert answer.text.splitlines()[0] in asked.stdout

    cli("ingest", folder, "--index", index, "--rebuild")  # the default model now
    assert json.loads((index / "embedder.json").read_text()) == {"model": "minilm"} and not (index / TABLE).exists()
    assert vector_dims(index) == 384
    assert "croydon" in cli("ask", question, "--index", index).stdout
