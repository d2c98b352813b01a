"""Reporting chains and escalation paths: the one place that says who is told next.

The check rules, the role and procedure pages, the responsibility view and `diff` all
ask the same question, so they all call these two functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.model import Handbook


@dataclass
class Chain:
    """The reporting line above a role, in order, and how it ends."""

    hops: list[str] = field(default_factory=list)
    reaches_top: bool = False
    cycle: list[str] = field(default_factory=list)


def reporting_chain(book: Handbook, role_id: str) -> Chain:
    """The roles above `role_id`, following reports_to until a top role (or a fault)."""
    chain = Chain()
    seen = [role_id]
    seen_set = {role_id}  # a list alone made a 1,000-deep hierarchy take 15 s (cubic)
    current = book.roles.get(role_id)
    while current is not None and not current.top:
        nxt = current.reports_to
        if nxt is None:
            return chain
        if nxt in seen_set:
            chain.cycle = seen[seen.index(nxt) :]
            return chain
        chain.hops.append(nxt)
        seen.append(nxt)
        seen_set.add(nxt)
        current = book.roles.get(nxt)
    chain.reaches_top = current is not None
    return chain


@dataclass(frozen=True)
class Hop:
    role: str
    explicit: bool  # named in escalate_to, rather than taken from the reporting line


@dataclass
class Path:
    hops: list[Hop]
    reaches_top: bool
    revisits: str | None = None
    broken_chain: bool = False


def escalation_path(book: Handbook, owner: str, explicit: list[str]) -> Path:
    """Where a matter goes when its owner cannot settle it.

    The explicit hops come first; after the last of them, the matter follows that role's
    reporting line to the top.  Without explicit hops, the owner's reporting line applies.
    """
    start = explicit[-1] if explicit else owner
    chain = reporting_chain(book, start)
    hops = [Hop(r, True) for r in explicit] + [Hop(r, False) for r in chain.hops]
    seen: set[str] = set()
    revisits = None
    for hop in hops:
        if hop.role in seen and revisits is None:
            revisits = hop.role
        seen.add(hop.role)
    # Without explicit hops a broken reporting line is the owner's fault (E502/E504),
    # reported once on the role rather than on each of its duties.
    return Path(hops, chain.reaches_top, revisits, broken_chain=not explicit and not chain.reaches_top)


class Hierarchy:
    """Every reporting chain of a handbook at once, in time linear in the number of roles.

    `reporting_chain` follows one line hop by hop; asked for every role of a hierarchy
    6,000 levels deep it walked 18 million hops (the checks took 150 s).  Here each role
    is visited once: the reporting lines form trees that end at a top, at a role that
    reports to no one, at a missing id, or in a circle, and a depth-first numbering of
    those trees answers "is X above Y, and how far" in constant time.  The answers are
    those of `reporting_chain` and `escalation_path` (tests/test_escalation_properties.py
    compares them).
    """

    def __init__(self, book: Handbook):
        roles = book.roles
        self.roles = roles
        self.reaches: dict[str, bool] = {}
        self.length: dict[str, int] = {}  # len(reporting_chain(r).hops)
        self.end: dict[str, str] = {}  # reporting_chain(r).hops[-1], where there are hops
        self.entry: dict[str, str] = {}  # the first role on a circle that the line of r meets
        self.circle: dict[str, list[str]] = {}  # circle members → the circle, in reporting order
        self.circle_index: dict[str, int] = {}
        self._parent: dict[str, str] = {}  # the role r reports to, in the trees (not on a circle)
        for start in roles:
            if start not in self.reaches:
                self._follow(start)
        self._number()

    def _follow(self, start: str) -> None:
        roles = self.roles
        path: list[str] = []
        on_path: dict[str, int] = {}  # role id → its index in path
        current = start
        while current not in self.reaches:
            role = roles[current]
            if current in on_path:  # a circle: path[on_path[current]:]
                members = path[on_path[current] :]
                del path[on_path[current] :]
                for i, member in enumerate(members):
                    self.circle[member] = members
                    self.circle_index[member] = i
                    self.reaches[member] = False
                    self.length[member] = len(members) - 1
                    self.entry[member] = member
                    if len(members) > 1:
                        self.end[member] = members[i - 1]
                break
            on_path[current] = len(path)
            path.append(current)
            nxt = role.reports_to
            if role.top or nxt is None:
                self.reaches[current], self.length[current] = role.top, 0
                path.pop()
                break
            if nxt not in roles:  # a missing id ends the line (reported as E401)
                self.reaches[current], self.length[current], self.end[current] = False, 1, nxt
                path.pop()
                break
            current = nxt
        for member in reversed(path):  # each reports to the one after it, now known
            above = self.roles[member].reports_to
            assert above is not None
            self._parent[member] = above
            self.reaches[member] = self.reaches[above]
            self.length[member] = 1 + self.length[above]
            self.end[member] = self.end.get(above, above) if self.length[above] else above
            if above in self.entry:
                self.entry[member] = self.entry[above]

    def _number(self) -> None:
        """Depth-first entry and exit numbers of each tree, without recursion."""
        children: dict[str, list[str]] = {}
        for child, parent in self._parent.items():
            children.setdefault(parent, []).append(child)
        self._in: dict[str, int] = {}
        self._out: dict[str, int] = {}
        self.depth: dict[str, int] = {}
        clock = 0
        for root in self.roles:
            if root in self._parent:
                continue
            self.depth[root] = 0
            stack = [(root, False)]
            while stack:
                node, done = stack.pop()
                if done:
                    self._out[node] = clock
                    continue
                self._in[node] = clock
                clock += 1
                stack.append((node, True))
                for child in children.get(node, ()):
                    self.depth[child] = self.depth[node] + 1
                    stack.append((child, False))

    def position(self, role: str, start: str) -> int | None:
        """The index of `role` among the hops of `reporting_chain(start)`, or None."""
        if role == start or role not in self._in or start not in self._in:
            return None
        if self._in[role] < self._in[start] and self._out[start] <= self._out[role]:
            return self.depth[start] - self.depth[role] - 1  # above it in the same tree
        entry = self.entry.get(start)
        if entry is not None and self.circle.get(role) is self.circle[entry]:
            size = len(self.circle[entry])
            return self.depth[start] - 1 + (self.circle_index[role] - self.circle_index[entry]) % size
        return None

    def hops(self, start: str, limit: int) -> list[str]:
        """The first `limit` hops of `reporting_chain(start)`."""
        out: list[str] = []
        seen = {start}
        current = start
        while len(out) < min(limit, self.length.get(start, 0)):
            role = self.roles.get(current)
            if role is None or role.top or role.reports_to is None or role.reports_to in seen:
                break
            current = role.reports_to
            out.append(current)
            seen.add(current)
        return out

    def verdict(self, owner: str, explicit: list[str]) -> tuple[str, str] | None:
        """What is wrong with the escalation path of `owner` with `explicit` hops, as (code, message)."""
        if not explicit or any(ref not in self.roles for ref in explicit):
            return None  # the reporting line (E502/E504) or the reference (E401) is reported instead
        start = explicit[-1]
        if owner in explicit or self.position(owner, start) is not None:
            return "E602", f"the path escalates back to its owner '{owner}': {self.path_text(explicit)}"
        seen: set[str] = set()
        for hop in explicit:
            if hop in seen:
                return "E601", f"the path visits '{hop}' twice: {self.path_text(explicit)}"
            seen.add(hop)
        again = [(p, hop) for hop in seen if (p := self.position(hop, start)) is not None]
        if again:
            return "E601", f"the path visits '{min(again)[1]}' twice: {self.path_text(explicit)}"
        if not self.reaches[start]:
            return "E603", f"the path {self.path_text(explicit)} does not end at the top of the organisation"
        return None

    def path_text(self, explicit: list[str], shown: int = 12) -> str:
        """explicit → reporting line, cut in the middle when long (a 6,000-hop path in every message was 300 MB)."""
        total = len(explicit) + self.length.get(explicit[-1], 0)
        if total <= shown:
            return " → ".join(explicit + self.hops(explicit[-1], shown)) or "(none)"
        head = (explicit + self.hops(explicit[-1], shown))[: shown - 2]
        last = self.end.get(explicit[-1], explicit[-1])
        return " → ".join(head) + f" → … ({total - len(head) - 1:,} more) → {last}"

    def loop_text(self, start: str, shown: int = 12) -> str:
        """The reporting circle of `start` as seen from it, back to it; cut in the middle when long."""
        circle, i = self.circle[start], self.circle_index[start]
        if len(circle) < shown:
            return " → ".join([*circle[i:], *circle[:i], start])
        turn = [circle[(i + k) % len(circle)] for k in range(shown - 2)]
        return " → ".join(turn) + f" → … ({len(circle) - len(turn):,} more) → {start}"
