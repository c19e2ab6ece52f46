"""Helpers the tests share: imported as ``from tests.support.read_back import docx_text``; no test module imports
another test module."""
