"""PDF documents with Chinese text: the font they embed (a subset), found on the server."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

# (path, index in a font collection): Noto Sans CJK SC is face 2 of the Debian/Ubuntu .ttc.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
)


class NoChineseFont(RuntimeError):
    pass


@lru_cache(maxsize=1)
def chinese_font() -> tuple[str, int]:
    """YANGLAO_PDF_FONT (path, optionally "path#index") or the first installed candidate."""
    configured = os.environ.get("YANGLAO_PDF_FONT", "")
    if configured:
        path, _, index = configured.partition("#")
        if Path(path).is_file():
            return path, int(index or 0)
        raise NoChineseFont(f"YANGLAO_PDF_FONT 指向的字体文件不存在：{path}")
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    raise NoChineseFont(
        "服务器未安装中文字体，无法生成 PDF。请安装 fonts-noto-cjk（apt-get install "
        "fonts-noto-cjk）或设置 YANGLAO_PDF_FONT；评估报告页面仍可直接打印。"
    )
