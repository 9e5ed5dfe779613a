"""Reader processes: each PDF is parsed in a child process with a hard time and memory limit.

Why a process: a hostile or broken PDF can make pypdf loop for minutes or allocate gigabytes,
and a thread can be neither stopped nor capped. The child caps its own heap (RLIMIT_DATA,
`ingest.max_parse_mb`); the parent waits at most `ingest.read_timeout_s` per file, plus
`ingest.ocr_timeout_s` for each scanned page the child says it will OCR, then kills the child's
process group (Tesseract included) and refuses the file with the reason. The next file gets a
fresh child (after a kill, or a file that hit the memory limit). Parsing in a process also takes pypdf's pure-Python work off the GIL the embedder
shares with the ingest thread.

Protocol on the child's stdin/stdout: length-prefixed pickles. Parent -> child: one
(path, rel, sha, settings JSON) per file. Child -> parent: ("start",) when it takes the file,
("ocr", pages) before OCR, then ("done", Parsed, stage seconds, exhausted); after a file that
ran out of memory (exhausted) the child exits and the parent starts a fresh one. Children are kept between ingest runs of one process and
exit when their stdin closes (the parent exited, even by SIGKILL) or their parent changes.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ingest.core.settings import Settings
from ingest.parse import Parsed, StageClock, parse_file
from ingest.wordpieces import count_wordpieces, known_words

_HEADER = struct.Struct("<Q")
MAX_FRAME = 2**31  # a 3,000-page report parses to well under 100 MB
MAX_IDLE = 2  # readers kept between files; each holds the heap its largest file left it
READER_START_S = 120  # a fresh child imports pypdf and the tokenizer: ~1 s, far more on a loaded machine


def _write_frame(out: IO[bytes], obj: Any) -> None:
    blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(blob)) + blob)
    out.flush()


def _read_frame(read: Callable[[int], bytes]) -> Any | None:
    """One frame, through `read(n)` (up to n bytes; b"" at the end), or None at the end or when
    the length is past MAX_FRAME (bytes that are not a frame: the peer is not speaking this)."""
    head = _read_exact(read, _HEADER.size)
    if head is None or (size := _HEADER.unpack(head)[0]) > MAX_FRAME:
        return None
    blob = _read_exact(read, size)
    return None if blob is None else pickle.loads(blob)  # noqa: S301 - our own child's frames


def _read_exact(read: Callable[[int], bytes], n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        part = read(min(n - len(buf), 1 << 20))
        if not part:
            return None
        buf += part
    return bytes(buf)


class ReaderProcess:
    """One child process; parse() one file at a time."""

    def __init__(self, max_parse_mb: int):
        self.max_parse_mb = max_parse_mb
        # This package's folder goes last on the child's path (not PYTHONPATH, which would come
        # before the standard library), so it imports this code wherever the ingest was started.
        package_root = str(Path(__file__).resolve().parents[1])
        start = f"import sys; sys.path.append({package_root!r}); from ingest.parse_worker import main; main()"
        env = {**os.environ,
               # One thread each: the reader needs no BLAS or OpenMP pools, whose per-thread buffers
               # would eat the memory limit (OpenBLAS aborts at import under a small one).
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "RAYON_NUM_THREADS": "1",
               "TOKENIZERS_PARALLELISM": "false", "MALLOC_ARENA_MAX": "2"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", start, str(max_parse_mb)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env=env, start_new_session=True)  # own group: a kill takes Tesseract too

    def _read(self, n: int) -> bytes:
        # os.read on the pipe, never the buffered file object: a buffered read could take the
        # next frame into Python's buffer, where select() cannot see it, and wait out the limit.
        assert self.proc.stdout
        return os.read(self.proc.stdout.fileno(), n)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.returncode is None:  # once reaped, its pid (and group id) may be another's
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream:
                stream.close()

    def parse(self, path: str, rel: str, sha: str, settings: Settings, clock: StageClock) -> Parsed:
        """The parsed file, or a Parsed with the reason it was refused. Kills the child on a
        refusal by limit (the caller must not reuse it then: see alive())."""
        cfg = settings.ingest
        assert self.proc.stdin and self.proc.stdout
        try:
            _write_frame(self.proc.stdin, (path, rel, sha, settings.model_dump_json()))
        except BrokenPipeError:
            self.kill()
            return Parsed(rel, path, sha, error=f"the PDF reader stopped before this file (exit code {self.proc.returncode})")
        # The clock starts when the child takes the file, not while a fresh child still imports.
        ready, _, _ = select.select([self.proc.stdout], [], [], READER_START_S)
        if not ready:
            self.kill()
            return Parsed(rel, path, sha, error=f"the PDF reader did not start within {READER_START_S} s")
        if _read_frame(self._read) != ("start",):
            self.kill()
            return Parsed(rel, path, sha, error=self._died_reason())
        deadline = time.monotonic() + cfg.read_timeout_s
        allowed = cfg.read_timeout_s
        while True:
            ready, _, _ = select.select([self.proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                self.kill()
                return Parsed(rel, path, sha, error=f"took longer than {allowed:.0f} s to read, so it was stopped "
                              "(limit: ingest.read_timeout_s, plus ingest.ocr_timeout_s per scanned page)")
            frame = _read_frame(self._read)
            if frame is None:
                self.kill()
                return Parsed(rel, path, sha, error=self._died_reason())
            if frame[0] == "ocr":
                deadline += frame[1] * cfg.ocr_timeout_s
                allowed += frame[1] * cfg.ocr_timeout_s
                continue
            _, parsed, seconds, exhausted = frame
            clock.add(seconds)
            if exhausted:  # its heap limit is for the process's life: the next file gets a fresh one
                self.kill()
            return parsed

    def _died_reason(self) -> str:
        code = self.proc.returncode
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        return f"the PDF reader crashed on this file ({how}); memory limit {self.max_parse_mb} MiB (ingest.max_parse_mb)"


class ReaderPool:
    """Idle reader processes of this process, reused across ingest runs and threads."""

    def __init__(self) -> None:
        self._idle: list[ReaderProcess] = []
        self._lock = threading.Lock()

    def parse(self, path: str, rel: str, sha: str, settings: Settings, clock: StageClock) -> Parsed:
        reader = self._take(settings.ingest.max_parse_mb)
        try:
            parsed = reader.parse(path, rel, sha, settings, clock)
        except BaseException:
            reader.kill()  # mid-protocol: its next frame would belong to this file
            raise
        with self._lock:
            if reader.alive() and len(self._idle) < MAX_IDLE:
                self._idle.append(reader)
                return parsed
        reader.kill()
        return parsed

    def _take(self, max_parse_mb: int) -> ReaderProcess:
        with self._lock:
            while self._idle:
                reader = self._idle.pop()
                if reader.alive() and reader.max_parse_mb == max_parse_mb:
                    return reader
                reader.kill()
        return ReaderProcess(max_parse_mb)


READERS = ReaderPool()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main() -> None:
    import resource

    limit = int(sys.argv[1]) * 2**20
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    if hard != resource.RLIM_INFINITY:  # a tighter limit set from outside stays in force
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    # Frames go to a copy of fd 1; fd 1 itself then points at stderr, so a stray print or a C
    # library writing to stdout cannot corrupt them.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    jobs = sys.stdin.buffer
    count_wordpieces("warm")  # loaded before the first file's clock starts, not inside its limit
    known_words()
    try:
        serve(jobs, out, limit)
    except BrokenPipeError:  # the ingest process is gone (killed): nothing to report to
        os._exit(0)


def serve(jobs: IO[bytes], out: IO[bytes], limit: int) -> None:
    while (job := _read_frame(jobs.read)) is not None:
        path, rel, sha, settings_json = job
        _write_frame(out, ("start",))
        settings = Settings.model_validate_json(settings_json)
        clock = StageClock()
        try:
            parsed = parse_file(path, rel, sha, settings, clock, on_scan=lambda pages: _write_frame(out, ("ocr", pages)))
        except MemoryError:
            parsed = Parsed(rel, path, sha, error=f"needs more than {limit // 2**20} MiB of memory to read "
                            "(limit: ingest.max_parse_mb)")
            _write_frame(out, ("done", parsed, clock.seconds, True))
            return
        except Exception as exc:  # a bug in structure or chunking must cost one file, not the reader
            parsed = Parsed(rel, path, sha, error=f"could not process this PDF ({type(exc).__name__}: {exc})")
        _write_frame(out, ("done", parsed, clock.seconds, False))

