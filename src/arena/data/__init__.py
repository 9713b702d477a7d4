"""Reading votes files in the public LMArena shapes (see DESIGN.md, "Votes file")."""

from arena.data.votes_reader import VoteFilters, VotesTable, iter_batches, parse_time, read_votes

__all__ = ["VoteFilters", "VotesTable", "iter_batches", "parse_time", "read_votes"]
