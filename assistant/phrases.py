"""Every user-facing sentinel and template, defined once for code and tests alike."""

ABSTAIN = "The indexed reports do not answer this."
NEAREST_NOTE = "Nearest passages (not an answer):"
NOT_INDEXED = "{reason}, so the indexed reports do not answer this."
NOT_MENTIONED = "No indexed report mentions {name}, so the indexed reports do not answer this."
OUT_OF_SCOPE = "The indexed reports are Ofsted inspections of children's services, area SEND and schools; they do not cover {what}."
SIGN_IN = "Sign in first: this chat was started with --auth."
EMPTY_INDEX = "The index is empty. Add reports with `inspection-assistant ingest PATH` (for example ../shared/corpus)."

READ_BY_OCR = "read by OCR"  # a citation on a scanned page: its quote is checked against the OCR text
# The link on a citation to its page on the publisher's site.
OPEN_PUBLISHED = "Open on the publisher's site"
# What a screen reader says before a source card's report: "citation 2, Haringey · ILACS inspection ..., page 7".
CITATION_SPOKEN = "citation"
NEAREST_SPOKEN = "nearest passage, not an answer,"

JUDGEMENT_LINE = "In {authority}'s {report_type} ({when}), {area} was judged '{grade}' {cite}."
FINDING_INTRO = "From {report}:"
LATEST_INTRO = "From the latest report, {report}:"
# A report that never discusses the topic asked: said first, and what follows is marked as not an answer
SILENT = "{report} does not discuss {topic}; the nearest passages are (not an answer):"
# ... and what was looked for, where a named topic was read for on every page
SILENT_LOOKED = ("{report} does not discuss {topic} (no sentence with {counted} on its {pages} pages); the nearest "
                 "passages are (not an answer):")
SILENT_NOTHING_NEAR = "{report} does not discuss {topic} (no sentence with {counted} on its {pages} pages)."
# One report's sentences on the topic asked: how many there are when not all are shown
ON_TOPIC_INTRO = "From {report}, {shown} of its {found} sentences on {topic}:"
EARLIER_INTRO = "Earlier, {report}:"

# The optional language-model composer (assistant/composers/llm.py).
LLM_FALLBACK = "The language model's answer is not shown ({reason}); this answer is extractive."
LLM_REMOVED = ("{n} sentence{s} the language model wrote {were} removed: the cited page does not support "
               "{them}.")
LLM_OWN_DATA = "Grades, counts and tables come from the index itself, never from the language model."
LLM_WRITTEN = ("Written by the language model from the passages below; each sentence shown was checked against "
               "the page it cites.")
LLM_DRAFT = "_Written by the language model; checking every sentence against its cited page..._"

# Ingest running behind the chat (assistant/background.py).
SO_FAR = "Based on {n} of {total} reports indexed so far."
INGESTING = ("Indexing the reports in the background: {n} of {total} indexed ({done} of {to_do} in this run{current}"
             "{eta}). You can ask already; answers say how many reports they are based on.")
INGEST_FAILED = "The background ingest stopped: {error}. What was indexed is kept; start again to resume."
INGEST_REFUSED = "Indexing finished; {k} file(s) could not be indexed: {files}."

# A question that names nothing and asks nothing that can be told ("what's wrong?").
VAGUE = "This question can be read many ways: name a council, a topic or a grade, or ask one of the questions offered."
# Before the other readings offered with an answer (the CLI, the export; the chat shows buttons).
OTHER_READINGS = "Did you mean:"
