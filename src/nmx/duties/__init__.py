"""Who owes what: reach through groups, the matrix, unit lookup, the annex."""
