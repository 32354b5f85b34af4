"""Benchmarks (`make bench`): each compares against a floor measured in the same run."""
