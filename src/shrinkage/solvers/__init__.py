"""Solvers: each takes prepared data, penalty weights and a start, and returns a certified Fit."""
