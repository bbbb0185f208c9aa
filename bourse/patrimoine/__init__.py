"""Patrimoine files: the landlords' monthly snapshot of their dwellings.

``columns`` is the published format, ``reader`` turns an uploaded CSV or XLSX
into rows (refusing hostile files), ``validation`` turns rows into clean
records or French error reports. None of them touches the database.
"""
