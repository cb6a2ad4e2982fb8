"""Each site module names its SITE; every test that takes `case` runs once per fixture article."""

import pytest

from tests.sites.field_checks import extract_case, site_cases


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case_page", site_cases(metafunc.module.SITE), scope="module")


@pytest.fixture(scope="module")
def case(request, case_page):
    """(extracted article, expected values) for one fixture page of the module's site."""
    return extract_case(request.module.SITE, *case_page)
