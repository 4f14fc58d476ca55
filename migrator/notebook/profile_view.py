"""ProfileView: the profile report of `migrator profile --html`, one tab per table.

Each tab holds the report's own page for that table (null and shape bars, semantic badges,
flags, skipped rows) in an isolated frame, so the notebook shows exactly what the HTML file
shows and the report's styles never touch JupyterLab's.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from migrator.notebook.base import Shown
from migrator.profile import Profile
from migrator.profile.html import render_html

HEIGHT = "560px"


class ProfileView(Shown):
    """One tab per detected table, titled `file [sheet]`."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        doc = profile.asdict()
        pages = [w.HTML(self.frame({**doc, "tables": [t], "skipped_sheets": []}))
                 for t in doc["tables"]]
        if doc.get("skipped_sheets"):
            pages.append(w.HTML(self.frame({"tables": [], **{
                "skipped_sheets": doc["skipped_sheets"]}})))
        self.widget = w.Tab(children=pages)
        for i, t in enumerate(profile.tables):
            self.widget.set_title(i, t.name)
        if len(pages) > len(profile.tables):
            self.widget.set_title(len(pages) - 1, "sheets not read")
        self.widget.add_class("migrator-profile")

    @staticmethod
    def frame(doc: dict[str, object]) -> str:
        """The report page of `doc` in an iframe (srcdoc), escaped once for the attribute."""
        return (f'<iframe srcdoc="{escape(render_html(doc), quote=True)}" '
                f'style="width:100%;height:{HEIGHT};border:0"></iframe>')

    def __repr__(self) -> str:
        return repr(self.profile)
