"""danvan-crawler: a crawler and archiver for Vietnamese party and dân vận news sites."""
