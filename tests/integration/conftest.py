"""Fixtures shared by the integration tests' modules."""

from __future__ import annotations

import pytest
from corpus_helpers import CORPORA, load_template

from tui.sandbox import Cluster


@pytest.fixture(scope="session")
def corpus_templates(cluster: Cluster) -> Cluster:
    """The corpus schemas (tests/corpus/) loaded once per session, one template database
    each, with their anon roles and grants; returns the cluster holding them."""
    for corpus in CORPORA:
        load_template(cluster, corpus)
    return cluster
