"""danvanhungyen.vn (the reference site): every fixture article against its expected JSON."""

import pytest

from tests.conftest import fixture_cases
from tests.sites.field_checks import *  # noqa: F403 (the shared per-field tests)

SITE = "danvanhungyen"


@pytest.fixture
def boilerplate():
    return (
        "Bài viết khác", "Các bài mới nhất", "Nguồn:", "Hôm nay", "Hôm qua", "Giấy phép thiết lập",
        "Trưởng ban biên tập", "Điện thoại:", "Copyright", "Thiết kế bởi", "Lượt xem", "Chia sẻ",
        "In bài viết", "Từ khóa", "Ghi rõ nguồn", "Liên kết website", "Trang chủ",
    )  # fmt: skip


def test_the_mirror_has_at_least_25_articles():
    assert len(fixture_cases(SITE)) >= 25
