"""OCR cost and quality on scanned pages: corpus pages rendered to images and wrapped as
image-only PDFs (as a scanner makes them), read back by ingest's reader (Tesseract), timed per
page, and scored by the share of the text layer's words OCR recovers.

    python -m eval.bench_ocr [--pages 12] [--scan-dpi 150] [--ocr-dpi 300]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from eval.bench_query import percentile
from eval.check_set import PdfPages
from eval.harness import DEFAULT_CORPUS
from ingest.normalize import for_match
from ingest.read import read_pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--scan-dpi", type=int, default=150)
    parser.add_argument("--ocr-dpi", type=int, default=300)
    args = parser.parse_args()
    import pypdfium2 as pdfium

    corpus = Path(args.corpus)
    reports = sorted(corpus.glob("ofsted-*/*.pdf"))[:: max(1, len(list(corpus.glob("ofsted-*/*.pdf"))) // args.pages)]
    texts = PdfPages(corpus)
    seconds, recall = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n, pdf in enumerate(reports[: args.pages]):
            document = pdfium.PdfDocument(str(pdf))
            page = min(2, len(document)) - 1  # past the cover: a page of findings
            image = document[page].render(scale=args.scan_dpi / 72).to_pil().convert("RGB")
            document.close()
            scan = Path(tmp) / f"scan{n}.pdf"
            image.save(scan, resolution=args.scan_dpi)
            start = time.perf_counter()
            read = read_pdf(scan, ocr_dpi=args.ocr_dpi)
            seconds.append(time.perf_counter() - start)
            truth = set(for_match(texts(str(pdf.relative_to(corpus)))[page]).lower().split())
            got = set(for_match(read.pages[0].text).lower().split())
            recall.append(len(truth & got) / max(1, len(truth)))
    print(f"{len(seconds)} scanned pages (scanned at {args.scan_dpi} dpi, read at {args.ocr_dpi} dpi): "
          f"OCR p50 {statistics.median(seconds):.2f} s/page, p95 {percentile(seconds, 0.95):.2f} s; "
          f"words of the text layer recovered: mean {statistics.fmean(recall):.3f}, min {min(recall):.3f}")


if __name__ == "__main__":
    main()
