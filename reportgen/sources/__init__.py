"""Everything that opens input files. Values come back with their provenance (file › sheet › cell).

The reader runs four stages, in this order and never back: open the workbook (workbook.py) → locate the table
(headers.py) → classify the rows (rows.py) → parse the values (values.py). collect.py orchestrates them for one
period, sheet by sheet; ledger.py does stages 2–4 for a project ledger. See collect.py's docstring.
"""
