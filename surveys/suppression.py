"""k-suppression of a question's results, so that no resident's answer can be read off a
small ward, not even by subtracting published cells from a published total.

The cells of one question: for the city and for each ward, the number who answered
(``n``) and, for choice questions, the count of each choice. Scales and numbers publish a
mean only (over ``n`` answers), text questions a count only.

1. **Primary**: a group (city or ward) with ``n < k`` is suppressed whole (its counts and
   mean too); a choice count below ``k`` is suppressed; for a multiple-choice question so
   is a count whose complement (``n - count``, those who did not pick it) is below ``k``.
2. **Complementary**: wherever cells add up to a published total, the suppressed ones
   among them must add up to at least ``k`` (and, for multiple choice, so must their
   complements), else the next smallest published cell is suppressed too. The sums are:
   the wards' ``n`` to the city's ``n``; each choice's ward counts to its city count; a
   single-choice group's counts to its ``n``. The rules repeat until nothing changes.

So whatever is subtracted, what can be learnt is a sum over at least ``k`` answers. Means
are published only beside a published ``n`` (an aggregate of at least ``k`` answers; the
difference of city and ward means gives a sum over suppressed wards, at least ``k``).
"""

from dataclasses import dataclass, field

N = "n"


@dataclass
class Group:
    """The cells of one question in one place (the city, or a ward)."""

    n: int
    total: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    hidden_n: bool = False
    hidden: set[str] = field(default_factory=set)

    def is_hidden(self, key: str) -> bool:
        """True when the cell ``key`` (``"n"`` or a choice code) is suppressed."""
        return self.hidden_n or (key != N and key in self.hidden)

    def value(self, key: str) -> int:
        """The cell's count."""
        return self.n if key == N else self.counts.get(key, 0)

    def hide(self, key: str) -> None:
        """Suppress the cell ``key`` (``"n"`` suppresses the whole group)."""
        if key == N:
            self.hidden_n = True
        else:
            self.hidden.add(key)


@dataclass(frozen=True)
class _Cell:
    group: Group
    key: str
    with_complement: bool

    @property
    def hidden(self) -> bool:
        return self.group.is_hidden(self.key)

    @property
    def value(self) -> int:
        return self.group.value(self.key)

    @property
    def complement(self) -> int:
        return self.group.n - self.value


def _protect(cells: list[_Cell], k: int) -> bool:
    """Suppress more cells of a row until its suppressed ones sum to at least ``k``."""
    changed = False
    while True:
        hidden = [cell for cell in cells if cell.hidden]
        shown = [cell for cell in cells if not cell.hidden]
        if not hidden or not shown:
            return changed
        enough = sum(cell.value for cell in hidden) >= k
        if enough and any(cell.with_complement for cell in hidden):
            enough = sum(cell.complement for cell in hidden) >= k
        if enough:
            return changed
        smallest = min(shown, key=lambda cell: (cell.value, cell.key))
        smallest.group.hide(smallest.key)
        changed = True


def suppress(overall: Group, wards: list[Group], codes: list[str], kind: str, k: int) -> None:
    """Mark the suppressed cells of one question (in place), by the rules above."""
    multiple = kind == "multiple"
    for group in [overall, *wards]:
        if group.n < k:
            group.hide(N)
        for code in codes:
            count = group.counts.get(code, 0)
            if count < k or (multiple and group.n - count < k):
                group.hide(code)
    changed = True
    while changed:
        changed = False
        if not overall.hidden_n:
            changed |= _protect([_Cell(g, N, False) for g in wards], k)
        for code in codes:
            if not overall.is_hidden(code):
                changed |= _protect([_Cell(g, code, multiple) for g in wards], k)
        if kind == "single":
            for group in [overall, *wards]:
                if not group.hidden_n:
                    changed |= _protect([_Cell(group, code, False) for code in codes], k)
