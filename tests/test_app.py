"""The chat's parts without a browser: page images and highlights, answer presentation,
judgement tables and charts, and upload handling, on real PDFs and a real index."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from PIL import ImageChops

import app
from assistant import Assistant, phrases
from assistant import judgements_view as jv
from assistant.pages import find_quote, render
from assistant.present import (
    answer_markdown,
    chat_markdown,
    highlighted_passage,
    markdown_text,
    report_rows,
    source_target,
    sources_html,
)
from assistant.uploads import safe_name, store_upload

ROTHERHAM = "ofsted-ilacs/rotherham_2014-11-19_sif.pdf"
OVERSIGHT = "• Senior managers do not ensure that they have sufficient oversight of the quality of practice."
QUESTION = "What did Ofsted find about management oversight in Rotherham in 2014?"


# -- pages ------------------------------------------------------------------------------------
def test_quote_found_despite_line_breaks_hyphens_and_curly_quotes(pdf_maker):
    pdf = pdf_maker("p.pdf", [("Children's services report\nIntroduction line here\nThe local authority\u2019s multi-\n"
                              "agency arrangements are effective and well led.\nAnother line below")])
    page = render(pdf, 1, "the local authority's multi-agency arrangements are effective", scale=1.0)
    assert page.image.size == (596, 842)  # A4 is 595.28 x 841.89 points, rounded up
    # Lines 3 and 4 are drawn at baselines y=772 and 758 (from the bottom), i.e. image rows ~70 and ~84.
    assert len(page.boxes) == 2
    (l0, t0, r0, b0), (l1, t1, r1, b1) = page.boxes
    assert 44 <= l0 <= 52 and 56 <= t0 <= 66 and 68 <= b0 <= 78
    assert 44 <= l1 <= 52 and 70 <= t1 <= 80 and 82 <= b1 <= 92
    assert r1 < r0 + 200  # the second line's box ends at "effective", not at the page edge
    highlighted = page.image.getpixel((l0 + 3, (t0 + b0) // 2))
    assert highlighted[2] < highlighted[0]  # yellow wash over the quote


def test_absent_quote_is_not_highlighted_and_bad_page_raises(pdf_maker):
    pdf = pdf_maker("p.pdf", ["Only this sentence is on the page, nothing more at all."])
    plain = render(pdf, 1, None, scale=1.0)
    missing = render(pdf, 1, "a sentence that this page never states", scale=1.0)
    assert missing.boxes == [] and ImageChops.difference(plain.image, missing.image).getbbox() is None
    assert find_quote("abc", "ab") is None  # too short to be evidence
    with pytest.raises(ValueError):
        render(pdf, 2)


def test_highlight_lands_on_the_quote_in_a_real_report(corpus):
    path = corpus / ROTHERHAM
    plain, marked = render(path, 3, None, scale=1.0), render(path, 3, OVERSIGHT, scale=1.0)
    assert marked.boxes and marked.page_count == 47
    changed = ImageChops.difference(plain.image, marked.image).getbbox()
    left, top = min(b[0] for b in marked.boxes), min(b[1] for b in marked.boxes)
    right, bottom = max(b[2] for b in marked.boxes), max(b[3] for b in marked.boxes)
    assert changed and left <= changed[0] and top <= changed[1] and changed[2] <= right + 1 and changed[3] <= bottom + 1
    pdf = pdfium.PdfDocument(str(path))
    height = pdf[2].get_height()
    under = pdf[2].get_textpage().get_text_bounded(left, height - bottom, right, height - top)
    pdf.close()
    assert re.sub(r"\s+", " ", under).find("Senior managers do not ensure") >= 0


def test_assistant_page_image_renders_a_cited_page(small_index):
    answer = small_index.ask(QUESTION)
    c = answer.citations[0]
    image = small_index.page_image(c.file, c.page, highlight=c.quote)
    assert image.width > 500 and image.height > 700
    assert small_index.page_image("no/such-report.pdf", 1) is None


# -- presentation -----------------------------------------------------------------------------
def test_answer_presentation_carries_every_citation(small_index):
    answer = small_index.ask(QUESTION)
    assert answer.citations and not answer.abstained
    md, cards = answer_markdown(answer), sources_html(answer)
    assert md.startswith(f"**Q:** {QUESTION}") and "published 19 Nov 2014" in md
    for i, c in enumerate(answer.citations):
        assert c.url and c.url.startswith("https://files.ofsted.gov.uk/") and c.url.endswith(f"#page={c.page}")  # manifest.csv
        assert f'`{c.file}`, page {c.page} <{c.url}>: "{markdown_text(c.quote)}"' in md
        assert f"data-source='{i}'" in cards and f"page {c.page}" in cards and f"href='{c.url}'" in cards
        assert source_target(answer, i) == (c.file, c.page, c.quote)
    assert cards.count("<mark>") == len(answer.citations)
    assert source_target(answer, len(answer.citations)) is None
    assert all(f"[{c.marker}]" in chat_markdown(answer) for c in answer.citations)


def test_abstention_is_said_plainly_and_nearest_passages_are_not_answers(small_index):
    answer = small_index.ask("What did Ofsted say about HMP Belmarsh prison?")
    assert answer.abstained
    reading, refusal = chat_markdown(answer).split("\n\n", 2)[:2]
    assert reading == f"_{answer.reading}_" and refusal == f"**{phrases.ABSTAIN}**"  # how it was read, then the refusal
    assert phrases.ABSTAIN in answer_markdown(answer)
    cards = sources_html(answer)
    assert "<mark>" not in cards
    if answer.passages:
        assert cards.count("class='badge'>not an answer") == min(3, len(answer.passages))
        assert phrases.NEAREST_NOTE in answer_markdown(answer)
        assert source_target(answer, 0) == (answer.passages[0].file, answer.passages[0].page_start, None)


def test_passage_highlight_survives_whitespace_and_escapes_html():
    text = "Leaders   know their\nservices well. Managers <b>do not</b> check plans. Staff are positive."
    shown = highlighted_passage(text, "Managers <b>do not</b> check plans.")
    assert "<mark>Managers &lt;b&gt;do not&lt;/b&gt; check plans.</mark>" in shown
    assert "<b>" not in shown


def test_reports_view_search_matches_every_word(small_index):
    assert [r[5] for r in report_rows(small_index.reports(), "Haringey 2023")] == ["ofsted-ilacs/haringey_2023-04-11_ilacs.pdf"]
    assert [r[0] for r in report_rows(small_index.reports(), "inadequate rotherham")] == ["Rotherham"]
    assert len(report_rows(small_index.reports())) == 7


# -- judgements -------------------------------------------------------------------------------
def test_judgement_table_timeline_and_distribution(small_index):
    reports = small_index.reports()
    headers, _rows = jv.table(reports)
    assert headers[:4] == ["Authority", "Type", "Date", "Overall effectiveness"] and headers[-1] == "File"
    haringey = small_index.reports("Haringey")
    series = jv.timeline(haringey, "grade")
    assert "overall_effectiveness" in series
    for key, points in series.items():
        assert [p.when for p in points] == sorted(p.when for p in points)
        for p in points:
            assert p.page == small_index.report_for_file(p.file).judgements[key].page
    svg = jv.timeline_svg(haringey, "grade")
    assert svg.count("<circle") == sum(len(p) for p in series.values())
    first = series["overall_effectiveness"][0]
    assert f'data-file="{first.file}" data-page="{first.page}"' in svg
    assert jv.timeline(small_index.reports("Bexley"), "grade") == {}
    assert list(jv.timeline(small_index.reports("Bexley"), "send")) == ["send_outcome"]

    counts = jv.distribution(reports, "overall_effectiveness")
    assert sum(sum(c.values()) for c in counts.values()) == sum("overall_effectiveness" in m.judgements for m in reports)
    bars = jv.distribution_svg(reports, "overall_effectiveness")
    assert bars.count("<rect") - bars.count('width="12"') == sum(len(c) for c in counts.values())


# -- uploads ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name, safe", [
    ("../../etc/passwd", "passwd.pdf"), ("..\\..\\win.ini", "win.ini.pdf"), (".hidden.pdf", "hidden.pdf"),
    ("Haringey report (final).PDF", "Haringey_report_final_.PDF"), ("", "upload.pdf"),
])
def test_safe_name(name, safe):
    assert safe_name(name) == safe


def test_store_upload_never_overwrites_another_file(tmp_path):
    uploads = tmp_path / "uploads"
    a, b = tmp_path / "a" / "r.pdf", tmp_path / "b" / "r.pdf"
    for path, body in ((a, b"%PDF-1 one"), (b, b"%PDF-1 two")):
        path.parent.mkdir()
        path.write_bytes(body)
    assert store_upload(a, uploads) == uploads / "r.pdf"
    assert store_upload(b, uploads) == uploads / "r-2.pdf"
    assert store_upload(a, uploads) == uploads / "r.pdf"
    assert (uploads / "r.pdf").read_bytes() == b"%PDF-1 one"


def test_uploads_are_ingested_kept_and_bad_files_reported(tmp_path, pdf_maker):
    assistant = Assistant.open(tmp_path / "index")
    good = pdf_maker("Good report.pdf", [("Inspection of Testshire children's services\n"
                                         "Leaders have improved the quality of supervision for social workers.")])
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00broken" * 40)
    ticks = []
    rows = app.ingest_uploads(assistant, [str(good), str(bad)], lambda frac, desc="": ticks.append(frac))
    status = {r[0]: (r[1], r[2]) for r in rows}
    assert status["uploads/Good_report.pdf"][0] == "new"
    assert status["uploads/bad.pdf"][0] == "failed" and "corrupt" in status["uploads/bad.pdf"][1]
    assert ticks and ticks[-1] == 1.0
    assert (assistant.index_dir / "uploads" / "Good_report.pdf").exists()
    assert not (assistant.index_dir / "uploads" / "bad.pdf").exists()
    assert assistant.files() == ["uploads/Good_report.pdf"]
    assert assistant.page_image("uploads/Good_report.pdf", 1) is not None

    summary = assistant.add_uploads([good], progress=False, max_mb=0)
    assert [(r.file, r.status, r.reason) for r in summary.results] == [
        ("Good_report.pdf", "failed", "larger than the 0 MB upload limit")]
