"""Results: counts and shares, the breakdown by branch and by day with small cells hidden,
and a constant number of queries whatever the number of answers."""

import io

import pytest
from django.urls import reverse

from polls import exports, selectors, services
from polls.choices import Access, InvitationChannel, QuestionKind
from tests.polls.factories import answer, close


def _fill(poll, branch_a, branch_b):
    # Branch A: 6 answers (4 "Да", 2 "Нет"); branch B: 2 answers, a cell too small to show.
    for choice in (0, 0, 0, 0, 2, 2):
        answer(poll, choice=choice, unit=branch_a, scale="5")
    for choice in (0, 1):
        answer(poll, choice=choice, unit=branch_b, scale="2")


def test_suppress_hides_small_counts_and_the_one_that_would_give_them_away():
    assert selectors.suppress([10, 3, 0], total=13, threshold=5) == [None, None, 0]
    assert selectors.suppress([10, 3, 2], total=15, threshold=5) == [10, None, None]
    assert selectors.suppress([10, 7, 0], total=17, threshold=5) == [10, 7, 0]
    assert selectors.suppress([10, 3, 7], threshold=5) == [10, None, 7]  # no total shown


def test_counts_shares_and_the_breakdown_with_a_small_branch_hidden(poll, branch_a, branch_b):
    _fill(poll, branch_a, branch_b)
    close(poll)
    results = selectors.poll_results(poll)
    assert results.answered == 8
    single = results.questions[0]
    assert [(o.count, o.share) for o in single.options] == [(5, 62.5), (1, 12.5), (2, 25.0)]
    rows = {row.unit: row for row in single.units}
    assert rows[branch_a].answered == 6
    # 4, 0, 2: the 2 is hidden, and with the total shown, the 4 with it.
    assert rows[branch_a].cells == [None, 0, None]
    assert rows[branch_b].answered is None and rows[branch_b].cells == [None, None, None]
    scale = results.questions[1]
    assert scale.mean == round((6 * 5 + 2 * 2) / 8, 2)
    assert results.any_suppressed


def test_too_few_answers_in_all_show_no_numbers(poll, branch_a):
    answer(poll, unit=branch_a)
    close(poll)
    results = selectors.poll_results(poll)
    assert results.too_few
    assert all(o.count is None for o in results.questions[0].options)


def test_the_public_page_hides_the_small_cell(client, poll, branch_a, branch_b):
    _fill(poll, branch_a, branch_b)
    close(poll)
    body = client.get(reverse("polls:results", args=[poll.slug])).content.decode()
    assert "Филиал Б" in body
    assert '<span class="suppressed"' in body
    assert "&lt;5" in body


def test_the_results_state_invited_and_the_method(invitation_poll):
    for _i in range(6):
        services.invitation_issue(poll=invitation_poll, channel=InvitationChannel.EMAIL, email="x@example.invalid")
    codes = [services.invitation_issue(poll=invitation_poll, channel=InvitationChannel.PRINTED)[1] for _i in range(5)]
    for code in codes:
        answer(invitation_poll, code=code)
    close(invitation_poll)
    results = selectors.poll_results(invitation_poll)
    assert (results.invited, results.answered, results.method) == (11, 5, Access.INVITATION)


def test_the_xlsx_hides_the_same_cells(poll, branch_a, branch_b):
    from openpyxl import load_workbook

    _fill(poll, branch_a, branch_b)
    answer(poll, unit=branch_a, text="=HYPERLINK(\"http://evil\")")
    close(poll)
    book = load_workbook(io.BytesIO(exports.results_xlsx(selectors.poll_results(poll))))
    by_branch = [[c for c in row] for row in book["По филиалам"].iter_rows(values_only=True)]
    b_rows = [row for row in by_branch if row[1] == "Филиал Б"]
    assert b_rows and all(row[4] == "скрыто (меньше 5)" for row in b_rows)
    assert not any(row[4] in (1, 2) for row in b_rows)
    cells = [row[2] for row in book["Письменные ответы"].iter_rows()]
    evil = next(c for c in cells if c.value == '=HYPERLINK("http://evil")')
    assert evil.data_type == "s"  # written as text, never a formula


def test_the_docx_hides_the_same_cells(poll, branch_a, branch_b):
    from docx import Document

    _fill(poll, branch_a, branch_b)
    close(poll)
    document = Document(io.BytesIO(exports.results_docx(selectors.poll_results(poll))))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    b_rows = [row for row in rows if row[0] == "Филиал Б"]
    assert b_rows and all(cell == "скрыто (меньше 5)" for row in b_rows for cell in row[1:])


@pytest.mark.parametrize("extra", [0, 30])
def test_the_results_page_takes_the_same_queries_whatever_the_answers(client, poll, branch_a, branch_b, extra, django_assert_num_queries):
    _fill(poll, branch_a, branch_b)
    for i in range(extra):
        answer(poll, choice=i % 3, unit=branch_a if i % 2 else branch_b, text=f"ответ {i}")
    close(poll)
    url = reverse("polls:results", args=[poll.slug])
    # poll, questions, choices, 4 tallies, the branches asked, the branches listed
    with django_assert_num_queries(9):
        client.get(url)


def test_the_list_takes_a_constant_number_of_queries(client, poll, regional_org, branch_a, django_assert_num_queries):
    from tests.polls.factories import make_poll

    for i in range(5):
        close(make_poll(organisation=regional_org, units=[branch_a], slug=f"old-{i}"))
    with django_assert_num_queries(1):
        client.get(reverse("polls:list"))


def test_written_answers_are_listed_for_staff_marked_first(poll, branch_a):
    answer(poll, unit=branch_a, text="Первый")
    answer(poll, unit=branch_a, text="Второй")
    second = [a for a in selectors.text_answers(poll) if a.text == "Второй"][0]
    services.answer_mark(answer=second, marked=True)
    assert [a.text for a in selectors.text_answers(poll)] == ["Второй", "Первый"]
    assert poll.questions.get(kind=QuestionKind.TEXT).answers.count() == 2


def test_a_closed_poll_has_its_counts_frozen_and_read_without_counting(client, poll, branch_a, branch_b, django_assert_num_queries):
    import datetime

    from django.utils import timezone

    from polls import services
    from polls.models import Poll

    _fill(poll, branch_a, branch_b)
    close(poll)
    Poll.objects.filter(pk=poll.pk).update(closed_at=timezone.now() - datetime.timedelta(minutes=3))
    assert services.polls_freeze_due() == 1
    assert services.polls_freeze_due() == 0  # once
    url = reverse("polls:results", args=[poll.slug])
    # The poll, the branches asked, the branches listed (the questions are in the cache since
    # the freeze read them): no count over the answers.
    with django_assert_num_queries(3):
        body = client.get(url).content.decode()
    assert 'data-fact="answered">8<' in body


def test_counts_are_not_frozen_in_the_minutes_after_closing(poll, branch_a):
    from polls import selectors

    answer(poll, unit=branch_a)
    close(poll)
    assert not selectors.poll_freeze(poll)
    assert poll.tallies is None
