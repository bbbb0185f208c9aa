"""The patrimoine screens: imports (``imports``), the dwellings' list and export
(``dwellings``), and the published file format (``file_format``, public)."""
