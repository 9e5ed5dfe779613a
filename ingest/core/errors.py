"""User errors: what went wrong and what to do, in one line. The CLI prints them without a
traceback and exits non-zero; the chat shows them; anything else is a bug and keeps its traceback."""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error a user can cause and fix."""


class IndexNotFound(AssistantError):
    """A reader was pointed at a folder that holds no index."""

    def __init__(self, path):
        super().__init__(f"no index at {path}: create one with `inspection-assistant ingest PDF_FOLDER --index {path}`")


class BadFilter(AssistantError):
    """A filter value that matches nothing the index could hold (a report type, a council)."""


class StoreUnavailable(AssistantError):
    """The Chroma server cannot be reached, or the index was built for the other store mode."""


class ChromaServerUnreachable(StoreUnavailable):
    """The Chroma server is down or went away mid-query. Nothing is answered from half the
    evidence; the same Assistant answers again once the server is back (it reconnects per call)."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"cannot reach the Chroma server at {url} ({reason}): start it (`chroma run` with the "
                         "index's --path and --port) or point --chroma-url / CHROMA_URL at it, then ask again")


class DatabaseUnreachable(StoreUnavailable):
    """The PostgreSQL server holding the catalog is down, refused the login, or went away mid-query.
    The same Assistant answers again once it is back (a broken connection is opened anew)."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"cannot reach the catalog's database at {url} ({reason}): start the server or fix "
                         "--database / INSPECTION_ASSISTANT_STORE__DATABASE_URL, then try again")


class BadSetting(AssistantError, ValueError):
    """A setting with a value it cannot take (from the environment, a preset or a caller)."""


class UnknownPreset(AssistantError, ValueError):
    """A settings preset that does not exist."""


class LLMUnavailable(AssistantError):
    """The language-model endpoint is down, too slow, or answered with something that is not a
    chat completion. Answers fall back to the extractive composer and say why."""


class BadQuestion(AssistantError, ValueError):
    """A question the API cannot take: not text, empty, far too long, or a bad result count."""


class IndexDamaged(AssistantError):
    """Part of an index is missing or unreadable (a truncated catalog, deleted vectors): answering
    from what is left would be silently wrong, so readers refuse and name the repair."""

    def __init__(self, path, detail: str):
        super().__init__(f"the index at {path} is damaged ({detail}): rebuild it with "
                         f"`inspection-assistant ingest PDF_FOLDER --index {path} --rebuild`")


class IndexReadOnly(AssistantError):
    """This process cannot write a part of the index. Ingest refuses before it changes anything;
    readers answer from what they can read and name the part when they cannot."""

    def __init__(self, index, part, doing: str):
        super().__init__(f"cannot {doing} the index at {index}: {part} is read-only; make it writable "
                         f"(as its owner: `chmod -R u+w {part}`) or use an index folder you can write")
