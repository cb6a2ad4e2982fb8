"""danvanhungyen.vn (the reference site): every fixture article against its expected JSON."""

import pytest

from tests.conftest import fixture_cases
from tests.sites.field_checks import *  # noqa: F403 (the shared per-field tests)
from tests.sites.field_checks import extract_case, site_cases

SITE = "danvanhungyen"


@pytest.fixture(scope="module", params=site_cases(SITE))
def case(request):
    return extract_case(SITE, *request.param)


@pytest.fixture
def boilerplate():
    return (
        "Bài viết khác", "Các bài mới nhất", "Nguồn:", "Hôm nay", "Hôm qua", "Giấy phép thiết lập",
        "Trưởng ban biên tập", "Điện thoại:", "Copyright", "Thiết kế bởi", "Lượt xem", "Chia sẻ",
        "In bài viết", "Từ khóa", "Ghi rõ nguồn", "Liên kết website", "Trang chủ",
    )  # fmt: skip


def test_the_mirror_has_at_least_25_articles():
    assert len(fixture_cases(SITE)) >= 25
