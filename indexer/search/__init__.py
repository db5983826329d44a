"""Analysis, the index (engine-independent in engine.py, Whoosh and Tantivy in backends/) and the search service."""
