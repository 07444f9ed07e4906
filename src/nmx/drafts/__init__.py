"""Drafting plan folders: importing a plan from its document, starting next year's from this one."""
