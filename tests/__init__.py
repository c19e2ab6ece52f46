"""The tests of pkm-docs, laid out like the package (see tests/README.md)."""
