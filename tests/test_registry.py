"""One site registry: the assembly and every national site, and the spiders made from it."""

from __future__ import annotations

import pytest
from scrapy.spiderloader import SpiderLoader

from crawler.registry import (
    RegistryError,
    load_registry,
    national_sites,
    site_config,
    site_ids,
)
from crawler.runner import crawl_settings
from crawler.spiders.pacsto import PacstoSpider
from crawler.stored_pages import site_spider


def test_the_assembly_is_in_the_registry_first_with_its_two_hosts():
    assert site_ids()[0] == "pacsto"
    pacsto = site_config("pacsto")
    assert pacsto.kind == "assembly" and pacsto.country is None
    assert pacsto.base_urls == {"en": "https://pacsto.org", "ru": "https://paodkb.org"}
    assert "pacsto" not in national_sites()
    assert list(national_sites()) == site_ids()[1:]


def test_every_site_has_a_spider_under_its_id_and_scrapy_lists_the_same_sites():
    loader = SpiderLoader.from_settings(crawl_settings())
    assert sorted(loader.list()) == sorted(site_ids())
    for site in site_ids():
        spider = site_spider(site)
        assert spider.name == spider.site_id == site
        assert spider.languages == site_config(site).language_codes
        assert spider.default_base_urls == site_config(site).base_urls
    assert isinstance(site_spider("pacsto"), PacstoSpider), "pacsto keeps its own spider class"


def test_an_unknown_site_names_the_known_ones():
    with pytest.raises(KeyError, match="known: pacsto, house_by"):
        site_config("nosuch")


def test_a_national_entry_without_its_paths_is_refused(tmp_path):
    registry = tmp_path / "sites.toml"
    registry.write_text(
        '[[site]]\nid = "x_ru"\nname = "X"\ncountry = "RU"\nbase_url = "https://x.ru"\n'
        '[site.languages.ru]\nhome = "/"\nnews_list = "/news/"\n',
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="x_ru/ru: missing news_page, article, delegation"):
        load_registry(registry)
