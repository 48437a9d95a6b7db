"""Turn results into files. Shared Chinese number wording lives in `numbers`."""
