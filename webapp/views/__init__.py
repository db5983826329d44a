"""One blueprint per file: search page, JSON API, bulletin view, CSV export, health check."""
