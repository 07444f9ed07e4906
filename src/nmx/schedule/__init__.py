"""Dates: the schedule engine, recurrence, working days, ranges and periods."""
