"""A metadata sidecar beside the PDFs: a CSV or JSON list mapping each file to the address it was
published at and, where present, its title, council and publication date. The corpus's
`manifest.csv` is one; a user's own folder often has a similar list.

Read at every ingest (cheap: a row a report), so a changed sidecar changes the links without
re-embedding anything. A sidecar is someone else's file: anything wrong with it is said in one
line and that part is ignored, never a traceback and never a link that is not http(s).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from ingest.catalog import Catalog
from ingest.normalize import printable

# Looked for at the top of each folder given to ingest (`--sidecar FILE` names another).
SIDECAR_NAMES = ("manifest.csv", "metadata.csv", "metadata.json")
MAX_SIDECAR_BYTES = 20 * 1024 * 1024  # ~100,000 rows of the corpus's manifest; more is not a list of reports
MAX_URL = 2000
# A column's accepted names, first match wins (lower case, spaces as underscores).
COLUMNS = {
    "file": ("file", "path", "filename", "file_name", "pdf"),
    "url": ("publisher_url", "url", "source_url", "link", "href"),
    "title": ("title", "report_title"),
    "council": ("local_authority", "council", "authority"),
    "published": ("publication_date", "published", "date_published"),
}
# Whitespace, controls and what could close an HTML attribute or a Markdown link: never in a shown link.
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029<>\"'`\\{}|^]")


class SidecarRefused(Exception):
    """The whole sidecar is unusable: one line saying why."""


@dataclass(frozen=True)
class SourceRow:
    """One sidecar row about one PDF (`path` resolved, inside the sidecar's folder; `url` "" when none is known)."""

    path: Path
    url: str
    title: str = ""
    council: str = ""
    published: date | None = None


@dataclass
class Sidecar:
    path: Path
    rows: list[SourceRow]
    problems: list[str]  # one line each: a row ignored and why


def find_sidecars(paths, explicit: str | Path | None = None) -> list[Path]:
    """The sidecar named with --sidecar, else the first known name at the top of each folder given."""
    if explicit is not None:
        return [Path(explicit).resolve()]
    found = []
    for raw in paths:
        folder = Path(raw).resolve()
        if folder.is_dir():
            found += [folder / name for name in SIDECAR_NAMES if (folder / name).is_file()][:1]
    return found


def read_sidecar(path: Path) -> Sidecar:
    """Its rows about PDFs in its folder or below; raises SidecarRefused for a file that cannot be one."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SidecarRefused(f"{name}: cannot be read ({exc.strerror})") from None
    if size > MAX_SIDECAR_BYTES:
        raise SidecarRefused(f"{name} is {size / 1e6:.0f} MB, over the {MAX_SIDECAR_BYTES // 2**20} MB a sidecar may be")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise SidecarRefused(f"{name}: not UTF-8 text") from None
    records = _json_records(name, text) if path.suffix.lower() == ".json" else _csv_records(name, text)
    keys = {_column(k) for record in records[:1] for k in record}
    chosen = {field: next((c for c in names if c in keys), None) for field, names in COLUMNS.items()}
    if chosen["file"] is None:
        raise SidecarRefused(f"{name}: no column names the file ({', '.join(COLUMNS['file'])})")
    if chosen["url"] is None:
        raise SidecarRefused(f"{name}: no column holds its link ({', '.join(COLUMNS['url'])})")
    folder = path.parent.resolve()
    rows, problems = [], []
    for number, record in enumerate(records, 2 if path.suffix.lower() != ".json" else 1):
        record = {_column(k): v for k, v in record.items()}
        values = {field: str(record.get(column) or "").strip() if column else "" for field, column in chosen.items()}
        try:
            problem, row = _row(values, folder)
        except (OSError, ValueError):  # a NUL in a name, a name too long for the file system
            problem, row = f"{printable(values['file'][:80])} is not a usable file name", None
        if problem:
            problems.append(f"{name} row {number}: {problem}; ignored")
        elif row is not None:
            rows.append(row)
    return Sidecar(path, rows, problems)


def _row(values: dict[str, str], folder: Path) -> tuple[str, SourceRow | None]:
    shown = printable(values["file"][:120])
    if not values["file"]:
        return "", None  # a blank line
    relative = Path(values["file"])
    target = (folder / relative).resolve()
    if relative.is_absolute() or not target.is_relative_to(folder):
        return f"{shown} is outside the sidecar's folder", None
    if not target.is_file():
        return f"{shown} is not there", None
    url = values["url"]  # none: the report shows no link, its other columns still count
    if url and not _is_web_address(url):
        return f"link {printable(url[:80])!r} is not an http or https address", None
    published = None
    if values["published"]:
        try:
            published = date.fromisoformat(values["published"][:10])
        except ValueError:
            published = None  # a date written another way is not compared, the link still stands
    return "", SourceRow(target, url, values["title"][:300], values["council"][:200], published)


def _is_web_address(url: str) -> bool:
    if len(url) > MAX_URL or _UNSAFE.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _column(key) -> str:
    return re.sub(r"[\s-]+", "_", str(key).strip().lower())


def _csv_records(name: str, text: str) -> list[dict]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        records = [dict(r) for r in reader]
    except csv.Error as exc:
        raise SidecarRefused(f"{name}: not a readable CSV ({exc})") from None
    if not reader.fieldnames:
        raise SidecarRefused(f"{name}: empty")
    return records


def _json_records(name: str, text: str) -> list[dict]:
    """A list of objects, or an object mapping each file to its link or to an object."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SidecarRefused(f"{name}: not readable JSON ({exc.args[0].split(':')[0]})") from None
    except RecursionError:
        raise SidecarRefused(f"{name}: JSON nested too deeply") from None
    if isinstance(data, dict):
        data = [{"file": k, **(v if isinstance(v, dict) else {"url": v})} for k, v in data.items()]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise SidecarRefused(f"{name}: neither a list of objects nor an object of files")
    return data


def apply_sidecars(catalog: Catalog, paths, files: list[tuple[Path, str]], explicit=None,
                   prefer_sidecar: bool = False) -> list[str]:
    """Store the addresses each sidecar gives this run's `files` ((path, indexed name)); returns
    what to tell the user, one line each. Where a sidecar and a report's text disagree on the
    council or the publication date, the text's reading stays unless `prefer_sidecar`."""
    by_path = {p: rel for p, rel in files} | {p.resolve(): rel for p, rel in files}
    lines = []
    if gone := catalog.forget_sidecars_gone():
        lines.append(f"links: {gone} sidecar{'s' if gone != 1 else ''} no longer there; the addresses {'they' if gone != 1 else 'it'} gave are dropped")
    for path in find_sidecars(paths, explicit):
        try:
            sidecar = read_sidecar(path)
        except SidecarRefused as exc:
            lines.append(f"sidecar ignored: {printable(str(exc))}")
            continue
        lines += sidecar.problems[:5]
        if len(sidecar.problems) > 5:
            lines.append(f"{path.name}: {len(sidecar.problems) - 5} more rows ignored")
        rows = {by_path[r.path]: r for r in sidecar.rows if r.path in by_path}
        folder = path.parent.resolve()
        covered = [rel for p, rel in files if p.resolve().is_relative_to(folder)]
        links = {f: (r.url, r.title) for f, r in rows.items() if r.url}
        changed = catalog.set_sources(str(path), links, covered)
        lines.append(f"links: {len(links)} of {len(covered)} files have a publisher's address in {path.name}"
                     + (f" ({changed} changed)" if changed else ""))
        if disagreements := _disagree(catalog, rows, prefer_sidecar):
            first = "; ".join(disagreements[:2])
            kept = "the sidecar's is kept (--prefer-sidecar)" if prefer_sidecar else \
                "the text's reading is kept (--prefer-sidecar keeps the sidecar's)"
            lines.append(f"{path.name} and the reports' text disagree on {len(disagreements)} "
                         f"report{'s' if len(disagreements) != 1 else ''} ({first}{'; ...' if len(disagreements) > 2 else ''}): {kept}")
    return lines


def _disagree(catalog: Catalog, rows: dict[str, SourceRow], prefer_sidecar: bool) -> list[str]:
    """Where a row's council or date is not the report's own reading, one phrase each (and, with
    `prefer_sidecar`, the report takes the row's)."""
    said = []
    covered = [meta for meta in catalog.reports() if meta.file in rows]
    if not prefer_sidecar and catalog.restore_text_readings({meta.report_id for meta in covered}):
        covered = [meta for meta in catalog.reports() if meta.file in rows]  # the text's reading, back
    for meta in covered:
        row = rows[meta.file]
        council = row.council and _same_name(row.council) != _same_name(meta.authority)
        day = row.published is not None and row.published != meta.published
        if not (council or day):
            continue
        what = [f"council {printable(row.council)!r} against {printable(meta.authority)!r}"] if council else []
        what += [f"published {row.published} against {meta.published or 'none'}"] if day else []
        said.append(f"{printable(Path(meta.file).name)}: {', '.join(what)}")
        if prefer_sidecar:
            catalog.set_reading(meta, row.council if council else meta.authority, row.published if day else meta.published)
    return said


def _same_name(name: str) -> str:
    """'Telford & Wrekin' and 'Telford and Wrekin' are one name."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower().replace("&", " and ")).split())
