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
            chain.cycle = seen[seen.index(nxt):]
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
