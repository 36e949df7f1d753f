"""Each normalisation step a question goes through."""

import doctest

import pytest

import knowledge.normalize
from knowledge.normalize import MAX_QUESTION, normalize, strip_markup


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("ＡＢＣ１２３？", "abc123"),  # NFKC: full-width letters and digits become half-width
        ("請問失業保險金怎麼申請", "请问失业保险金怎么申请"),  # 繁→简
        ("失业\u200b金\u200d怎么\u0007领", "失业金怎么领"),  # zero-width and control characters
        ("孩子放学太早了😭😭 托管", "孩子放学太早了 托管"),  # emoji are boundaries, not content
        ("公 厕  太 少 了 ， 有 没 有", "公厕太少了 有没有"),  # spaces between Chinese characters
        ("after   school\n托管", "after school 托管"),  # spaces between words are kept, collapsed
        ("“双减”是什么？！", "双减 是什么"),  # punctuation is a break, then dropped
    ],
)
def test_normalize(raw, clean):
    assert normalize(raw) == clean


def test_question_is_capped():
    assert len(normalize("失业金" * 1000)) == MAX_QUESTION


def test_markup_is_not_part_of_the_question():
    assert normalize(strip_markup("<b>失业金</b><script>x</script>怎么领")) == "失业金 x 怎么领"


def test_empty_and_symbol_only_input_normalize_to_nothing():
    assert normalize("") == normalize("😀🎉👍") == normalize("？？？ ……") == ""


def test_docstring_example():
    assert doctest.testmod(knowledge.normalize).failed == 0


def test_phrases_t2s_converts_though_each_character_alone_stays_are_converted():
    # 瞭 and 藉 alone are left as they are; in 瞭解 and 藉口 they become 了 and 借.
    assert normalize("我想瞭解一下，别找藉口") == "我想了解一下 别找借口"
    assert normalize("请问失业保险金怎么领") == "请问失业保险金怎么领"
