"""Inspection Report Assistant: cited answers across public inspection reports."""

from assistant.api import Assistant
from ingest.core.settings import Settings
from ingest.core.types import Answer, Citation, Claim, Filters, Judgement, Passage, Recommendation, Report, ReportMeta, Table

__all__ = ["Assistant", "Answer", "Citation", "Claim", "Filters", "Judgement", "Passage", "Recommendation", "Report", "ReportMeta", "Settings", "Table"]
