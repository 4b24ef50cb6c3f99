"""Speed benchmarks (``make bench``): ratios against baselines measured in the same run.

Never imported by the course or its tests; stable-baselines3 is a bench-only dependency.
"""
