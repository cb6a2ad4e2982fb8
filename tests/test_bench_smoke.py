"""A tiny run of every benchmark, so that none of them rots between `make bench` runs."""

import importlib
import math

import pytest

from bench.run import BENCHMARKS, render


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_runs_at_tiny_scale(name):
    figures = importlib.import_module(f"bench.{name}").run(scale=0.01)
    assert figures
    assert all(math.isfinite(figure.value) and figure.value >= 0 for figure in figures)
    assert name in render({name: figures}, "make bench", 1.0, 0.01)
