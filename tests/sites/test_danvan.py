"""danvan.vn (central site, demo mirror): every fixture article against its expected JSON."""

import pytest

from tests.sites.field_checks import *  # noqa: F403 (the shared per-field tests)
from tests.sites.field_checks import extract_case, site_cases

SITE = "danvan"


@pytest.fixture(scope="module", params=site_cases(SITE))
def case(request):
    return extract_case(SITE, *request.param)


@pytest.fixture
def boilerplate():
    return ("Tin liên quan", "Đọc nhiều", "Chia sẻ", "Tags:", "Trang chủ", "PV")
