"""Widgets for the guided notebooks (the `notebooks` extra): each shows one stage's result
and turns a person's choices into the files the CLI replays (mapping, decisions, fixes).

    ProfileView(prof)                      what each column holds
    MappingEditor(mapping, prof)           a dropdown per source column → mapping.yaml
    ChangesBrowser(cleaned, fixes=path)    changes and rejected rows; hand fixes → fixes.yaml
    DuplicateReview(deduped, path)         one cluster at a time → decisions.yaml
    RunSummary(result)                     counts, timings, the accounting

They are thin: every number comes from a result object of the library, and every edit is
a call the CLI makes too. The state is plain Python (`editor.mapping`, `review.decisions`),
so tests drive it without a browser.
"""

from __future__ import annotations

from migrator.lazy import lazy_attributes

__all__ = ["ChangesBrowser", "DuplicateReview", "MappingEditor", "ProfileView", "RunSummary",
           "run_command"]

__getattr__ = lazy_attributes(__name__, {
    "ProfileView": "migrator.notebook.profile_view",
    "MappingEditor": "migrator.notebook.mapping_editor",
    "run_command": "migrator.notebook.mapping_editor",
    "ChangesBrowser": "migrator.notebook.changes",
    "DuplicateReview": "migrator.notebook.duplicates",
    "RunSummary": "migrator.notebook.summary",
})
