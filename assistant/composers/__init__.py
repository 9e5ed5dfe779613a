"""Every composer: one per answer shape, each `Evidence -> Answer | None` (None: the next on the
route answers), and the fallbacks every route ends with (across.py, finding.py). route.py declares
the routes and composes. Composers read the frozen reading (`Evidence.intent`) and never parse.

Swap or add one by editing COMPOSERS, or per assistant: `Assistant(settings, composers=...)`.
"""

from __future__ import annotations

from assistant.composers.comparison import comparison_answer
from assistant.composers.coverage import coverage_answer
from assistant.composers.grades import grades_answer
from assistant.composers.strengths import strengths_answer
from assistant.composers.summary import summary_answer
from assistant.composers.themes import themes_answer
from assistant.evidence import Composer
from assistant.intent import Shape

COMPOSERS: dict[Shape, Composer] = {
    Shape.COVERAGE: coverage_answer,
    Shape.GRADES: grades_answer,
    Shape.SUMMARY: summary_answer,
    Shape.STRENGTHS: strengths_answer,
    Shape.COMPARISON: comparison_answer,
    Shape.THEMES: themes_answer,
}
