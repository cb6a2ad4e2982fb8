"""Scrapy settings for danvan-crawler: polite by default, tunable from the environment.

Values that differ from Scrapy's defaults say so. Every DANVAN_* environment variable is read
here, and nowhere else.
"""

import os

BOT_NAME = "danvan_crawler"
SPIDER_MODULES = ["danvan_crawler.spiders"]
NEWSPIDER_MODULE = "danvan_crawler.spiders"

CONTACT_URL = os.environ.get("DANVAN_CONTACT_URL", "https://github.com/danvan-crawler/danvan-crawler")
USER_AGENT = f"danvan-crawler/0.1 (research archive of Vietnamese news sites; +{CONTACT_URL})"

# Politeness (Scrapy defaults: robots off in the library, 8 per domain, no throttling).
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = int(os.environ.get("DANVAN_CONCURRENT_REQUESTS", "8"))
CONCURRENT_REQUESTS_PER_DOMAIN = int(os.environ.get("DANVAN_CONCURRENT_PER_DOMAIN", "2"))
DOWNLOAD_DELAY = float(os.environ.get("DANVAN_DOWNLOAD_DELAY", "1.0"))
AUTOTHROTTLE_ENABLED = os.environ.get("DANVAN_AUTOTHROTTLE", "1") == "1"
AUTOTHROTTLE_START_DELAY = float(os.environ.get("DANVAN_AUTOTHROTTLE_START_DELAY", "2.0"))
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Failures: Scrapy's retries, spaced by danvan_crawler.middlewares.backoff; bounded downloads.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = float(os.environ.get("DANVAN_RETRY_BACKOFF_BASE", "2.0"))  # seconds, doubled per retry
RETRY_BACKOFF_MAX = 300.0
DOWNLOAD_TIMEOUT = int(os.environ.get("DANVAN_DOWNLOAD_TIMEOUT", "30"))
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # default 1 GiB: no article page is 10 MiB
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = True

FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = os.environ.get("DANVAN_LOG_LEVEL", "INFO")

DOWNLOADER_MIDDLEWARES = {
    "danvan_crawler.middlewares.addresses.BlockInternalAddressesMiddleware": 50,
    "danvan_crawler.middlewares.backoff.RetryBackoffMiddleware": 560,
}
ITEM_PIPELINES = {
    "danvan_crawler.pipelines.ValidateArticlePipeline": 100,
    "danvan_crawler.pipelines.NormalizeTextPipeline": 200,
    "danvan_crawler.pipelines.ResolveDatesPipeline": 300,
    "danvan_crawler.pipelines.IndexKeysPipeline": 800,
    "danvan_crawler.pipelines.ArchiveWriterPipeline": 900,
}
EXTENSIONS = {
    "danvan_crawler.archive.runs.CrawlRunRecorder": 500,
    "danvan_crawler.archive.redirects.RedirectRecorder": 510,
    "danvan_crawler.archive.raw_pages.RawPageRecorder": 520,
}

ARCHIVE_PATH = os.environ.get("DANVAN_DB", "data/archive.db")
# Archived articles published within this many days are fetched again (conditionally) to catch edits.
REVISIT_DAYS = int(os.environ.get("DANVAN_REVISIT_DAYS", "3"))
# Articles (and raw pages) per write transaction, and the longest a fetched one waits for its
# write (see danvan_crawler/archive/batching.py).
ARCHIVE_BATCH_SIZE = 50
ARCHIVE_FLUSH_SECONDS = 30.0
# Optional cap on the archive file's size; reaching it stops a crawl cleanly, as a full disk does.
ARCHIVE_MAX_BYTES = int(os.environ.get("DANVAN_ARCHIVE_MAX_BYTES", "0")) or None

# Offline mirror: with DANVAN_MIRROR_DIR set, requests for the mirrored hosts are served from
# that folder by a local server (see danvan_crawler/mirror.py).
MIRROR_DIRECTORY = os.environ.get("DANVAN_MIRROR_DIR") or None
if MIRROR_DIRECTORY:
    DOWNLOAD_HANDLERS = {
        "http": "danvan_crawler.mirror.MirrorDownloadHandler",
        "https": "danvan_crawler.mirror.MirrorDownloadHandler",
    }

# Monitoring: a run whose failed requests exceed this share is marked degraded (exit code 1), as is
# one under its profile's coverage thresholds or silent for longer than its profile expects.
RUN_ERROR_RATIO_LIMIT = float(os.environ.get("DANVAN_RUN_ERROR_RATIO_LIMIT", "0.25"))
# Every run writes a JSON report here (default: a "reports" folder beside the archive); a degraded
# or failed run's report is also piped to NOTIFY_COMMAND and POSTed to NOTIFY_WEBHOOK_URL.
RUN_REPORT_DIRECTORY = os.environ.get("DANVAN_REPORT_DIR") or None
NOTIFY_COMMAND = os.environ.get("DANVAN_NOTIFY_COMMAND") or None
NOTIFY_WEBHOOK_URL = os.environ.get("DANVAN_NOTIFY_WEBHOOK_URL") or None
