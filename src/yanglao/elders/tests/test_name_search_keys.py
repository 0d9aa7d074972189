"""The search keys of a name (elders.naming): a clerk finds 李德祥 by 德祥, 王秀英 by wangxiuying,
xiuying and wxy, and lists sort in pinyin order."""

from yanglao.elders.naming import normalize_query, search_keys, sort_key, syllables


def _found(name: str, typed: str) -> bool:
    wanted = normalize_query(typed)
    return any(key.startswith(wanted) for key in search_keys(name))


def test_any_part_of_the_name_finds_the_person():
    assert _found("李德祥", "德祥")
    assert _found("李德祥", "祥")
    assert _found("李德祥", "李德")
    assert not _found("李德祥", "祥德")


def test_pinyin_and_its_initials_find_the_person():
    assert _found("王秀英", "wangxiuying")
    assert _found("王秀英", "Wang Xiuying")
    assert _found("王秀英", "xiuy")
    assert _found("王秀英", "wxy")
    assert _found("王秀英", "xy")
    assert not _found("王秀英", "wxx")


def test_a_surname_is_read_as_a_surname():
    assert syllables("单德祥") == ["shan", "de", "xiang"]
    assert syllables("曾秀英")[0] == "zeng"
    assert _found("尉迟敬德", "ycjd")


def test_minority_names_with_a_middle_dot():
    assert _found("买买提·艾力", "买买提艾力")
    assert _found("买买提·艾力", "艾力")


def test_keys_fit_the_column_and_a_blank_name_has_none():
    assert search_keys("  ") == set()
    assert all(len(k) <= 60 for k in search_keys("阿" * 40))


def test_pinyin_order():
    """Syllable by syllable, then by tone: 汪 (wāng) before 王 (wáng), 万 (wàn) before both."""
    names = ["王秀英", "万德", "汪洋", "安宁", "王小明", "王德"]
    ordered = ["安宁", "万德", "汪洋", "王德", "王小明", "王秀英"]
    assert sorted(names, key=sort_key) == ordered


def test_typed_pinyin_is_cut_into_syllables():
    from yanglao.elders.naming import aligned_query, segment

    assert segment("wangxiuying") == (["wang", "xiu", "ying"], True)
    assert segment("xiuy") == (["xiu", "y"], False)
    assert aligned_query("Wang Xiu") == ("wang'xiu", True)
    assert aligned_query("德祥") is None and aligned_query("0029") is None
    assert "wang'xiu'ying" in search_keys("王秀英")
    assert "wang'en'bao" not in search_keys("万根宝")


def test_the_syllable_table_is_what_pypinyin_reads():
    from pypinyin import lazy_pinyin

    from yanglao.elders.naming import SYLLABLES

    common = "".join(map(chr, range(0x4E00, 0x9FA6)))
    assert set(lazy_pinyin(common)) == SYLLABLES
