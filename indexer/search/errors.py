"""Every problem the search side reports, in one family, so callers catch one thing each.

    IndexProblem            the index folder cannot serve or be written: never a reason to delete it
      IndexBusy             another process is writing it
      IndexFolderUnusable   it cannot be created or written (a file of that name, no permission)
      IndexOutdated         built with another schema version: ``index --rebuild`` builds a current one
      IndexUnreadable       it exists but cannot be opened
        IndexDamaged        a file of it is not what we wrote (disk trouble, a hand edit)
          IndexPointerDamaged  CURRENT does not name a generation that exists
    BadParameter            a search parameter that cannot be used (the user's mistake, not the index's)
      PageOutOfRange        ``page`` past the last page; it tells which page is the last

``str()`` of each is the one line a user reads. The CLI (``indexer.cli``) and the web
(``webapp.errors``) turn them into an exit status or an HTTP status in one place each.
"""
from __future__ import annotations


class IndexProblem(Exception):
    """The index cannot be used as asked; the message says why and what to do."""


class IndexBusy(IndexProblem):
    """Another process is writing this index."""


class IndexFolderUnusable(IndexProblem):
    """The index folder cannot be created or written (a file of that name, no permission)."""


class IndexOutdated(IndexProblem):
    """The index was built with another schema version: ``index --rebuild`` builds a current one."""


class IndexUnreadable(IndexProblem):
    """The index exists but cannot be opened. Never a reason to delete it."""


class IndexDamaged(IndexUnreadable):
    """A file of the index is not what we wrote (disk trouble, a hand edit). Reported, never
    repaired by deleting: the CLI says it in one line, the service keeps serving what it has."""


class IndexPointerDamaged(IndexDamaged):
    """CURRENT does not name a generation that exists. Nothing is changed: a writer that went on
    would build an index of only the files it was given and retire the complete one."""


class BadParameter(ValueError):
    """A request parameter that cannot be used; ``str()`` is the message for the user, ``name``
    the parameter it is about (for the page's Chinese message and its 'drop this filter' link)."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


class PageOutOfRange(BadParameter):
    """``page`` past the last page of a search: the API says so (400), the search page shows the
    last page instead."""

    def __init__(self, page: int, last_page: int):
        super().__init__("page", f"{page} is past the last page ({last_page})")
        self.last_page = last_page
