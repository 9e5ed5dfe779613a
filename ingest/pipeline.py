"""Files -> catalog + vectors: content-hashed, incremental, crash-safe, per-file errors.

Order of writes for one report: vectors first, then one catalog transaction, then the
old version's vectors are deleted. Readers trust only the catalog, so a crash at any
point leaves either the old or the new report visible, never half of one; vectors
without a catalog row are swept at the start of the next ingest.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from ingest.catalog import Catalog, ChunkRow
from ingest.copies import find_copies
from ingest.core.settings import Settings
from ingest.core.types import ReportMeta
from ingest.normalize import printable
from ingest.parse import READER_STAGES, Parsed, StageClock, context_line
from ingest.parse_worker import READERS
from ingest.sidecar import apply_sidecars
from ingest.workers import Turns, ingest_turns


@dataclass
class FileResult:
    file: str
    status: str  # new | updated | unchanged | duplicate | failed | pruned | elsewhere (another worker's)
    reason: str = ""
    pages: int = 0
    chunks: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestSummary:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, tuple[float, float]] = field(default_factory=dict)  # stage -> (wall, thread CPU) seconds
    cpu_seconds: float = 0.0  # the whole process, every thread, and its reader processes' stages
    notes: list[str] = field(default_factory=list)  # the metadata sidecar's links and what was wrong with it

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.results if r.status in ("new", "updated"))

    @property
    def chunks(self) -> int:
        return sum(r.chunks for r in self.results if r.status in ("new", "updated"))

    def format(self) -> str:
        seen = len([r for r in self.results if r.status != "pruned"])
        elsewhere = f"  another worker's: {n}" if (n := self.count("elsewhere")) else ""
        lines = [
            f"files seen: {seen}  new: {self.count('new')}  updated: {self.count('updated')}  "
            f"unchanged: {self.count('unchanged')}  duplicate: {self.count('duplicate')}  "
            f"failed: {self.count('failed')}  pruned: {self.count('pruned')}{elsewhere}",
            f"pages: {self.pages}  chunks: {self.chunks}  seconds: {self.seconds:.1f}",
        ]
        lines += [f"FAILED {printable(r.file)}: {printable(r.reason)}" for r in self.failed]
        lines += [f"warning {printable(r.file)}: {printable(w)}" for r in self.results for w in r.warnings]
        lines += self.notes
        return "\n".join(lines)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(paths: Iterable[str | Path], root: str | Path | None = None) -> list[tuple[Path, str]]:
    """(absolute path, path relative to its ingest root) for every PDF under `paths`.

    A folder is its own root; a single file's root is its folder, unless `root` is given.
    """
    found: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_dir():
            base = Path(root).resolve() if root else path
            files = [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"]
        elif path.exists():
            base = Path(root).resolve() if root else path.parent
            files = [path]
        else:
            raise FileNotFoundError(f"no such file or folder: {raw}")
        for file in files:
            rel = file.relative_to(base).as_posix() if file.is_relative_to(base) else file.name
            found.setdefault(rel, file)
    return sorted(((p, rel) for rel, p in found.items()), key=lambda item: item[1])


def _parsed_stream(jobs: Iterable[tuple[str, str, str]], settings: Settings, clock: StageClock) -> Iterator[Parsed]:
    """Parse ahead in reader processes (ingest.parse_worker: time and memory limits per file) so
    PDF reading overlaps with embedding. A thread per reader waits on its process. `jobs` is
    drawn lazily: a job is claimed (ingest.workers) only as it is about to be read."""
    jobs = iter(jobs)
    ahead = 2 * settings.ingest.parse_workers
    first = list(islice(jobs, ahead))
    if len(first) <= 1:
        for job in first:
            yield READERS.parse(*job, settings, clock)
        return
    pool = ThreadPoolExecutor(settings.ingest.parse_workers, thread_name_prefix="parse")
    try:
        pending = deque(pool.submit(READERS.parse, *job, settings, clock) for job in first)
        for job in jobs:
            parsed = pending.popleft().result()
            pending.append(pool.submit(READERS.parse, *job, settings, clock))
            yield parsed
        while pending:
            yield pending.popleft().result()
    finally:
        # On Ctrl-C or a failed write, files queued but not started are dropped, not parsed first.
        pool.shutdown(wait=False, cancel_futures=True)


def run_ingest(
    paths: Iterable[str | Path],
    catalog: Catalog,
    vectors,
    embed_documents: Callable[[list[str]], object],
    settings: Settings,
    root: str | Path | None = None,
    prune: bool = False,
    progress: bool | Callable[[float, str], None] = True,
    sidecar: str | Path | None = None,
    prefer_sidecar: bool = False,
) -> IngestSummary:
    """Index the PDFs under `paths`, then the publishers' addresses their metadata sidecar gives
    (`sidecar`, else a known name at the top of each folder: ingest.sidecar)."""
    started = time.perf_counter()
    summary = IngestSummary()
    paths = list(paths)
    files = discover(paths, root)
    with ingest_turns(catalog, settings.index_dir, bool(settings.store.chroma_url),
                      sweep=lambda: sweep_orphans(catalog, vectors)) as turns:
        jobs: list[tuple[str, str, str]] = []
        claimed: dict[str, str] = {}  # sha -> file, for duplicates within this run
        later_aliases: list[tuple[str, str, str]] = []
        for path, rel in files:
            sha = sha256_of(path)
            # with other workers at it, nothing is written for a file before it is claimed
            if done := _already(catalog, vectors, rel, sha, str(path), write=not turns.shared):
                summary.results.append(done)
                continue
            if sha in claimed:
                summary.results.append(FileResult(rel, "duplicate", f"same bytes as {claimed[sha]}"))
                later_aliases.append((rel, sha, str(path)))
                continue
            claimed[sha] = rel
            jobs.append((str(path), rel, sha))

        bar = _progress(progress, len(jobs))
        clock = StageClock()
        cpu = time.process_time()
        for parsed in _parsed_stream(_claimed(jobs, turns, catalog, vectors, summary, bar), settings, clock):
            try:
                turns.check()
                summary.results.append(_store(parsed, catalog, vectors, embed_documents, clock))
            finally:
                turns.release(parsed.file, parsed.sha)
            bar(parsed.file)
        # A file that duplicated another file of this same run becomes its alias once that one is stored.
        for rel, sha, alias_path in later_aliases:
            if owner := catalog.report_by_sha(sha):
                _make_alias(catalog, vectors, rel, owner[0], alias_path)
        if prune:
            summary.results += _prune(catalog, vectors)
        summary.notes = apply_sidecars(catalog, paths, files, sidecar, prefer_sidecar)
    summary.seconds = time.perf_counter() - started
    summary.stages = dict(clock.seconds)
    readers_cpu = sum(c for stage, (_, c) in clock.seconds.items() if stage in READER_STAGES)
    summary.cpu_seconds = time.process_time() - cpu + readers_cpu
    return summary


def _already(catalog: Catalog, vectors, rel: str, sha: str, path: str, write: bool = True) -> FileResult | None:
    """The file's result when it needs no reading: indexed as it is, or (`write`: made an alias)
    its bytes under another name."""
    known = catalog.report_by_file(rel)
    if known and known[1] == sha:
        return FileResult(rel, "unchanged")
    if not write:
        return None
    owner = catalog.report_by_sha(sha)
    if owner and owner[1] != rel:
        _make_alias(catalog, vectors, rel, owner[0], path)
        return FileResult(rel, "duplicate", f"same bytes as {owner[1]}")
    return None


def _claimed(jobs: list[tuple[str, str, str]], turns: Turns, catalog: Catalog, vectors, summary: IngestSummary,
             bar: Callable[[str], None]) -> Iterator[tuple[str, str, str]]:
    """The jobs this worker takes, each claimed as it is about to be read; one another worker holds
    is left to it, and one it finished meanwhile is unchanged (or a duplicate) by now."""
    for path, rel, sha in jobs:
        if not turns.claim(rel, sha):
            summary.results.append(FileResult(rel, "elsewhere", "another ingest worker is indexing it"))
            bar(rel)
            continue
        if turns.shared and (done := _already(catalog, vectors, rel, sha, path)):
            turns.release(rel, sha)
            summary.results.append(done)
            bar(rel)
            continue
        yield path, rel, sha


def _store(parsed: Parsed, catalog: Catalog, vectors, embed_documents, clock: StageClock) -> FileResult:
    previous = catalog.report_by_file(parsed.file)
    if parsed.error:
        kept = " (the previously indexed version is kept)" if previous else ""
        return FileResult(parsed.file, "failed", parsed.error + kept)
    meta = parsed.meta
    assert meta is not None  # a parse without an error always carries its report's metadata
    meta.file = parsed.file
    rows = [
        ChunkRow(
            chunk_id=f"{meta.report_id}-{c.ordinal:04d}",
            report_id=meta.report_id,
            ordinal=c.ordinal,
            text=c.text,
            page_start=c.page_start,
            page_end=c.page_end,
            section=c.section,
            paragraphs=c.paragraphs,
            char_start=c.char_start,
            char_end=c.char_end,
        )
        for c in parsed.chunks
    ]
    own = catalog.own_report(parsed.file)
    copies = find_copies(catalog, own, parsed.pages)
    if (owner := copies.whole_of) is not None:  # the same text as an indexed report: another name for it
        _make_alias(catalog, vectors, parsed.file, owner, parsed.source_path, parsed.sha)
        return FileResult(parsed.file, "duplicate", f"same text as {copies.pages[min(copies.pages)][1]}")
    rows = [r for r in rows if not copies.covers(r.page_start, r.page_end)]  # each text indexed once
    parsed.warnings = parsed.warnings + copies.warnings(len(parsed.pages))
    # The same bytes read again (the report its copied pages leaned on went): its stored chunks stay
    stored = set(catalog.chunk_ids_of(own)) if own == meta.report_id else set()
    fresh = [r for r in rows if r.chunk_id not in stored]
    with clock("embed"):
        embeddings = embed_documents([context_line(meta, r.section) + "\n" + r.text for r in fresh]) if fresh else []
    with clock("write"):
        return _write(parsed, meta, rows, fresh, embeddings, previous, catalog, vectors, set(copies.pages))


def _write(parsed: Parsed, meta: ReportMeta, rows: list[ChunkRow], fresh: list[ChunkRow], embeddings, previous,
           catalog: Catalog, vectors, copied: set[int]) -> FileResult:
    """The report's `rows` into the catalog, the `fresh` ones (not yet stored) embedded into the vectors first."""
    year = meta.year or 0
    vectors.add(
        [r.chunk_id for r in fresh],
        embeddings,
        [r.text for r in fresh],
        [
            {"report_id": r.report_id, "file": meta.file, "authority": meta.authority,
             "report_type": meta.report_type, "year": year, "page_start": r.page_start,
             "page_end": r.page_end, "section": r.section}
            for r in fresh
        ],
    )
    old_id = catalog.own_report(parsed.file)
    if old_id == meta.report_id:  # the same bytes read again: rewritten in place, its other chunks dropped
        kept = {r.chunk_id for r in rows}
        old_ids = [cid for cid in catalog.chunk_ids_of(old_id) if cid not in kept]
    else:
        if old_id and catalog.promote_alias(old_id):
            old_id = None  # a copy of the old report (its bytes or its text) still exists and now owns it
        old_ids = catalog.chunk_ids_of(old_id) if old_id else []
    catalog.replace_report(
        meta, parsed.sha, parsed.source_path, parsed.pages, rows, parsed.recommendations, replaces=old_id,
        copied=copied)
    if old_ids:
        vectors.delete(old_ids)
    if previous and previous[1] != parsed.sha:  # other bytes under the name: the old address may not be theirs
        catalog.forget_source(parsed.file)  # (a sidecar read after this run's files gives it again)
    status = "updated" if previous else "new"
    return FileResult(parsed.file, status, pages=len(parsed.pages), chunks=len(rows), warnings=parsed.warnings)


def sweep_orphans(catalog: Catalog, vectors) -> None:
    orphans = sorted(vectors.ids() - catalog.chunk_ids())
    if orphans:
        vectors.delete(orphans)


def _make_alias(catalog: Catalog, vectors, file: str, owner_id: str, path: str, sha: str | None = None) -> None:
    """Index `file` as a copy of `owner_id` (`sha`: its bytes, when only its text is the same); the
    report it held before (other bytes) goes."""
    own = catalog.own_report(file)
    if own and own != owner_id:
        _retire(catalog, vectors, own)
    catalog.add_alias(file, owner_id, path, sha)


def _retire(catalog: Catalog, vectors, report_id: str) -> None:
    """Drop a report whose own file is gone or changed, unless a surviving copy can own it."""
    if catalog.promote_alias(report_id):
        return
    ids = catalog.chunk_ids_of(report_id)
    catalog.remove_report(report_id)
    vectors.delete(ids)


def _prune(catalog: Catalog, vectors) -> list[FileResult]:
    """Forget every indexed file (report or alias) whose source file no longer exists."""
    results = []
    for file, report_id, source_path, is_alias in catalog.files():
        if os.path.exists(source_path):
            continue
        catalog.forget_source(file)
        if is_alias:
            catalog.remove_alias(file)
        else:
            _retire(catalog, vectors, report_id)
        results.append(FileResult(file, "pruned"))
    return results


def _progress(progress, total: int) -> Callable[[str], None]:
    if callable(progress):
        done = [0]

        def report(name: str) -> None:
            done[0] += 1
            progress(done[0] / max(total, 1), name)

        return report
    if progress and total:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="file", desc="ingest")

        def report(name: str) -> None:
            bar.set_postfix_str(printable(name)[-40:])
            bar.update(1)
            if bar.n >= total:
                bar.close()

        return report
    return lambda name: None
