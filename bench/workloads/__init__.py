"""Synthetic workspaces the benches write into a fresh database before they measure.

Kept apart from the measuring scripts because they answer a different question (what data
is realistic) and change for different reasons (a new table, a new column)."""
