"""The working-set engine: one outer loop (certify, rank, grow, inner solve, stop) for every
solver over blocks (``working_set.solve_working_set``)."""
