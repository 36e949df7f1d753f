"""Where the data shipped with the package lives; importing this loads nothing else (jieba, OpenCC)."""

from pathlib import Path

BUNDLED_NOTICES = Path(__file__).parent / "gazettes"  # 黄石市人民政府公报 2022年第10号
BUNDLED_LEXICON = Path(__file__).parent / "lexicon"
