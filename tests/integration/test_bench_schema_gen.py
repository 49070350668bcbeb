"""The benchmark schema generator on the real cluster: it creates exactly what it says."""

from __future__ import annotations

import pytest

from benchmarks.schema_gen import SchemaShape, count_foreign_keys, count_generated, generate
from tui.sandbox import Cluster

pytestmark = pytest.mark.integration


def test_generator_creates_requested_tables_columns_fks_and_functions(cluster: Cluster) -> None:
    cluster.create_database("bench_gen_small")
    try:
        dsn = cluster.dsn("bench_gen_small")
        shape = SchemaShape(tables=5, functions=3)
        generate(dsn, shape)
        assert count_generated(dsn) == SchemaShape(tables=5, functions=3, columns_per_table=10)
        assert count_foreign_keys(dsn) == 5
    finally:
        cluster.drop_database("bench_gen_small")
