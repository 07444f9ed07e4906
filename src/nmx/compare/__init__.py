"""Comparing two plan folders by meaning: tasks, units and groups added, removed, changed."""
