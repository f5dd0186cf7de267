"""Yizhan's benchmarks: figures and ratios against the raw limit measured in the same run."""
