"""Small PDFs that attack a reader, generated on the fly (nothing third-party is stored)."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

FINDING = "Inspectors found that managers review every plan for children in care each month."


TOPICS = ["care leavers", "private fostering", "supervision", "return home interviews", "early help",
          "children in care", "the front door", "court work", "life-story work", "advocacy"]


def text_pdf(path: Path, pages: int = 1, line: str = FINDING) -> Path:
    """A report-like PDF: each page its own findings (lines repeated on every page would be
    taken for running headers and removed)."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(pages):
        topic = TOPICS[n % len(TOPICS)]
        rows = [f"Section {n + 1}: {topic}", line if n == 0 else f"Finding {n + 1} is about {topic}.",
                f"Practice in {topic} was reviewed on page {n + 1} of this report.",
                f"Managers check the quality of work on {topic} through audits number {n * 3 + 1}.",
                "End of the findings on this page."]
        for i, row in enumerate(rows):
            c.drawString(72, 760 - 20 * i, row)
        c.showPage()
    c.save()
    return path


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies, with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def bomb(path: Path, megabytes: int = 1024) -> Path:
    """A page whose content stream inflates from about 1 MB to `megabytes` MB."""
    squeeze = zlib.compressobj(9)
    zeros = b" " * 2**20
    data = b"".join(squeeze.compress(zeros) for _ in range(megabytes)) + squeeze.flush()
    stream = f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream"
    path.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream,
    ]))
    return path


def circular(path: Path) -> Path:
    """A page tree whose /Kids holds itself, and a page whose parent chain loops."""
    path.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 /Parent 2 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 4 0 R >>",
        b"<< /XObject 4 0 R /Self 4 0 R >>",
    ]))
    return path


def broken_xref(path: Path, source: Path) -> Path:
    """A real (generated) PDF whose xref offsets all point to the wrong bytes."""
    data = source.read_bytes()
    at = data.rfind(b"xref")
    table = data[at:].replace(b" 00000 n", b" 00000 n").split(b"\n")
    garbled = [(b"%010d" % (int(row[:10]) + 7) + row[10:]) if row.endswith(b" n ") or row.endswith(b" n")
               else row for row in table]
    path.write_bytes(data[:at] + b"\n".join(garbled))
    return path


def encrypted(path: Path, source: Path, user_password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def with_javascript_and_attachment(path: Path, source: Path) -> Path:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(source))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({  # runs on open in a viewer that obeys
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.alert('pwned'); this.exportDataObject({cName: 'payload.exe', nLaunch: 2});"),
    })
    writer.add_attachment("payload.exe", b"MZ" + b"\x00" * 1000)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def operator_flood(path: Path, operators: int = 300_000) -> Path:
    """One page whose small compressed content stream holds `operators` text-showing operators:
    pypdf builds a Python object per operand, so reading it costs seconds and more than 64 MiB."""
    content = b"BT /F1 10 Tf 72 700 Td\n" + b"(ab) Tj\n" * operators + b"ET"
    data = zlib.compress(content, 9)
    path.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]))
    return path


def unmapped_font(path: Path, lines: list[str]) -> Path:
    """A page drawn in an embedded TrueType font addressed by glyph id (Identity-H) with no
    ToUnicode map: it renders as text, but extraction yields glyph ids (",QVSHFWRUV\\x03...")."""
    import os

    import reportlab
    from reportlab.pdfbase.ttfonts import TTFontFile

    ttf = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")
    glyph = TTFontFile(ttf).charToGlyph
    shown = [f"<{''.join(f'{glyph.get(ord(ch), 0):04x}' for ch in line)}> Tj T*" for line in lines]
    content = "\n".join(["BT /F1 12 Tf 16 TL 72 760 Td", *shown, "ET"]).encode()
    font = Path(ttf).read_bytes()
    path.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Vera /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Vera /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
        b"/Supplement 0 >> /FontDescriptor 7 0 R /CIDToGIDMap /Identity /DW 600 >>",
        b"<< /Type /FontDescriptor /FontName /Vera /Flags 32 /FontBBox [-183 -236 1287 928] /ItalicAngle 0 /Ascent 928 "
        b"/Descent -236 /CapHeight 700 /StemV 80 /FontFile2 8 0 R >>",
        f"<< /Length {len(font)} /Length1 {len(font)} >>\nstream\n".encode() + font + b"\nendstream",
    ]))
    return path
