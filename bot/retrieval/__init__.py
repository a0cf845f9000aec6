"""Question → ranked passages: hybrid search, sentence scoring, rerank, outline routing."""
