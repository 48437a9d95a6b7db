"""Benchmark suite: deterministic workloads (workload.py) and the timing harness (bench.py)."""
