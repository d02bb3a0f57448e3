"""Reading comment dumps as staff paste them from Instagram or a comment-export tool."""

from giveaways import parsing

INSTAGRAM_DUMP = """aigerim.teacher
Участвую! 🎉 @Dana_K @bolat.88 @saule_m
1 д.Нравится: 2Ответить

erlan_s
@ErLaN_S @timur.b @anna.k @anna.k спасибо профсоюзу ❤️
2 нед.
Ответить

Фото профиля madina.a
madina.a
@kairat @nurlan_07
@gulnar_t 👍
3 d Reply
aigerim.teacher
ещё раз: @zhanna.x
5 ч.
@@@ ??? \ufffd\ufffd
"""


def test_it_reads_authors_and_their_tags_from_an_instagram_dump():
    result = parsing.parse_comments(INSTAGRAM_DUMP)
    authors = [c.author for c in result.comments]
    assert authors == ["aigerim.teacher", "erlan_s", "madina.a", "aigerim.teacher"]
    assert result.comments[0].tags == ["dana_k", "bolat.88", "saule_m"]


def test_repeated_tags_count_once_and_self_tags_are_kept_for_the_rules():
    erlan = parsing.parse_comments(INSTAGRAM_DUMP).comments[1]
    assert erlan.tags == ["erlan_s", "timur.b", "anna.k"]


def test_a_comment_may_run_over_several_lines():
    madina = parsing.parse_comments(INSTAGRAM_DUMP).comments[2]
    assert madina.tags == ["kairat", "nurlan_07", "gulnar_t"]
    assert "👍" in madina.text


def test_blank_lines_and_reply_lines_are_not_problems_but_a_broken_line_is_reported():
    result = parsing.parse_comments(INSTAGRAM_DUMP)
    assert result.blank_lines >= 2
    assert result.noise_lines >= 4
    assert [(p.line_no, p.code) for p in result.problems] == [(18, parsing.BROKEN_LINE)]


def test_cyrillic_look_alikes_in_a_handle_are_read_as_latin():
    # "аnnа" typed with Cyrillic а, "КАIRAT" with Cyrillic К and А.
    comment = parsing.parse_comments("dana\n@аnnа @КАIRAT @bolat\n").comments[0]
    assert comment.tags == ["anna", "kairat", "bolat"]


def test_a_tag_in_real_cyrillic_is_reported_and_not_counted():
    result = parsing.parse_comments("dana\n@иванова @bolat @kairat @saule\n")
    assert result.comments[0].tags == ["bolat", "kairat", "saule"]
    assert [(p.line_no, p.code, p.detail) for p in result.problems] == [(2, parsing.UNREADABLE_TAG, "@иванова")]


def test_emoji_and_punctuation_glued_to_a_tag_are_not_part_of_it():
    comment = parsing.parse_comments("dana\n@anna🎉,@bolat! (@kairat). @saule.\n").comments[0]
    assert comment.tags == ["anna", "bolat", "kairat", "saule"]


def test_author_and_text_on_one_line_are_read_too():
    result = parsing.parse_comments("dana @anna @bolat @kairat участвую\nerlan.s @x1 @x2 @x3\n")
    assert [(c.author, c.tags) for c in result.comments] == [
        ("dana", ["anna", "bolat", "kairat"]),
        ("erlan.s", ["x1", "x2", "x3"]),
    ]


def test_a_one_word_comment_is_text_not_a_new_author():
    result = parsing.parse_comments("dana\nok\n1 д.\nbolat\n@a1 @a2 @a3\n")
    assert [(c.author, c.text) for c in result.comments] == [("dana", "ok"), ("bolat", "@a1 @a2 @a3")]


def test_text_before_any_author_is_reported():
    result = parsing.parse_comments("Участвую в розыгрыше @anna @bolat\ndana\n@a @b @c\n")
    assert [c.author for c in result.comments] == ["dana"]
    assert result.problems[0].line_no == 1
    assert result.problems[0].code == parsing.TEXT_WITHOUT_AUTHOR


def test_it_reads_a_csv_export_and_reports_its_bad_rows():
    csv_text = (
        "id,author,text,date\n"
        '1,Dana_K,"@anna @bolat, @kairat 🎁",2024-03-01\n'
        "2,,@anna @bolat @kairat,2024-03-01\n"
        "3,Иванова,@anna @bolat @kairat,2024-03-01\n"
        "\n"
        "4,short\n"
        '5,erlan.s,"@x1 @x2 @x3 @иван",2024-03-01\n'
    )
    result = parsing.parse_comments(csv_text)
    assert [(c.author, c.tags) for c in result.comments] == [
        ("dana_k", ["anna", "bolat", "kairat"]),
        ("erlan.s", ["x1", "x2", "x3"]),
    ]
    assert [(p.line_no, p.code) for p in result.problems] == [
        (3, parsing.EMPTY_ROW),
        (4, parsing.UNREADABLE_AUTHOR),
        (6, parsing.BROKEN_LINE),
        (7, parsing.UNREADABLE_TAG),
    ]


def test_a_csv_with_semicolons_and_russian_headers_is_read():
    result = parsing.parse_comments("Автор;Комментарий\nsaule;@a1 @a2 @a3\n")
    assert [(c.author, c.tags) for c in result.comments] == [("saule", ["a1", "a2", "a3"])]


def test_every_non_blank_line_is_accounted_for():
    result = parsing.parse_comments(INSTAGRAM_DUMP)
    text_lines = sum(len(c.text.split("\n")) for c in result.comments)
    author_lines = len(result.comments)
    accounted = (
        text_lines
        + author_lines
        + result.noise_lines
        + len([p for p in result.problems if p.code != parsing.UNREADABLE_TAG])
    )
    assert accounted + result.blank_lines == result.lines


def test_a_follower_list_is_read_one_handle_per_line():
    handles, problems = parsing.parse_handle_list("username\n@Dana_K\nbolat.88, Болат\n\nанна-мария\ndana_k\n")
    assert handles == ["dana_k", "bolat.88"]
    assert [p.line_no for p in problems] == [5]


def test_a_cyrillic_word_is_not_taken_for_a_handle_and_stray_text_after_a_reply_is_reported():
    result = parsing.parse_comments("dana_k\n@a1 @a2 @a3\n1 д.\nОтветить\n\nстрока без автора @x\nbolat\n@b1 @b2 @b3\n")
    assert [(c.author, c.tags) for c in result.comments] == [
        ("dana_k", ["a1", "a2", "a3"]),
        ("bolat", ["b1", "b2", "b3"]),
    ]
    assert [(p.line_no, p.code) for p in result.problems] == [(6, parsing.TEXT_WITHOUT_AUTHOR)]


def test_a_handle_wholly_in_cyrillic_letters_is_unreadable():
    assert parsing.normalise_handle("@асе") is None
    assert parsing.normalise_handle("@КАIRAT") == "kairat"


def test_comments_copied_without_time_or_reply_lines_are_still_told_apart():
    result = parsing.parse_comments("dana\n@a1 @a2\nbolat\n@b1 @b2 @b3\nsaule\nок, участвую\n")
    assert [(c.author, c.tags) for c in result.comments] == [
        ("dana", ["a1", "a2"]),
        ("bolat", ["b1", "b2", "b3"]),
        ("saule", []),
    ]


def test_a_csv_export_names_rows_as_a_spreadsheet_shows_them_after_a_comment_over_two_lines():
    csv_text = 'author,text\n\nsaule,"@a1 @a2\n@a3"\n\nbad author!,@x\n'
    result = parsing.parse_comments(csv_text)
    assert [c.author for c in result.comments] == ["saule"]
    assert [(p.line_no, p.code) for p in result.problems] == [(5, parsing.UNREADABLE_AUTHOR)]


def test_a_csv_cell_over_the_size_limit_is_a_broken_row_not_an_error():
    import csv

    big = "x" * (csv.field_size_limit() + 1)
    result = parsing.parse_comments(f"author,text\nsaule,{big}\ndana,@a1 @a2 @a3\n")
    assert [c.author for c in result.comments] == ["dana"]
    assert [(p.line_no, p.code) for p in result.problems] == [(2, parsing.BROKEN_LINE)]
