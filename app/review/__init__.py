"""HQ review: transitions, comments, revisions, compare, notices."""

from flask import Blueprint

bp = Blueprint("review", __name__)
