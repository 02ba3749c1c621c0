"""A post's order of options: fixed by the post, different between posts, the file's for a
post made before posts had an order."""

from __future__ import annotations

from exercises import LETTERS
from exercises.shown_order import BY_POST, BY_POST_FILE_IDS, file_order, post_order
from tests.exercises.test_grading import gather_exercise


def test_two_posts_of_one_exercise_show_different_orders() -> None:
    exercise = gather_exercise()

    first, second = post_order(exercise, 1, BY_POST), post_order(exercise, 2, BY_POST)

    assert first.file_letters == "CABD"
    assert second.file_letters == "ADBC"
    assert first != second


def test_a_post_always_shows_the_same_order() -> None:
    exercise = gather_exercise()

    orders = {post_order(exercise, 41, BY_POST) for _ in range(5)}

    assert len(orders) == 1  # the hash of the post, never stored randomness


def test_every_order_is_a_permutation_of_the_options_and_all_orders_occur() -> None:
    exercise = gather_exercise()

    orders = {post_order(exercise, post_id, BY_POST).file_letters for post_id in range(1, 400)}

    assert all(sorted(order) == list(exercise.letters) for order in orders)
    assert len(orders) == 24  # 4! orders: no position is kept for an option


def test_a_post_made_before_shows_the_files_order() -> None:
    exercise = gather_exercise()

    order = post_order(exercise, 1, None)

    assert order == file_order(exercise)
    assert order.shown("ABC") == "ABC"


def test_letters_go_from_the_file_to_the_post_and_back() -> None:
    order = post_order(gather_exercise(), 1, BY_POST)  # shows C, A, B, D as A, B, C, D

    assert order.shown("ABC") == "BCA"
    assert order.shown("A_C") == "B_A"  # an unchosen blank stays unchosen
    assert [order.file_letter_at(letter) for letter in LETTERS] == list("CABD")


def test_the_final_answer_is_lettered_as_the_post_shows_the_options() -> None:
    exercise = gather_exercise()
    order = post_order(exercise, 1, BY_POST)

    final = exercise.final_answer_shown(order.shown)

    assert final == 'Final answer: ⟦1⟧ = B (task_one), ⟦2⟧ = C (task_two), ⟦3⟧ = A ("combined")'


def test_a_posts_buttons_name_options_as_shown_and_come_back_to_the_files_letters() -> None:
    order = post_order(gather_exercise(), 1, BY_POST)  # shows C, A, B, D as A, B, C, D

    assert order.to_ids("CA_") == "AB_"
    assert order.from_ids("AB_") == "CA_"
    assert order.from_ids("E") is None  # no option is shown as E: a forged id


def test_a_post_made_before_ids_named_the_shown_letters_keeps_its_order_and_file_letters() -> None:
    exercise = gather_exercise()

    before = post_order(exercise, 1, BY_POST_FILE_IDS)

    assert before.file_letters == post_order(exercise, 1, BY_POST).file_letters
    assert before.to_ids("CA_") == "CA_"
    assert before.from_ids("CA_") == "CA_"  # grading refuses what is not an option
