"""The suppression rules on their own (no database): primary, complementary, multiple."""

from surveys.suppression import Group, N, suppress


def _hidden(group: Group, codes: str) -> dict:
    return {code: group.is_hidden(code) for code in [N, *codes]}


def test_a_ward_under_k_is_suppressed_whole():
    ward = Group(n=4, counts={"a": 4})
    overall = Group(n=4, counts={"a": 4})
    suppress(overall, [ward], ["a"], "single", 5)
    assert _hidden(ward, "a") == {N: True, "a": True}
    assert _hidden(overall, "a") == {N: True, "a": True}


def test_the_one_small_ward_takes_the_smallest_other_with_it():
    small, middle, large = Group(n=2), Group(n=9), Group(n=30)
    suppress(Group(n=41), [small, middle, large], [], "text", 5)
    assert (small.hidden_n, middle.hidden_n, large.hidden_n) == (True, True, False)


def test_two_small_wards_that_sum_to_k_protect_each_other():
    first, second, large = Group(n=2), Group(n=3), Group(n=30)
    suppress(Group(n=35), [first, second, large], [], "text", 5)
    assert (first.hidden_n, second.hidden_n, large.hidden_n) == (True, True, False)


def test_a_choice_derivable_across_wards_is_suppressed():
    # Choice "a": ward 1 has 2 (under k), ward 2 has 7; the city's 9 would give ward 1 away.
    one = Group(n=10, counts={"a": 2, "b": 8})
    two = Group(n=10, counts={"a": 7, "b": 3})
    overall = Group(n=20, counts={"a": 9, "b": 11})
    suppress(overall, [one, two], ["a", "b"], "multiple", 5)
    assert one.is_hidden("a") and two.is_hidden("a")


def test_a_zero_cell_is_suppressed_with_a_complement():
    ward = Group(n=20, counts={"a": 12, "b": 8, "c": 0})
    suppress(Group(n=20, counts={"a": 12, "b": 8, "c": 0}), [ward], list("abc"), "single", 5)
    assert _hidden(ward, "abc") == {N: False, "a": False, "b": True, "c": True}


def test_with_k_one_only_zero_cells_and_their_complements_are_suppressed():
    ward = Group(n=1, counts={"a": 1, "b": 0})
    overall = Group(n=1, counts={"a": 1, "b": 0})
    suppress(overall, [ward], ["a", "b"], "single", 1)
    assert _hidden(ward, "ab") == {N: False, "a": True, "b": True}
