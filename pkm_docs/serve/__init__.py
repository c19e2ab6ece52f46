"""``pkm serve``: a guided form in the browser that fills a template's inputs and builds the agreement.

``form`` turns a template's typed inputs into steps, ``answers`` turns what a person typed into the data file
``pkm build --data`` reads, ``validate`` runs the same resolution and checks as ``pkm check`` on it and files each
diagnostic under its field, ``store`` keeps drafts in SQLite, ``app`` is the Starlette application.
"""
