"""The documented shape of ``pkm diff --format json`` (docs/diff.md), which every test of its JSON output
validates against."""

from __future__ import annotations

from pkm_docs.diff.changes import SUMMARY_KEYS

_TEXT = {"type": "object", "required": ["lang", "old", "new", "diff"], "additionalProperties": False,
         "properties": {"lang": {"type": "string"}, "old": {"type": "string"}, "new": {"type": "string"},
                        "diff": {"type": "array", "items": {
                            "type": "array", "prefixItems": [{"enum": ["=", "-", "+"]}, {"type": "string"}],
                            "minItems": 2, "maxItems": 2}}}}
_FIELD = {"type": "object", "required": ["field", "lang", "old", "new"], "additionalProperties": False,
          "properties": {"field": {"type": "string"}, "lang": {"type": ["string", "null"]},
                         "old": {"type": "string"}, "new": {"type": "string"}}}
_NUMBER = {"type": ["integer", "null"]}
_STRING_OR_NULL = {"type": ["string", "null"]}
JSON_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["format", "version", "old", "new", "same", "languages", "summary", "details", "parties",
                 "articles", "outside", "document", "warnings", "tracked"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": "pkm-diff"}, "version": {"const": 1},
        "old": {"type": "string"}, "new": {"type": "string"}, "same": {"type": "boolean"},
        "languages": {"type": "array", "items": {"enum": ["id", "en"]}},
        "summary": {"type": "object", "required": list(SUMMARY_KEYS), "additionalProperties": False,
                    "properties": {key: {"type": "integer", "minimum": 0} for key in SUMMARY_KEYS}},
        "details": {"type": "array", "items": _FIELD},
        "parties": {"type": "array", "items": {
            "type": "object", "required": ["party", "change", "name", "fields"], "additionalProperties": False,
            "properties": {"party": {"type": "string"}, "change": {"enum": ["added", "removed", "changed"]},
                           "name": {"type": "string"}, "fields": {"type": "array", "items": _FIELD}}}},
        "articles": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["change", "kind", "old_number", "new_number", "moved", "reordered", "title",
                         "title_changes", "clauses"],
            "properties": {
                "change": {"enum": ["added", "removed", "moved", "changed"]},
                "kind": {"enum": ["preamble", "article", "closing"]},
                "old_number": _NUMBER, "new_number": _NUMBER,
                "moved": {"type": "boolean"}, "reordered": {"type": "boolean"},
                "title": {"type": "object", "additionalProperties": {"type": "string"}},
                "title_changes": {"type": "array", "items": _TEXT},
                "clauses": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False,
                    "required": ["id", "change", "old_version", "new_version", "old_status", "new_status",
                                 "moved_from", "moved_to", "note", "parameters", "paragraphs"],
                    "properties": {
                        "id": {"type": "string"}, "change": {"enum": ["added", "removed", "moved", "changed"]},
                        "old_version": _STRING_OR_NULL, "new_version": _STRING_OR_NULL,
                        "old_status": _STRING_OR_NULL, "new_status": _STRING_OR_NULL,
                        "moved_from": _STRING_OR_NULL, "moved_to": _STRING_OR_NULL, "note": _STRING_OR_NULL,
                        "parameters": {"type": "array", "items": {
                            "type": "object", "required": ["name", "old", "new"], "additionalProperties": False,
                            "properties": {"name": {"type": "string"}, "old": {"type": "string"},
                                           "new": {"type": "string"}}}},
                        "paragraphs": {"type": "array", "items": {
                            "type": "object", "required": ["change", "old_number", "new_number", "texts"],
                            "additionalProperties": False,
                            "properties": {"change": {"enum": ["added", "removed", "changed"]},
                                           "old_number": _NUMBER, "new_number": _NUMBER,
                                           "texts": {"type": "array", "items": _TEXT}}}}}}}}}},
        "outside": {"type": "array", "items": _TEXT},
        "document": {"type": "array", "items": {"type": "string"}},
        "warnings": {"type": "array", "items": {
            "type": "object", "required": ["kind", "where", "changed", "unchanged", "message"],
            "additionalProperties": False,
            "properties": {"kind": {"const": "translation-left-behind"}, "where": {"type": "string"},
                           "changed": _STRING_OR_NULL, "unchanged": _STRING_OR_NULL,
                           "message": {"type": "string"}}}},
        "tracked": {"oneOf": [{"type": "null"}, {
            "type": "object", "required": ["compared", "count", "authors", "groups"], "additionalProperties": False,
            "properties": {
                "compared": {"const": "accepted"}, "count": {"type": "integer", "minimum": 0},
                "authors": {"type": "array", "items": {
                    "type": "object", "required": ["author", "count", "dates"], "additionalProperties": False,
                    "properties": {"author": {"type": "string"}, "count": {"type": "integer", "minimum": 1},
                                   "dates": {"type": "array", "items": {"type": "string"}}}}},
                "groups": {"type": "array", "items": {
                    "type": "object", "required": ["where", "clause", "article", "changes"],
                    "additionalProperties": False,
                    "properties": {"where": {"type": "string"}, "clause": _STRING_OR_NULL, "article": _NUMBER,
                                   "changes": {"type": "array", "items": {
                                       "type": "object", "additionalProperties": False,
                                       "required": ["kind", "author", "date", "lang", "text"],
                                       "properties": {"kind": {"enum": [
                                           "inserted", "deleted", "moved from", "moved to",
                                           "paragraph mark inserted", "paragraph mark deleted",
                                           "formatting changed", "paragraph properties changed", "row inserted",
                                           "row deleted", "table properties changed"]},
                                           "author": {"type": "string"}, "date": {"type": "string"},
                                           "lang": {"type": "string"}, "text": {"type": "string"}}}}}}}}}]},
    },
}
