"""Spiders: one generic SiteSpider runs any site profile."""
