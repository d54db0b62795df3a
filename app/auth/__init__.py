"""Sign-in, sign-out and password changes."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
