from search.tokenize import char_ngrams, expand_synonyms, load_user_terms, normalize, tokenize


def test_domain_terms_stay_whole_words():
    tokens = tokenize("研发光伏建筑一体化技术和钠离子电池，研发源网荷储互动调控")
    assert "光伏建筑一体化" in tokens
    assert "钠离子电池" in tokens
    assert "源网荷储" in tokens


def test_full_width_and_case_are_folded():
    assert tokenize("ＣＣＵＳ技术") == tokenize("ccus技术") == tokenize("CCUS技术")
    assert normalize("ＡＢＣ１２３，") == "abc123,"


def test_stop_words_and_punctuation_are_dropped():
    tokens = tokenize("光伏的发电，与储能！The battery")
    assert "的" not in tokens and "与" not in tokens and "the" not in tokens
    assert "，" not in tokens and "！" not in tokens
    assert "battery" in tokens


def test_only_punctuation_or_emoji_gives_no_tokens():
    assert tokenize("!!!？？。。😀🔥") == []
    assert tokenize("") == []
    assert char_ngrams("😀 ... ") == []


def test_mixed_ascii_is_split_into_runs_of_one_script():
    assert tokenize("HPLC-ESI-MS 2076.2kg") == ["hplc", "esi", "ms", "2076.2", "kg"]


def test_char_ngrams_are_unigrams_and_bigrams_of_chinese_runs():
    grams = char_ngrams("光伏abc储能")
    assert grams == ["光", "伏", "光伏", "储", "能", "储能"]


def test_expand_synonyms_adds_each_group_once():
    expanded = expand_synonyms(tokenize("光伏 CCUS"))
    assert expanded[:2] == ["光伏", "ccus"]
    assert "太阳能发电" in expanded and "碳捕集利用与封存" in expanded
    assert len(expanded) == len(set(expanded))


def test_synonym_terms_tokenize_to_themselves():
    assert tokenize("太阳能发电") == ["太阳能发电"]
    assert tokenize("碳捕集利用与封存") == ["碳捕集利用与封存"]


def test_load_user_terms_adds_a_word():
    assert "鲎试剂检测仪" not in tokenize("一台鲎试剂检测仪")
    load_user_terms(["鲎试剂检测仪"])
    assert "鲎试剂检测仪" in tokenize("一台鲎试剂检测仪")
