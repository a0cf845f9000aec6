from bot.retrieval.terms import Terms
from index.bridge import pinyin_table
from index.lang import detect_language, normalize, to_script
from index.lexical import BM25, content_pieces, rejoined, tokenize
from tests.conftest import zhen_on_article


def test_question_language_and_script_are_detected():
    assert detect_language("When did Tianjin and Kobe become friendship cities?") == "en"
    assert detect_language("天津和神户什么时候结为友好城市？") == "zh-Hans"
    assert detect_language("天津和神戶什麼時候締結友好城市？") == "zh-Hant"


def test_letters_of_an_abbreviation_are_no_english_grammar_in_a_chinese_question():
    # the "A" of G.A.P. is not the article "a"; CPAFFC is a name, not a word
    assert detect_language("康傑馬 GLOBALG.A.P. 認證 時間 社員人數") == "zh-Hant"
    assert detect_language("CPAFFC 是什么组织") == "zh-Hans"
    assert detect_language("When did the U.S. 代表团 arrive?") == "en"


def test_text_is_converted_to_the_askers_script():
    assert to_script("中國與日本締結友好城市", "zh-Hans") == "中国与日本缔结友好城市"
    assert to_script("中国与日本缔结友好城市", "zh-Hant") == "中國與日本締結友好城市"
    assert to_script("Tianjin", "zh-Hans") == "Tianjin"


def test_normalisation_folds_width_script_and_case():
    assert normalize("ＭＩＪＢＣ　中國  Kobe") == "mijbc 中国 kobe"


def test_a_simplified_question_matches_traditional_text_lexically():
    docs = [
        tokenize("中國天津市與日本神戶市締結為友好城市"),
        tokenize("大會每年在中日韓3國輪流舉辦"),
    ]
    scores = BM25(docs).scores(tokenize("天津和神户缔结友好城市"))
    assert scores[0] > 0 and scores[1] == 0


def test_english_tokens_are_stemmed_and_stop_words_dropped():
    assert tokenize("The delegations visited the cities") == tokenize("delegation visit city")


def test_british_and_american_spellings_are_one_term_and_meet_the_dictionary(tmp_path):
    assert tokenize("the Centre organised a programme") == tokenize(
        "the center organized a program"
    )
    zhen = zhen_on_article(
        tmp_path,
        "eggs.txt",
        "这一批共获得受精卵约三百四十万粒。\n\nThe batch yielded 3.4 million eggs.\n",
    )
    # CC-CEDICT glosses 受精 as "fertilized": the British spelling finds it too
    assert "受精" in Terms.of(tokenize("fertilised eggs"), zhen.index).renderings["fertiliz"]


def test_a_past_tense_in_ied_meets_its_base_form():
    assert tokenize("she studied and applied") == tokenize("she study and apply")
    assert tokenize("studies varied") == tokenize("study vary")


def test_an_irregular_verb_form_meets_its_base_form():
    # "when did they meet" is answered by "they met"; "left" and "found" are other words too
    assert tokenize("They met and made a plan; the hall was built") == tokenize(
        "they meet and make a plan; the hall was build"
    )
    assert tokenize("on the left") != tokenize("on the leave")
    assert tokenize("the museum was found") == ["museum", "found"]


def test_a_counted_classifier_ends_a_chinese_word():
    # jieba alone reads 多少本书 as 多少|本书 ("this book") and 头稚参 as 头稚|参
    assert {"本", "书"} <= set(tokenize("车上装了多少本书？"))
    assert "稚参" in tokenize("放流了多少头稚参？")
    assert "一把手" in tokenize("文化中心的一把手是谁？")  # a lone 一 counts nothing here


def test_a_plural_in_es_after_a_non_sibilant_matches_its_singular():
    assert tokenize("nurses houses cases") == tokenize("nurse house case")
    assert tokenize("classes boxes churches") == tokenize("class box church")


def test_an_irregular_plural_meets_its_singular_and_its_dictionary_renderings(tmp_path):
    assert tokenize("children women feet") == tokenize("child woman foot")
    zhen = zhen_on_article(
        tmp_path, "room.txt", "故事屋可同时容纳四十名儿童。\n\nThe room holds forty children.\n"
    )
    assert "儿童" in Terms.of(tokenize("how many children"), zhen.index).renderings["child"]


def test_a_consonant_doubled_before_ing_or_ed_is_undoubled():
    assert tokenize("scanning planned shipped settings") == tokenize("scan plan ship set")
    assert tokenize("staffed called missed added") == tokenize("staff call miss add")
    # a word that ends doubled keeps meeting its -ed form
    assert tokenize("boycotted committed") == tokenize("boycott commit")


def test_a_clipped_english_word_finds_the_corpus_words_it_is_short_for():
    bm25 = BM25([tokenize("Eleven technicians and two professors"), tokenize("profits rose")])
    assert bm25.clipped("tech") == ["technician"]
    assert bm25.clipped("prof") == ["professor"]  # profit is no clipping of it
    many = BM25([tokenize("international internet interview interpreter")])
    assert many.clipped("inter") == []  # too short a start to tell which
    assert bm25.clipped("technician") == []  # the corpus has it
    assert bm25.clipped("te") == []  # too short to tell


def test_chat_fillers_are_no_search_terms():
    assert tokenize("lol what was the model even called btw") == tokenize("model called")


def test_a_date_said_in_words_matches_the_date_in_digits():
    assert tokenize("the twenty-first of March, twenty nineteen") == tokenize("21 March 2019")
    assert tokenize("二〇一九年三月二十三日") == tokenize("2019年3月23日")
    assert tokenize("the twenty-first edition") == tokenize("the 21st edition")
    assert tokenize("三月的巡演") == tokenize("3月的巡演")
    # counts are no years
    assert "2005" not in tokenize("two thousand five hundred people")
    assert "2020" not in tokenize("twenty twenty-dollar bills")
    assert "2010" not in tokenize("twenty ten-year-olds")
    assert "3" not in tokenize("三个月")


def test_an_english_word_meets_its_inflections_with_or_without_a_silent_e():
    for forms in (
        ("restore", "restored", "restores", "restoring", "restoration"),
        ("increase", "increased", "increasing"),
        ("agree", "agreed", "agrees", "agreement"),
        ("move", "moved", "moving", "movement"),
        ("date", "dated", "dates", "dating"),
    ):
        assert len({tokenize(w)[0] for w in forms}) == 1, forms
    # a short word keeps its -e, so it meets no other word
    for a, b in (("site", "sit"), ("rate", "rat"), ("line", "lin"), ("plane", "plan")):
        assert tokenize(a) != tokenize(b), (a, b)


def test_a_misspelt_english_word_finds_the_corpus_word_it_means():
    bm25 = BM25([tokenize("The Hamburg venue welcomed 57,800 visitors."), tokenize("Tea chests")])
    assert bm25.closest("visiter") == "visitor"
    assert bm25.closest("hambur") == "hamburg"  # clipped
    assert bm25.closest("zebra") is None
    assert bm25.closest("tea") is None  # too short to guess


def test_a_chinese_word_typed_by_sound_finds_the_corpus_word_it_sounds_like():
    readings = pinyin_table()
    bm25 = BM25([["保护区", "主任", "顾建平"], ["东强", "西弱", "局面"], ["主持", "会议"]])
    assert bm25.sounds_like("主仁", readings) == "主任"  # zhu ren, one character off
    assert bm25.sounds_like("西若", readings) == "西弱"
    assert bm25.sounds_like("主任", readings) is None  # the corpus has it
    assert bm25.sounds_like("局勉", readings) == "局面"  # 勉 and 面 both read mian
    assert bm25.sounds_like("局变", readings) is None  # ju bian: another sound
    assert bm25.sounds_like("注人", readings) is None  # two characters off
    assert bm25.sounds_like("x", readings) is None


def test_a_question_with_a_typed_by_sound_typo_searches_the_intended_word(fake_zhen):
    terms = Terms.of(tokenize("中日友成交流的规模"), fake_zhen.index)
    assert "友城" in terms.renderings["友成"] and "友成" in terms.known
    # lexical search looks for it as the question's own word, not at a translation's weight
    assert "友城" in terms.corrected() and "友城" not in terms.bridged()
    assert Terms.of(tokenize("主持人"), fake_zhen.index).renderings["主持人"] == {"主持人"}


def test_a_rare_listed_word_sounding_like_a_far_commoner_corpus_word_is_its_typo(tmp_path):
    zhen = zhen_on_article(
        tmp_path, "dispute.txt", "双方在数据共享上的分歧持续了半年。\n医院收到了新设备。\n"
    )
    # 分岐 (listed, but rare) for 分歧; 受到 is as real a word as the corpus' 收到
    assert "分歧" in Terms.of(tokenize("数据共享的分岐"), zhen.index).renderings["分岐"]
    assert Terms.of(tokenize("受到"), zhen.index).renderings["受到"] == {"受到"}


def test_a_misspelt_english_word_is_rendered_in_chinese_as_the_word_it_means(tmp_path):
    zhen = zhen_on_article(
        tmp_path,
        "venue.txt",
        "汉堡站共接待观众五万人。\n\nThe Hamburg venue welcomed 50,000 visitors.\n",
    )
    forms = Terms.of(tokenize("how many visiters"), zhen.index).renderings["visiter"]
    assert "visitor" in forms and "观众" in forms


def test_function_words_have_no_content_pieces():
    assert content_pieces("那个") == ()
    assert content_pieces("几个") == ()
    assert content_pieces("那站") == ("站",)
    assert content_pieces("开幕式") == ("开幕式",)


def test_a_chinese_word_cut_otherwise_than_the_corpus_is_rejoined_into_the_corpus_words():
    known = {"中日": 1.0, "两": 1.0, "两国": 1.0, "缔结": 1.0}
    # jieba cuts 两|国共|缔结; the corpus writes 两国 (and 两 is part of it, not a word)
    tokens = rejoined(["中日", "两", "国共", "缔结"], "中日两国共缔结", known)
    assert tokens == ["中日", "两国", "缔结"]
    # a word the corpus lacks that no corpus word crosses is kept as it is
    assert rejoined(["量子", "力学"], "量子力学", {"力学": 1.0}) == ["量子", "力学"]


def test_a_four_character_word_meets_its_two_character_abbreviation_both_ways():
    bm25 = BM25([["友城", "交流"], ["天津", "神户"]])
    assert bm25.abbreviations("友好城市") == {"友城"}
    assert BM25([["友好城市"]]).abbreviations("友城") == {"友好城市"}
    assert bm25.abbreviations("友好关系") == set()


def test_a_traditional_question_with_characters_both_scripts_use_is_traditional():
    # 台 and 峰 are traditional too, though converting to traditional changes them (臺, 峯)
    assert detect_language("台北到高雄搭高鐵大概要多久？") == "zh-Hant"
    assert detect_language("珠穆朗瑪峰有多高？") == "zh-Hant"
    assert detect_language("台北到高雄搭高铁大概要多久？") == "zh-Hans"
