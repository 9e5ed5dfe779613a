"""Inspection Report Assistant: cited answers across public inspection reports."""

from assistant.api import Assistant
from assistant.settings import Settings
from assistant.types import Answer, Citation, Filters, Judgement, Passage, Recommendation, Report, ReportMeta

__all__ = ["Assistant", "Answer", "Citation", "Filters", "Judgement", "Passage", "Recommendation", "Report", "ReportMeta", "Settings"]
