"""The built wheel is the product: installed alone into a fresh venv, away from this checkout,
it carries the evaluation sets and the presets and passes the quick evaluation gate.

Slow (a fresh venv downloads every dependency): run by `make test-wheel`, part of `make test`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPO

pytestmark = [pytest.mark.slow, pytest.mark.corpus, pytest.mark.skipif(
    os.environ.get("INSPECTION_ASSISTANT_WHEEL_TEST") != "1", reason="make test-wheel runs it")]
TORCH_WHEELS = Path("/opt/wheels")  # the CPU build of torch lies on disk here (see Makefile)


def run(*args, cwd=None, env=None):
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_the_wheel_alone_passes_the_quick_gate(tmp_path):
    dist = tmp_path / "dist"
    # setuptools builds in build/lib and build/bdist.*: clear them, so no deleted module rides along.
    for stale in [REPO / "build" / "lib", *(REPO / "build").glob("bdist.*")]:
        shutil.rmtree(stale, ignore_errors=True)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, REPO)
    wheel = next(dist.glob("inspection_assistant-*.whl"))
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    pip = [venv / "bin" / "pip", "install", "-q", "--disable-pip-version-check"]
    pip += ["--find-links", TORCH_WHEELS] if TORCH_WHEELS.is_dir() else []
    run(*pip, "torch==2.13.0")
    run(*pip, wheel)
    elsewhere = tmp_path / "elsewhere"  # no checkout here: data must come from the wheel
    elsewhere.mkdir()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": ""}
    out = run(venv / "bin" / "inspection-assistant", "eval", "--quick", "--corpus", CORPUS, "--index", elsewhere / "index",
              "--out", elsewhere / "out", "--systems", "ours", cwd=elsewhere, env=env)
    from eval.harness import load_sets, quick_items

    quick = len(quick_items(load_sets("v1,v2")))  # the checkout's sets: the wheel must carry the same
    assert f"quick eval: {quick} items" in out and "answer shapes: " in out and "GATE FAIL" not in out
    assert "polarity on hand labels, test" in out
