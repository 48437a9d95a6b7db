"""Everything that opens input files. Values come back with their provenance."""
