"""Ingest on real parts: generated and real PDFs, persistent Chroma in tmp dirs, the real model.

What these tests pin down:
- bad input costs one file with a reason a person can act on, never the run or the index;
- re-ingesting is idempotent, changes are incremental, duplicates are stored once, prune forgets;
- a page pypdf cannot read loses that page only, with a warning naming it;
- every chunk can be found again on its page and fits the embedder's window;
- running headers, footers and page numbers are removed from real reports.
"""

from __future__ import annotations

import random
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import make_pdf

AUTHORITY = "Wexbridge"

# Report-like paragraphs; {a} is the authority. Each page gets different ones, so no line
# recurs across pages (a recurring edge line would be taken for a running header).
PARAGRAPHS = [
    "Since the last inspection, leaders in {a} have strengthened the front door. Contacts "
    "and referrals are screened promptly by experienced social workers, and thresholds are "
    "understood and applied well by partner agencies.",
    "Strategy meetings are timely and well attended by police and health colleagues. Child "
    "protection enquiries are thorough, and children are seen alone when it is appropriate "
    "to do so, which means that their wishes and feelings inform the decisions made.",
    "Assessments are detailed and analytical. They consider the history of the family and "
    "the cumulative impact of neglect. Plans are specific and measurable, although a small "
    "number of plans do not set out clearly what needs to change and by when.",
    "Children in care live in stable homes and most have enduring relationships with their "
    "social workers. Life-story work is completed sensitively and helps children understand "
    "why they are in care. Independent reviewing officers provide appropriate challenge.",
    "Care leavers are positive about the support they receive from their personal advisers. "
    "Pathway plans are co-produced with young people and address education, employment and "
    "training. Suitable accommodation is available for most care leavers.",
    "Senior leaders and elected members have an accurate understanding of the quality of "
    "practice. Quality assurance arrangements are comprehensive, and learning from audits is "
    "used to improve practice. Caseloads are manageable and staff feel well supported.",
    "The local authority designated officer arrangements are effective. Allegations against "
    "professionals are responded to quickly, and the oversight of these cases is robust. "
    "Partner agencies understand how and when to make a referral.",
    "Disabled children receive a coordinated response from the children with disabilities "
    "team. Short breaks are planned around the needs of each child, and parents report that "
    "the support helps them to continue caring for their children at home.",
    "Children who go missing from home or care are offered return home interviews. The "
    "information gathered is analysed to identify patterns and risks. Exploitation panels "
    "share intelligence well and disrupt the activity of adults who pose a risk.",
    "Private fostering arrangements are identified and assessed, although awareness among "
    "community groups remains low. Leaders have launched a campaign with schools and faith "
    "groups to raise the profile of private fostering across the borough.",
    "Early help services are well established. Family support workers build trusting "
    "relationships with parents, and step-down arrangements from statutory services are "
    "carefully planned, so that families continue to receive help when they need it.",
    "Corporate parenting is a strength. Children in care council members meet regularly "
    "with the lead member, and their views have shaped the local offer for care leavers, "
    "including free leisure passes and council tax exemption up to the age of twenty-five.",
]


def report_pages(marker: str, n_pages: int = 3, authority: str = AUTHORITY, offset: int = 0) -> list[str]:
    """Pages of realistic report text: running header, heading, numbered paragraphs, page number.

    `marker` is a sentence that appears once, in paragraph 2, so searches can tell versions apart.
    """
    header = f"Inspection of {authority} local authority children's services"
    pages, number = [], 1
    per_page = 3
    for p in range(n_pages):
        lines = [header, ""]
        if p == 0:
            lines += ["What needs to improve?", ""]
        elif p == 1:
            lines += ["The experiences and progress of children who need help and protection", ""]
        for k in range(per_page):
            body = PARAGRAPHS[(offset + p * per_page + k) % len(PARAGRAPHS)].format(a=authority)
            if number == 2:
                body = body + " " + marker
            wrapped = textwrap.wrap(f"{number}. {body}", 85)
            lines += wrapped + [""]
            number += 1
        lines.append(str(p + 1))
        pages.append("\n".join(lines))
    return pages


def write_report(path: Path, marker: str, n_pages: int = 3, offset: int = 0) -> Path:
    return make_pdf(path, report_pages(marker, n_pages, offset=offset))


def snapshot_ids(assistant) -> tuple[list[str], list[str]]:
    """(catalog chunk ids, Chroma ids), both sorted."""
    return sorted(assistant.catalog.chunk_ids()), sorted(assistant.vectors.ids())


def assert_consistent(assistant) -> None:
    """Catalog and Chroma hold exactly the same chunks, and the stats agree with both."""
    catalog_ids, chroma_ids = snapshot_ids(assistant)
    assert catalog_ids == chroma_ids
    assert assistant.vectors.count() == len(catalog_ids)
    assert assistant.stats()["chunks"] == len(catalog_ids)


def by_file(summary) -> dict:
    return {r.file: r for r in summary.results}


# -- bad input ------------------------------------------------------------------------------

def make_bad_folder(folder: Path) -> dict[str, str]:
    """A folder with one good PDF and six bad ones; returns {bad file: expected reason part}."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    write_report(folder / "good.pdf", "The kingfisher protocol is used for every missing child.")

    other = write_report(folder / "_other.pdf", "A second, different report.", offset=4)
    data = other.read_bytes()
    other.unlink()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 2])

    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + random.Random(7).randbytes(6000))
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notapdf.pdf").write_text(
        "<!DOCTYPE html><html><head><title>404</title></head><body>Page not found</body></html>\n"
    )

    enc = canvas.Canvas(str(folder / "encrypted.pdf"),
                        encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    for line, text in enumerate(report_pages("Hidden behind a password.", 1)[0].split("\n")):
        enc.drawString(50, 800 - 14 * line, text)
    enc.showPage()
    enc.save()

    scan = canvas.Canvas(str(folder / "scanned.pdf"))
    for _ in range(2):  # pages with only drawn shapes: no text, and no image for OCR to read
        scan.setFillGray(0.6)
        scan.rect(60, 80, 470, 680, fill=1)
        scan.setFillGray(0.2)
        scan.circle(300, 420, 120, fill=1)
        scan.showPage()
    scan.save()

    return {
        "corrupt.pdf": "corrupt",
        "truncated.pdf": "corrupt or truncated",
        "encrypted.pdf": "encrypted",
        "empty.pdf": "empty file",
        "notapdf.pdf": "not a PDF",
        "scanned.pdf": "no text layer (no text and no scanned image to read)",
    }


def test_bad_files_fail_alone_with_reasons_and_never_touch_the_index(tmp_path):
    from assistant import Assistant

    folder = tmp_path / "in"
    expected = make_bad_folder(folder)
    assistant = Assistant.open(tmp_path / "index")

    summary = assistant.ingest(folder, progress=False)
    results = by_file(summary)
    assert sorted(results) == sorted([*expected, "good.pdf"]), summary.format()
    for name, reason in expected.items():
        assert results[name].status == "failed", (name, results[name])
        assert reason.lower() in results[name].reason.lower(), (name, results[name].reason)
        assert results[name].chunks == 0
    good = results["good.pdf"]
    assert good.status == "new", good
    assert good.pages == 3 and good.chunks > 0

    # Counts in the summary and its printed form.
    assert summary.count("new") == 1 and summary.count("failed") == len(expected)
    assert summary.pages == 3 and summary.chunks == good.chunks
    text = summary.format()
    assert f"files seen: {len(expected) + 1}" in text and f"failed: {len(expected)}" in text
    for name in expected:
        assert f"FAILED {name}: " in text

    # Only the good file is indexed, fully, in both stores; and it can be found.
    assert assistant.files() == ["good.pdf"]
    assert assistant.stats() == {"reports": 1, "pages": 3, "chunks": good.chunks}
    assert_consistent(assistant)
    hits = assistant.search("kingfisher protocol for missing children", k=3)
    assert hits and hits[0].file == "good.pdf"
    assert any("kingfisher protocol" in h.text for h in hits)
    before = snapshot_ids(assistant)

    # Second run over the same folder: nothing re-embedded, the failures reported again.
    again = by_file(assistant.ingest(folder, progress=False))
    assert again["good.pdf"].status == "unchanged"
    for name, reason in expected.items():
        assert again[name].status == "failed" and reason.lower() in again[name].reason.lower()
    assert snapshot_ids(assistant) == before
    assert_consistent(assistant)

    # A good file later overwritten with garbage: it fails, and the indexed version is kept.
    (folder / "good.pdf").write_bytes(b"%PDF-1.4\n" + random.Random(8).randbytes(4000))
    third = by_file(assistant.ingest(folder, progress=False))
    assert third["good.pdf"].status == "failed"
    assert "previously indexed version is kept" in third["good.pdf"].reason
    assert snapshot_ids(assistant) == before
    assert assistant.files() == ["good.pdf"]
    assert any("kingfisher protocol" in h.text for h in assistant.search("kingfisher protocol", k=3))


# -- idempotent and incremental ---------------------------------------------------------------

def test_reingest_is_idempotent_and_changes_are_incremental(tmp_path):
    from assistant import Assistant

    folder = tmp_path / "in"
    a = write_report(folder / "a.pdf", "The heron panel meets weekly to review placements.")
    write_report(folder / "sub" / "b.pdf", "Managers use the otter dashboard to track visits.", offset=3)
    assistant = Assistant.open(tmp_path / "index")

    first = by_file(assistant.ingest(folder, progress=False))
    assert {f: r.status for f, r in first.items()} == {"a.pdf": "new", "sub/b.pdf": "new"}
    assert_consistent(assistant)
    ids_1 = snapshot_ids(assistant)
    rows_1 = {c.chunk_id: (c.text, c.page_start, c.page_end) for c in assistant.catalog.chunks()}
    stats_1 = assistant.stats()
    a_id = assistant.report_for_file("a.pdf").report_id
    a_chunks = set(assistant.catalog.chunk_ids_of(a_id))
    assert a_chunks and a_chunks < set(ids_1[0])

    # Unchanged: same statuses, ids, rows and counts in the catalog and in Chroma.
    second = by_file(assistant.ingest(folder, progress=False))
    assert {r.status for r in second.values()} == {"unchanged"}
    assert snapshot_ids(assistant) == ids_1
    assert {c.chunk_id: (c.text, c.page_start, c.page_end) for c in assistant.catalog.chunks()} == rows_1
    assert assistant.stats() == stats_1

    # Changed content: updated, the old chunks are gone from both stores, no duplicates.
    write_report(a, "The curlew review looks at every child placed out of area.", n_pages=4, offset=1)
    third = by_file(assistant.ingest(folder, progress=False))
    assert third["a.pdf"].status == "updated" and third["sub/b.pdf"].status == "unchanged"
    assert_consistent(assistant)
    catalog_ids, chroma_ids = snapshot_ids(assistant)
    assert not a_chunks & set(catalog_ids) and not a_chunks & set(chroma_ids)
    assert assistant.report_for_file("a.pdf").report_id != a_id
    assert assistant.report_for_file("a.pdf").pages == 4
    assert assistant.stats()["reports"] == 2
    texts = [c.text for c in assistant.catalog.chunks()]
    assert any("curlew review" in t for t in texts)
    assert not any("heron panel" in t for t in texts)
    hits = assistant.search("curlew review of children placed out of area", k=5)
    assert hits and hits[0].file == "a.pdf" and "curlew review" in hits[0].text
    assert not any("heron panel" in h.text for h in assistant.search("heron panel meets weekly", k=10))
    # Chroma's stored documents are the new ones too (not just the ids).
    stored = assistant.vectors.collection.get(ids=chroma_ids, include=["documents"])["documents"]
    assert not any("heron panel" in d for d in stored if d)

    # Same bytes under a second name: indexed once, both names listed.
    count_before = assistant.vectors.count()
    shutil.copyfile(folder / "sub" / "b.pdf", folder / "b-copy.pdf")
    fourth = by_file(assistant.ingest(folder, progress=False))
    assert fourth["b-copy.pdf"].status == "duplicate", fourth["b-copy.pdf"]
    assert "sub/b.pdf" in fourth["b-copy.pdf"].reason
    assert assistant.vectors.count() == count_before
    assert assistant.stats()["reports"] == 2
    assert assistant.files() == ["a.pdf", "b-copy.pdf", "sub/b.pdf"]
    assert assistant.report_for_file("b-copy.pdf").report_id == assistant.report_for_file("sub/b.pdf").report_id
    assert_consistent(assistant)

    # Delete a file and prune: its chunks leave the catalog and Chroma.
    a_id = assistant.report_for_file("a.pdf").report_id
    a_chunks = set(assistant.catalog.chunk_ids_of(a_id))
    a.unlink()
    fifth = by_file(assistant.ingest(folder, prune=True, progress=False))
    assert fifth["a.pdf"].status == "pruned"
    assert fifth["sub/b.pdf"].status == "unchanged" and fifth["b-copy.pdf"].status == "unchanged"
    assert assistant.files() == ["b-copy.pdf", "sub/b.pdf"]
    assert_consistent(assistant)
    assert not a_chunks & set(assistant.vectors.ids())
    assert assistant.stats()["reports"] == 1
    assert not any(h.file == "a.pdf" for h in assistant.search("curlew review", k=10))

    # Without prune a deleted file stays indexed (prune is opt-in).
    (folder / "b-copy.pdf").unlink()
    sixth = by_file(assistant.ingest(folder, progress=False))
    assert "b-copy.pdf" not in sixth and "b-copy.pdf" in assistant.files()
    seventh = by_file(assistant.ingest(folder, prune=True, progress=False))
    assert seventh["b-copy.pdf"].status == "pruned"
    assert assistant.files() == ["sub/b.pdf"]
    assert_consistent(assistant)


def test_duplicates_within_one_run_are_stored_once(tmp_path):
    from assistant import Assistant

    folder = tmp_path / "in"
    write_report(folder / "x.pdf", "The lapwing team supports young carers.")
    shutil.copyfile(folder / "x.pdf", folder / "y.pdf")
    assistant = Assistant.open(tmp_path / "index")

    results = by_file(assistant.ingest(folder, progress=False))
    assert results["x.pdf"].status == "new" and results["y.pdf"].status == "duplicate"
    assert assistant.files() == ["x.pdf", "y.pdf"]
    assert assistant.stats()["reports"] == 1
    assert_consistent(assistant)
    # Next run: both unchanged.
    again = by_file(assistant.ingest(folder, progress=False))
    assert {r.status for r in again.values()} == {"unchanged"}


def test_copies_survive_when_their_original_changes_or_is_pruned(tmp_path):
    """A duplicate is a file of its own: it must stay indexed while it exists on disk."""
    from assistant import Assistant

    folder = tmp_path / "in"
    orig = write_report(folder / "orig.pdf", "The plover group reviews every private fostering notice.")
    write_report(folder / "keep.pdf", "An unrelated report about the avocet project.", offset=5)
    assistant = Assistant.open(tmp_path / "index")
    assistant.ingest(folder, progress=False)
    shutil.copyfile(orig, folder / "copy.pdf")
    assert by_file(assistant.ingest(folder, progress=False))["copy.pdf"].status == "duplicate"

    # The original is deleted and pruned: the copy (still on disk, same bytes) stays searchable.
    orig.unlink()
    results = by_file(assistant.ingest(folder, prune=True, progress=False))
    assert results["orig.pdf"].status == "pruned"
    assert "copy.pdf" in assistant.files(), (
        f"copy.pdf still exists but was dropped with its original; results={results}"
    )
    assert any("plover group" in h.text for h in assistant.search("plover group private fostering", k=5))
    assert_consistent(assistant)


def test_copy_keeps_old_content_when_original_is_updated(tmp_path):
    from assistant import Assistant

    folder = tmp_path / "in"
    orig = write_report(folder / "orig.pdf", "The plover group reviews every private fostering notice.")
    shutil.copyfile(orig, folder / "copy.pdf")
    assistant = Assistant.open(tmp_path / "index")
    assistant.ingest(folder, progress=False)

    write_report(orig, "The dunlin forum now replaces the old review group.", offset=2)
    results = by_file(assistant.ingest(folder, progress=False))
    assert results["orig.pdf"].status == "updated"
    assert results["copy.pdf"].status == "unchanged"
    # Reported unchanged, so it must still be indexed, with its (old) content.
    assert "copy.pdf" in assistant.files(), f"copy.pdf reported unchanged but is no longer indexed: {results}"
    copy_meta = assistant.report_for_file("copy.pdf")
    texts = [c.text for c in assistant.catalog.chunks() if c.report_id == copy_meta.report_id]
    assert any("plover group" in t for t in texts)
    assert_consistent(assistant)


def test_file_changed_into_a_copy_of_another_drops_its_old_content(tmp_path):
    from assistant import Assistant

    folder = tmp_path / "in"
    a = write_report(folder / "a.pdf", "The godwit scheme pairs every care leaver with a mentor.")
    b = write_report(folder / "b.pdf", "The redshank review covers every child on a plan.", offset=6)
    assistant = Assistant.open(tmp_path / "index")
    assistant.ingest(folder, progress=False)
    old_a = set(assistant.catalog.chunk_ids_of(assistant.report_for_file("a.pdf").report_id))

    shutil.copyfile(b, a)  # a.pdf now has exactly b.pdf's bytes
    results = by_file(assistant.ingest(folder, progress=False))
    assert results["a.pdf"].status in ("duplicate", "updated"), results
    assert assistant.files() == ["a.pdf", "b.pdf"]
    assert [f for f, *_ in assistant.catalog.files()].count("a.pdf") == 1, assistant.catalog.files()
    assert assistant.report_for_file("a.pdf").report_id == assistant.report_for_file("b.pdf").report_id
    assert not old_a & assistant.catalog.chunk_ids(), "a.pdf's old chunks are still indexed"
    assert not any("godwit scheme" in h.text for h in assistant.search("godwit scheme mentor", k=10))
    assert_consistent(assistant)


def test_owner_password_only_pdf_is_indexed(tmp_path):
    """Published PDFs often carry only an owner password (no user password): they must open."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    from assistant import Assistant

    folder = tmp_path / "in"
    folder.mkdir()
    pdf = canvas.Canvas(str(folder / "owner-only.pdf"),
                        encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner", canModify=0))
    for line, text in enumerate(report_pages("The whimbrel hub offers drop-in advice.", 1)[0].split("\n")):
        pdf.drawString(50, 800 - 14 * line, text)
    pdf.showPage()
    pdf.save()
    assistant = Assistant.open(tmp_path / "index")
    result = by_file(assistant.ingest(folder, progress=False))["owner-only.pdf"]
    assert result.status == "new", result
    assert any("whimbrel hub" in h.text for h in assistant.search("whimbrel hub drop-in advice", k=3))


# -- a page pypdf cannot read ---------------------------------------------------------------------

def break_page(src: Path, dst: Path, page_index: int) -> None:
    """Replace one page's content stream with one that makes pypdf's text extraction raise."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(clone_from=str(src))
    broken = StreamObject()
    broken._data = b"BT /F1 12 Tf 50 800 Td (never closed"
    broken[NameObject("/Filter")] = NameObject("/NoSuchFilter")
    writer.pages[page_index][NameObject("/Contents")] = writer._add_object(broken)
    dst.parent.mkdir(parents=True, exist_ok=True)
    with dst.open("wb") as fh:
        writer.write(fh)


def test_unreadable_page_loses_only_that_page(tmp_path):
    from pypdf import PdfReader

    from assistant import Assistant

    folder = tmp_path / "in"
    src = write_report(tmp_path / "src.pdf", "The sandpiper audit checks every plan.", n_pages=4)
    break_page(src, folder / "broken.pdf", page_index=2)
    with pytest.raises(Exception):  # the premise: pypdf really raises on that page
        PdfReader(str(folder / "broken.pdf")).pages[2].extract_text()

    assistant = Assistant.open(tmp_path / "index")
    summary = assistant.ingest(folder, progress=False)
    result = by_file(summary)["broken.pdf"]
    assert result.status == "new", summary.format()
    assert result.pages == 4
    assert any(re.search(r"\bpage 3\b", w) for w in result.warnings), result.warnings
    assert "warning broken.pdf: page 3" in summary.format()

    rid = assistant.report_for_file("broken.pdf").report_id
    assert assistant.page_text("broken.pdf", 3) == ""
    for page in (1, 2, 4):
        assert len(assistant.page_text("broken.pdf", page)) > 200, page
    chunk_pages = {p for c in assistant.catalog.chunks() if c.report_id == rid for p in range(c.page_start, c.page_end + 1)}
    assert {1, 2, 4} <= chunk_pages
    assert 3 not in {c.page_start for c in assistant.catalog.chunks() if c.report_id == rid}
    assert any("sandpiper audit" in h.text for h in assistant.search("sandpiper audit", k=3))
    assert_consistent(assistant)


def test_file_whose_every_page_is_unreadable_fails_clearly(tmp_path):
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    from assistant import Assistant

    src = write_report(tmp_path / "src.pdf", "Nothing here can be read.", n_pages=2)
    writer = PdfWriter(clone_from=str(src))
    for page in writer.pages:
        broken = StreamObject()
        broken._data = b"garbage"
        broken[NameObject("/Filter")] = NameObject("/NoSuchFilter")
        page[NameObject("/Contents")] = writer._add_object(broken)
    folder = tmp_path / "in"
    folder.mkdir()
    with (folder / "allbroken.pdf").open("wb") as fh:
        writer.write(fh)

    assistant = Assistant.open(tmp_path / "index")
    result = by_file(assistant.ingest(folder, progress=False))["allbroken.pdf"]
    assert result.status == "failed"
    assert "no page could be read" in result.reason and "page 1" in result.reason
    assert assistant.files() == []


# -- citations verifiable, chunks fit the window -------------------------------------------------

@pytest.mark.corpus
def test_every_chunk_is_on_its_pages_and_fits_the_window(small_index):
    from ingest.chunk import PAGE_JOIN
    from ingest.normalize import collapse, for_match
    from ingest.parse import context_line
    from ingest.wordpieces import count_wordpieces

    assistant = small_index
    reports = {m.report_id: m for m in assistant.catalog.reports()}
    window = assistant.settings.chunk.window_wordpieces
    assert window == 256
    chunks = assistant.catalog.chunks()
    assert len(chunks) > 100
    page_cache: dict[tuple[str, int], str] = {}
    problems = []
    for chunk in chunks:
        meta = reports[chunk.report_id]
        segments = chunk.text.split(PAGE_JOIN)
        assert len(segments) == chunk.page_end - chunk.page_start + 1, chunk.chunk_id
        for page, segment in zip(range(chunk.page_start, chunk.page_end + 1), segments):
            key = (chunk.report_id, page)
            if key not in page_cache:
                page_cache[key] = for_match(assistant.catalog.page_text(chunk.report_id, page) or "")
            if collapse(segment) not in page_cache[key]:
                problems.append(f"{chunk.chunk_id} segment not on {meta.file} p.{page}: {segment[:80]!r}")
        pieces = count_wordpieces(context_line(meta, chunk.section) + "\n" + chunk.text) + 2
        if pieces > window:
            problems.append(f"{chunk.chunk_id} has {pieces} word pieces > {window}")
    assert not problems, "\n".join(problems[:20])
    # Catalog and Chroma agree on the real index too.
    assert_consistent(assistant)


# -- running headers and footers -------------------------------------------------------------

@pytest.mark.corpus
def test_running_header_and_page_numbers_removed_from_real_report(corpus):
    from ingest.normalize import for_match
    from ingest.read import read_pdf

    pdf = read_pdf(corpus / "ofsted-ilacs" / "haringey_2023-04-11_ilacs.pdf")
    assert pdf.page_count == 12
    header = "Inspection of Haringey local authority children's services"
    # The raw PDF really has the header on later pages (the premise of the test).
    from pypdf import PdfReader

    raw = PdfReader(str(corpus / "ofsted-ilacs" / "haringey_2023-04-11_ilacs.pdf")).pages[1].extract_text()
    assert header in for_match(raw)
    assert re.search(r"13 to 24 February 2023 2\s*$", raw.split("What needs to improve")[0], re.M)

    for page in pdf.pages[1:]:
        text = for_match(page.text)
        assert header.lower() not in text.lower(), page.number
        lines = page.text.split("\n")
        assert not [l for l in lines if re.fullmatch(r"(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?", l.strip(), re.I)], page.number
        assert not [l for l in lines if re.fullmatch(r"13 to 24 February 2023 \d+", l.strip())], page.number
    # Body text stays, including at the top and bottom of pages.
    page2 = for_match(pdf.pages[1].text)
    assert page2.startswith("considerable progress in a challenging context.")
    assert "What needs to improve?" in page2
    assert "help and protect children from harm." in page2
    assert for_match(pdf.pages[2].text).startswith("5. In response to findings from rapid reviews")
    assert "Inspection dates: 13 to 24 February 2023" in for_match(pdf.pages[0].text)
    assert "Lead inspector: Claire Beckingham" in for_match(pdf.pages[0].text)


def test_a_file_repeating_a_reports_pages_is_indexed_once_and_says_which_it_repeats(tmp_path):
    """A bundle made of one report's pages five times over, and the report saved again (other
    bytes, the same text): the repeated text is indexed once, under the report, ingest says which
    file repeats which, a search finds the report itself, and its citations name the other places."""
    from pypdf import PdfWriter

    from assistant import Assistant

    folder = tmp_path / "in"
    pages = report_pages("The avocet protocol guides every return home interview.", n_pages=4)
    make_pdf(folder / "report.pdf", pages)
    assistant = Assistant.open(tmp_path / "index")
    assistant.ingest(folder, progress=False)
    alone = assistant.stats()["chunks"]
    own = report_pages("The godwit panel reviews every missing episode.", n_pages=1, offset=7)
    make_pdf(folder / "bundle.pdf", pages * 5 + own)
    resaved = PdfWriter(clone_from=folder / "report.pdf")
    resaved.add_metadata({"/Title": "Saved again"})
    resaved.write(folder / "resaved.pdf")
    assert (folder / "resaved.pdf").read_bytes() != (folder / "report.pdf").read_bytes()

    results = by_file(assistant.ingest(folder, progress=False))
    assert results["bundle.pdf"].status == "new"
    assert results["bundle.pdf"].warnings == ["20 of its 21 pages (1-20) repeat pages of report.pdf: indexed once"]
    assert results["resaved.pdf"].status == "duplicate" and results["resaved.pdf"].reason == "same text as report.pdf"
    assert assistant.stats()["reports"] == 2 and assistant.stats()["chunks"] - alone <= 2  # the bundle's own page
    assert_consistent(assistant)
    found = assistant.search("avocet protocol return home interview", k=10)
    assert found[0].file == "report.pdf" and not any("avocet" in p.text for p in found if p.file != "report.pdf")
    answer = assistant.ask("What does the avocet protocol guide?")
    cited = [c for c in answer.citations if c.file == "report.pdf" and "avocet" in c.quote]
    assert cited and cited[0].also_in == [f"bundle.pdf p.{n}" for n in (1, 5, 9, 13, 17)]
    assert "godwit" in " ".join(p.text for p in assistant.search("godwit panel missing episode", k=3))
    again = by_file(assistant.ingest(folder, progress=False))
    assert {r.status for r in again.values()} == {"unchanged"}

    # The report goes: the copy of its text owns it; when that goes too, the bundle's pages are its own
    (folder / "report.pdf").unlink()
    assistant.ingest(folder, prune=True, progress=False)
    assert assistant.search("avocet protocol return home interview", k=1)[0].file == "resaved.pdf"
    assert {r.status for r in by_file(assistant.ingest(folder, progress=False)).values()} == {"unchanged"}
    (folder / "resaved.pdf").unlink()
    assistant.ingest(folder, prune=True, progress=False)
    assert by_file(assistant.ingest(folder, progress=False))["bundle.pdf"].status == "updated"
    assert assistant.search("avocet protocol return home interview", k=1)[0].file == "bundle.pdf"
    assert_consistent(assistant)
