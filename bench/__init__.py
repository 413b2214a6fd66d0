"""retro-tui's own benchmark: a real host driven by simulated browser participants.

`python -m bench` (see `bench/__main__.py`) measures the figures of DESIGN.md's
performance table and writes them to `BENCHMARKS.md`; `python -m bench --quick` is the
CI smoke run. `bench/store_bench.py` holds the store-only figures for a big session.
"""
