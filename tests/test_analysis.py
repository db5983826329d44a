"""The analysis, as token lists: what the index stores for a text, and where each token stands."""
from __future__ import annotations

from pathlib import Path

from indexer.search import analysis
from indexer.search.analysis import bigram_tokens, fold, segments, word_tokens


def words(text):
    return [(t.text, t.pos) for t in word_tokens(text)]


def test_every_token_slices_back_out_of_the_text():
    text = "应急厅窗口提供行政许可申报前上门辅导服务，办结率１００％，ＡＰＰ端第5期。"
    for tok in word_tokens(text):
        assert fold(text[tok.start:tok.end]) == tok.text
    for tok in bigram_tokens(text):
        assert "".join(fold(text[tok.start:tok.end]).split()) == tok.text


def test_sub_words_share_their_compound_position_so_main_words_stay_consecutive():
    assert words("提供行政许可申报") == [
        ("提供", 0), ("行政", 1), ("许可", 1), ("行政许可", 1), ("申报", 2)]


def test_query_mode_keeps_only_the_main_words():
    assert [t.text for t in word_tokens("提供行政许可申报", subwords=False)] == ["提供", "行政许可", "申报"]


def test_user_dictionary_keeps_department_forms_and_domain_terms_whole():
    main = [t.text for t in word_tokens("应急厅窗口推行一网通办，住房城乡建设厅", subwords=False)]
    assert "应急厅" in main and "一网通办" in main and "住房城乡建设厅" in main


def test_digits_and_latin_are_kept_and_folded():
    main = [t.text for t in word_tokens("第5期ＡＰＰ上线２０２２年", subwords=False)]
    assert "5" in main and "app" in main and "2022" in main


def test_punctuation_and_spaces_take_no_position():
    assert words("上门， 服务") == [("上门", 0), ("服务", 1)]


def test_bigrams_overlap_skip_spaces_and_end_each_run_with_its_last_character():
    toks = [(t.text, t.pos) for t in bigram_tokens("上门 服务，V字")]
    assert toks == [("上门", 0), ("门服", 1), ("服务", 2), ("务", 3), ("v字", 4), ("字", 5)]


def test_a_word_is_a_substring_exactly_when_its_bigrams_form_a_phrase():
    # 企业资质 spans jieba's 企业/资质证书 cut: the bigrams hold it contiguously anyway
    grams = [t.text for t in bigram_tokens("房地产开发企业资质证书")]
    want = analysis.bigrams("企业资质")
    assert any(grams[i:i + len(want)] == want for i in range(len(grams)))


def test_fold_keeps_length_and_offsets():
    for text in ("（一）ＡＢＣ１２３", "㈠①ﬁ", "2022 年 1 月"):
        assert len(fold(text)) == len(text)
    assert fold("（一）ＡＢＣ１２３") == "(一)abc123"


def test_segments_split_compounds_into_their_parts():
    assert segments("上门服务") == ["上门", "服务"]
    assert segments("房地产开发企业资质") == ["房地产", "开发", "企业", "资质"]
    assert segments("应急厅") == ["应急厅"]
    assert segments("《上门服务》") == ["上门", "服务"]


def test_jieba_is_loaded_once_with_its_cache_in_a_lasting_place():
    assert analysis.jieba_tokenizer() is analysis.jieba_tokenizer()
    cache = Path(analysis.jieba_tokenizer().tmp_dir)
    assert not str(cache).startswith("/tmp") or "BULLETIN_CACHE_DIR" in __import__("os").environ


def test_index_bigrams_are_the_distinct_bigrams_of_the_stream():
    text = "应急厅窗口 提供行政许可，ＡＰＰ端第5期_x ①② a_b\n上门\u3000服务"
    assert analysis.index_bigrams(text) == {t.text for t in bigram_tokens(text) if len(t.text) == 2}
    assert "上门服务" in analysis.searchable_text(text)


def test_index_words_are_the_word_tokens_terms():
    text = "应急厅窗口提供行政许可申报前上门辅导服务，办结率１００％，ＡＰＰ端第5期。住房城乡建设厅 一网通办"
    assert analysis.index_words(text) == [t.text for t in word_tokens(text)]


def test_the_cache_read_in_one_piece_is_the_dictionary_jieba_itself_loads(tmp_path):
    import jieba

    ours = analysis.jieba_tokenizer()
    fresh = jieba.Tokenizer()
    fresh.tmp_dir, fresh.cache_file = ours.tmp_dir, analysis.JIEBA_CACHE
    assert analysis._load_prefix_dict(fresh)
    reference = jieba.Tokenizer()
    reference.tmp_dir, reference.cache_file = ours.tmp_dir, analysis.JIEBA_CACHE
    reference.initialize()
    assert fresh.FREQ == reference.FREQ and fresh.total == reference.total
    sentence = "省应急厅为页岩气勘探开发项目经理部提供上门辅导服务"
    assert list(fresh.cut_for_search(sentence)) == list(reference.cut_for_search(sentence))


def test_a_missing_or_damaged_cache_falls_back_to_building_it(tmp_path):
    import jieba

    tk = jieba.Tokenizer()
    tk.tmp_dir = str(tmp_path)
    assert not analysis._load_prefix_dict(tk)  # none yet
    (tmp_path / analysis.JIEBA_CACHE).write_bytes(b"\x00cut short by a full disk")
    assert not analysis._load_prefix_dict(tk) and not tk.initialized
