"""Renderers: turn a resolved agreement into documents (PDF, DOCX)."""
