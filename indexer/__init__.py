"""bulletin-search: reading bulletins, the index and the one search service."""
