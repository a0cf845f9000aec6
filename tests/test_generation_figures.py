"""A generated reply's figures and names held to the passages: the thing a figure counts,
the quote that answers something else, numerals as the article writes them, a rival date
in the quote's next sentence, and a restated question that adds the name asked."""

from bot.generation.complete import echoes
from bot.generation.figures import as_written, counted_elsewhere, mislabelled, rivalled
from bot.generation.quotes import Quote

VISITS = (
    "据馆长介绍，展览期间共接待观众128600人次，创下临时展览观众人数的最高纪录。"
    "展览图录印了3000册，六周内售罄。"
)


def test_a_figure_given_as_a_count_of_what_was_asked_must_count_it_in_the_passage():
    question = "展览图录一共印了多少册？"
    assert mislabelled(question, "展览图录一共印了128600册。", [VISITS])
    assert not mislabelled(question, "展览图录一共印了3000册。", [VISITS])
    # a figure the passages in the reply's language do not state is not judged here
    assert not mislabelled(question, "图录印了3,000册。", ["The catalogue: 3,000 copies."])
    english = "The museum received 128,600 visits. The catalogue was printed in 3,000 copies."
    assert mislabelled("How many copies were printed?", "128,600 copies were printed.", [english])
    assert not mislabelled("How many copies were printed?", "3,000 copies.", [english])


def test_a_reply_counting_what_was_asked_stands_where_the_quote_counts_something_else():
    question = "How many villages did the team visit before choosing the sites?"
    months = Quote("Choosing the sites took a full five months.", "c9")
    passage = "The team visited 31 villages across the two counties. It took five months."
    reply = "The team visited 31 villages across the two counties."
    assert counted_elsewhere(question, [months], reply, [passage])
    # a quote counting villages itself is the answer the reply is held to
    counted = Quote("The team visited 29 villages.", "c9")
    assert not counted_elsewhere(question, [counted], reply, [passage])
    # nor does a figure the passage states of something else count
    assert not counted_elsewhere(question, [months], "They visited 5 villages.", [passage])
    # a quote in the other language cannot be judged by the question's words
    foreign = Quote("选址用了整整五个月。", "c9", own_language=False)
    assert not counted_elsewhere(question, [foreign], reply, [passage])


def test_a_chinese_numeral_is_written_as_the_passage_writes_it():
    passage = "卡茂家有一百四十棵酪梨树，是合作社一千八百六十名社员之一。"
    assert as_written("卡茂家有百四十棵[1]。", [passage]) == "卡茂家有一百四十棵[1]。"
    # a numeral the passages do not state, or under ten, is left as the model wrote it
    assert as_written("共有三百名社员。", [passage]) == "共有三百名社员。"
    assert as_written("二月有两个人。", ["二十两"]) == "二月有两个人。"


def test_a_rival_date_in_another_quoted_sentence_of_the_passage_is_carried():
    opened = Quote("In June 2018 the Centre opened the Forest Story Room.", "c10")
    bought = Quote("A year later, in July 2019, the county bought its first bookmobile.", "c10")
    elsewhere = Quote("In May 2020 the county opened a branch.", "c11")
    question = "When did Luoxi get its mobile library van?"
    reply = "In June 2018 the Centre opened the Forest Story Room."
    assert rivalled(question, [opened, bought, elsewhere], reply) == [bought]
    # a year-only question is answered by any year the reply gives
    assert rivalled("In which year did Luoxi get its van?", [opened, bought], "2018 [1].") == []


def test_a_restated_question_with_the_name_it_asks_is_an_answer():
    question = "安特衛普站期間辦的那場學術研討會叫什麼名字？"
    assert not echoes(question, "安特衛普站期間辦的那場學術研討會叫“Leaves and Ledgers”[1]。")
    assert echoes(question, "安特衛普站期間辦的那場學術研討會[1]。")
    # a name the question already gives is no answer
    assert echoes("Who is Qian Hui?", "Qian Hui is Qian Hui [1].")
