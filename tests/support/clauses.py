"""A one-clause library text the loader's tests break in one place at a time."""

from __future__ import annotations

#: A valid clause of a library of its own: one money parameter, printed in both languages.
CLAUSE = '''clause uji.base 1.0.0 {
  status: model
  section: miscellaneous
  title: "Uji" / "Test"
  param jumlah: money
  text {
    id: """(1) Jumlah {jumlah}."""
    en: """(1) Amount {jumlah}."""
  }
}
'''
