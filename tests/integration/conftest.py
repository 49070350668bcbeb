"""Fixtures shared by the integration tests' modules."""

from __future__ import annotations

import pytest
from corpus_helpers import CORPORA, load_template
from shared_cluster import once_per_cluster

from tui.sandbox import Cluster


@pytest.fixture(scope="session")
def corpus_templates(cluster: Cluster) -> Cluster:
    """The corpus schemas (tests/corpus/) loaded once per session, one template database
    each, with their anon roles and grants; returns the cluster holding them. Under xdist the
    first worker that needs them loads them, the others wait and reuse them."""

    def load_all() -> None:
        for corpus in CORPORA:
            load_template(cluster, corpus)

    once_per_cluster(cluster, "corpus_templates", load_all)
    return cluster
