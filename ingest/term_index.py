"""The lexical index inside PostgreSQL: each chunk's terms as a `tsvector` with a GIN index, and
each term's document frequency, written in the catalog's own transactions.

The terms are ingest.terms' (the Snowball stems bm25s indexes), put into the tsvector as they
are, with their positions (for phrase queries). Ranking reads a postings table beside it: each
(term, chunk) with the term's count and the chunk's length, so a question reads only its own
terms' rows and scores them by the same BM25 as bm25s (its "lucene" variant, k1 1.2, b 0.75).
Within a scope (a few reports) every posting is read: the same scores as bm25s. Across the
whole store a term's postings are read best first, at most TOP_POSTINGS of them: exact for every
term in fewer chunks, and for a common one the chunks where it weighs least are left out (the
agreement with bm25s is measured by eval/bench_database.py).

The indexed text of a chunk is the one bm25s indexes: the report's context line (council,
kind, date: ingest.parse.context_line) and the chunk's text; a report whose council or date
changes (a sidecar preferred) is indexed again.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.core.types import ReportMeta
from ingest.databases import PgConnection
from ingest.parse import context_line
from ingest.terms import tokenize

SCHEMA = """
CREATE TABLE IF NOT EXISTS terms (
    chunk_id TEXT PRIMARY KEY, report_id TEXT NOT NULL, vector tsvector NOT NULL, length INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS terms_vector ON terms USING GIN (vector);
CREATE INDEX IF NOT EXISTS terms_report ON terms(report_id);
CREATE TABLE IF NOT EXISTS term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS postings (
    term TEXT NOT NULL, chunk_id TEXT NOT NULL, tf INTEGER NOT NULL, length INTEGER NOT NULL, impact REAL NOT NULL,
    PRIMARY KEY (term, chunk_id)
);
CREATE INDEX IF NOT EXISTS postings_impact ON postings(term, impact DESC) INCLUDE (chunk_id, tf, length);
"""

K1, B = 1.2, 0.75  # as assistant.lexical's bm25s
# A posting's share of its term's BM25 weight, with a typical chunk length for the mean (the
# corpus's is 112 terms): it orders a term's postings, best first, so a search reads the best
# TOP_POSTINGS of each of its terms instead of all of them (a common word's run 60% of the chunks).
TYPICAL_LENGTH = 112.0
TOP_POSTINGS = 2000
CANDIDATES = 300  # the best by those postings alone, then scored from all their postings
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_LEXEME = 2000  # bytes; PostgreSQL refuses a lexeme over 2047


def _quoted(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def term_vector(tokens: list[str]) -> str:
    """A tsvector literal holding each term with its positions (its count in the chunk)."""
    positions: dict[str, list[int]] = {}
    for i, token in enumerate(tokens, start=1):
        if len(token.encode()) <= MAX_LEXEME:
            positions.setdefault(token, []).append(min(i, MAX_POSITION))
    return " ".join(f"{_quoted(t)}:{','.join(map(str, p[:256]))}" for t, p in positions.items())


def chunk_text(meta: ReportMeta, section: str, text: str) -> str:
    return context_line(meta, section) + "\n" + text


@dataclass(frozen=True)
class Stats:
    chunks: int
    mean_length: float


class TermIndex:
    """Kept by ingest.catalog on PostgreSQL; asked by assistant.lexical.DatabaseLexicalIndex."""

    @staticmethod
    def add(db: PgConnection, meta: ReportMeta, chunks: Iterable[tuple[str, str, str]]) -> None:
        """Index a report's chunks, given as (chunk id, section, text)."""
        rows: list[tuple[str, str, str, int]] = []
        postings: list[tuple[str, str, int, int, float]] = []
        df: Counter[str] = Counter()
        for chunk_id, section, text in chunks:
            tokens = tokenize(chunk_text(meta, section, text))
            rows.append((chunk_id, meta.report_id, term_vector(tokens), len(tokens)))
            counts = Counter(t for t in tokens if len(t.encode()) <= MAX_LEXEME)
            postings += [(term, chunk_id, n, len(tokens), impact(n, len(tokens))) for term, n in counts.items()]
            df.update(counts.keys())
        db.executemany("INSERT INTO terms VALUES(?, ?, ?::tsvector, ?)", rows)
        db.copy_rows("postings", ("term", "chunk_id", "tf", "length", "impact"), postings)
        db.executemany("INSERT INTO term_df VALUES(?, ?) ON CONFLICT(term) DO UPDATE SET df = term_df.df + excluded.df",
                       sorted(df.items()))  # sorted: two writers never lock rows in opposite orders

    @staticmethod
    def drop(db: PgConnection, report_id: str) -> None:
        db.execute("UPDATE term_df d SET df = d.df - x.n FROM (SELECT u.lexeme, COUNT(*) AS n FROM terms t, "
                   "unnest(t.vector) u WHERE t.report_id = ? GROUP BY u.lexeme) x WHERE d.term = x.lexeme", (report_id,))
        db.execute("DELETE FROM term_df WHERE df <= 0")
        db.execute("DELETE FROM postings p USING terms t, unnest(t.vector) u WHERE t.report_id = ? "
                   "AND p.term = u.lexeme AND p.chunk_id = t.chunk_id", (report_id,))
        db.execute("DELETE FROM terms WHERE report_id = ?", (report_id,))

    @staticmethod
    def stats(db: PgConnection) -> Stats:
        n, mean = db.execute("SELECT COUNT(*), COALESCE(AVG(length), 0) FROM terms").fetchone()
        return Stats(int(n), float(mean))

    @staticmethod
    def df(db: PgConnection, terms: list[str]) -> dict[str, int]:
        return dict(db.execute("SELECT term, df FROM term_df WHERE term = ANY(?)", (terms,)).fetchall())

    @staticmethod
    def vocabulary(db: PgConnection) -> int:
        return int(db.execute("SELECT COUNT(*) FROM term_df").fetchone()[0])

    @staticmethod
    def search(db: PgConnection, tokens: list[str], idf: dict[str, float], stats: Stats, k: int,
               allowed: list[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score), best first: each of `tokens` counts as often as it is given."""
        tokens = [t for t in tokens if idf.get(t, 0) > 0]
        if not tokens or not stats.chunks:
            return []
        weights = Counter(tokens)
        terms = sorted(weights)
        score = "SUM(q.weight * p.tf / (p.tf + ? * (1 - ? + ? * p.length / ?))) AS score"
        args: list = [K1, B, B, max(stats.mean_length, 1e-9), terms, [idf[t] * weights[t] for t in terms]]
        if allowed is not None:  # a scope (a few reports): every posting of it, scored exactly
            sql = (f"SELECT p.chunk_id, {score} FROM unnest(?::text[], ?::float8[]) AS q(term, weight) "
                   "JOIN postings p ON p.term = q.term AND p.chunk_id = ANY(?) "
                   "GROUP BY p.chunk_id ORDER BY score DESC, p.chunk_id LIMIT ?")
            args += [list(allowed), k]
        else:  # the whole store: candidates from each term's best postings, then every candidate scored exactly
            sql = ("WITH q AS (SELECT * FROM unnest(?::text[], ?::float8[]) AS q(term, weight)), "
                   "best AS (SELECT p.chunk_id FROM q CROSS JOIN LATERAL (SELECT chunk_id, tf, length FROM postings "
                   "WHERE term = q.term ORDER BY impact DESC LIMIT ?) p GROUP BY p.chunk_id ORDER BY "
                   "SUM(q.weight * p.tf / (p.tf + ? * (1 - ? + ? * p.length / ?))) DESC, p.chunk_id LIMIT ?) "
                   f"SELECT p.chunk_id, {score} FROM best JOIN q ON true JOIN postings p ON p.term = q.term "
                   "AND p.chunk_id = best.chunk_id GROUP BY p.chunk_id ORDER BY score DESC, p.chunk_id LIMIT ?")
            args = [terms, [idf[t] * weights[t] for t in terms], TOP_POSTINGS, K1, B, B, max(stats.mean_length, 1e-9),
                    max(CANDIDATES, k), *args[:4], k]
        return [(cid, float(score)) for cid, score in db.execute(sql, args).fetchall()]


def impact(tf: int, length: int) -> float:
    return tf / (tf + K1 * (1 - B + B * length / TYPICAL_LENGTH))


def idf_of(df: int, chunks: int) -> float:
    """BM25's inverse document frequency, as bm25s's lucene variant and assistant.lexical compute it."""
    return math.log(1 + (chunks - df + 0.5) / (df + 0.5)) if df else 0.0
