"""Every user-facing sentinel and template, defined once for code and tests alike."""

ABSTAIN = "The indexed reports do not answer this."
NEAREST_NOTE = "Nearest passages (not an answer):"
NOT_INDEXED = "{reason}, so the indexed reports do not answer this."
NOT_MENTIONED = "No indexed report mentions {name}, so the indexed reports do not answer this."
OUT_OF_SCOPE = "The indexed reports are Ofsted inspections of children's services, area SEND and schools; they do not cover {what}."
EMPTY_INDEX = "The index is empty. Add reports with `inspection-assistant ingest PATH` (for example ../shared/corpus)."

JUDGEMENT_LINE = "In {authority}'s {report_type} ({when}), {area} was judged '{grade}' {cite}."
FINDING_INTRO = "From {report}:"
LATEST_INTRO = "From the latest report, {report}:"
EARLIER_INTRO = "Earlier, {report}:"
