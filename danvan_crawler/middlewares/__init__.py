"""Downloader middlewares: what the project adds between Scrapy's engine and the network."""
