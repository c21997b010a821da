"""Tables from files, below every domain app: the building blocks of imports and partner feeds.

* ``readers``: an uploaded file (CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile) as rows,
  with hostile files refused before anything is parsed; ``csv_text`` writes a CSV for Excel.
* ``values``: the values people type into German spreadsheets ("3,5 ha", "01.03.2025", "ja").

An import target (``properties/importing.py``) or a feed (``places/exchange.py``) says what its
columns mean; nothing here knows a domain app.
"""
