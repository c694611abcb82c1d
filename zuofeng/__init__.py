"""The project package. Imported before any app, so the one process-wide switch lives here."""

import os

# openpyxl reads and writes workbooks with lxml whenever lxml is installed (python-docx brings
# it). Keep openpyxl on the standard library's parser guarded by defusedxml, as before lxml
# arrived: a broken workbook then raises the errors the imports turn into Chinese messages
# (lxml's XMLSyntaxError was a 500), and carriage returns in exported text survive.
os.environ.setdefault("OPENPYXL_LXML", "False")
