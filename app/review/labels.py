"""One wording for where a plan stands: revisions by number ("Revision 3"), never a separate version."""

from app.workplans.models import WorkplanStatus

DRAFTING = (WorkplanStatus.DRAFT, WorkplanStatus.CHANGES_REQUESTED)


def text_revision(status: WorkplanStatus, latest: int) -> int:
    """The revision number of the plan's current text: the next one while it is being drafted."""
    return latest + 1 if status in DRAFTING or not latest else latest


def standing_label(status: WorkplanStatus, latest: int | None, approved: int | None) -> str:
    """Where the plan stands, e.g. "Approved revision 2 · revision 3 in draft" or "Revision 1 under review"."""
    latest = latest or 0
    number = text_revision(status, latest)
    if status == WorkplanStatus.APPROVED:
        return f"Approved revision {approved or latest}"
    current = f"revision {number} in draft" if status in DRAFTING else f"revision {number} under review"
    if approved:
        return f"Approved revision {approved} · {current}"
    return current[0].upper() + current[1:]
