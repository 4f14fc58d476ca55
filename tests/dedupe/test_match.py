"""dedupe.match.components: the same components as scipy's connected_components."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from migrator.dedupe.match import Pairs, clusters, components


def _scipy_smallest(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    smallest = np.full(labels.max() + 1, n)
    np.minimum.at(smallest, labels, np.arange(n))
    return smallest[labels]


@pytest.mark.parametrize("seed", range(12))
def test_components_match_scipy_on_random_graphs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3_000))
    edges = int(rng.integers(0, 2 * n))
    left, right = rng.integers(0, n, edges), rng.integers(0, n, edges)
    assert np.array_equal(components(n, left, right), _scipy_smallest(n, left, right))


def test_components_of_long_chains_stars_and_loops() -> None:
    n = 10_000
    chain = np.arange(n - 1)
    reversed_chain = chain[::-1].copy()
    star = np.full(n - 1, n - 1)
    for left, right in [(chain, chain + 1), (reversed_chain + 1, reversed_chain),
                        (star, np.arange(n - 1)), (np.arange(5), np.arange(5))]:
        assert np.array_equal(components(n, left, right), _scipy_smallest(n, left, right))
    assert components(n, chain, chain + 1).tolist() == [0] * n
    assert components(3, np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() \
        == [0, 1, 2]


def test_clusters_number_groups_by_their_first_row_and_leave_singles_at_minus_one() -> None:
    pairs = Pairs(left=np.array([5, 1, 7, 2]), right=np.array([6, 3, 8, 9]),
                  score=np.array([0.99, 0.99, 0.5, 0.99]), agreed=np.array(["name"] * 4),
                  compared=4)
    assert clusters(10, pairs).tolist() == [-1, 0, 1, 0, -1, 2, 2, -1, -1, 1]
