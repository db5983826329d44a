"""Analysis, the Whoosh engine and the search service. The only code that imports whoosh."""
