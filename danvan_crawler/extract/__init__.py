"""Extraction: from a fetched page to an Article, by profile selectors or generic rules."""
