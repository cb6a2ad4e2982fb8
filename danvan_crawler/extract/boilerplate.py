"""Vietnamese boilerplate: lines that CMS templates put inside or next to article bodies."""

from __future__ import annotations

import re

# Whole paragraphs that are never article text on these sites (share bars, print links,
# related-list headings, copyright and contact footers, visitor counters).
BOILERPLATE_LINES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^(chia sẻ|share)\s*:?\s*(facebook|zalo|twitter|\s)*$",
        r"^chia sẻ\s*:",
        r"^in bài( viết)?$",
        r"^(bài viết khác|tin liên quan|tin khác|các bài mới nhất|mới nhất|tin cùng chuyên mục"
        r"|xem thêm|đọc thêm|bài liên quan)\s*:?$",
        r"^(©|copyright|bản quyền thuộc về)",
        r"^ghi rõ nguồn",
        r"phát hành lại (nội dung|thông tin) từ (trang web|website) này",
        r"^giấy phép (thiết lập|hoạt động|số)",
        r"^(địa chỉ|điện thoại|email|e-mail)\s*:",
        r"^hôm nay\s*[\d.,]+\s*hôm qua",
        r"^lượt xem\s*:?\s*[\d.,]*$",
        r"^dữ liệu đang được cập nhật$",
        r"^từ khóa\s*:?$",
    )
)


# Template lines are short; a longer paragraph is article text even if it quotes one.
LONGEST_BOILERPLATE_LINE = 300


def is_boilerplate_line(text: str, extra: tuple[re.Pattern[str], ...] = ()) -> bool:
    """True when a whole paragraph is template text rather than article text."""
    stripped = text.strip()
    if len(stripped) > LONGEST_BOILERPLATE_LINE:
        return False
    return any(pattern.search(stripped) for pattern in (*BOILERPLATE_LINES, *extra))
