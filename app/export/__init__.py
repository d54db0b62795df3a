"""Printable workplans: WeasyPrint PDFs of a plan, one of its revisions, or an HQ meeting pack."""

from flask import Blueprint

bp = Blueprint("export", __name__)
