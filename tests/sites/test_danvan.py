"""danvan.vn (central site, demo mirror): every fixture article against its expected JSON."""

import pytest

from tests.sites.field_checks import *  # noqa: F403 (the shared per-field tests)

SITE = "danvan"


@pytest.fixture
def boilerplate():
    return ("Tin liên quan", "Đọc nhiều", "Chia sẻ", "Tags:", "Trang chủ", "PV")
