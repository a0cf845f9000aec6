"""zhen's indexing pipeline: read → clean → chunk → embed → align → store."""
