"""pkm-docs: draft Indonesian community partnership agreements (PKM) from a vetted bilingual clause library."""

__version__ = "0.1.0"
