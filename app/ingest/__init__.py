"""Getting data in: reference data, codebooks, survey and inventory importers, the seed."""
