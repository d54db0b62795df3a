"""Forms of the review workflow and of comments."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.workplans.fields import normalise_text


class TransitionForm(FlaskForm):
    """A note that goes with a status change."""

    note = TextAreaField("Note", validators=[Length(max=4000)], filters=[normalise_text])


class ApproveForm(TransitionForm):
    """Approval names the exact revision the reviewer read."""

    revision = IntegerField("Revision", validators=[InputRequired()])


class RequestChangesForm(TransitionForm):
    """Sending back needs a word on what to change."""

    note = TextAreaField(
        "What should change",
        validators=[DataRequired(message="Say what should change."), Length(max=4000)],
        filters=[normalise_text],
    )


class CommentForm(FlaskForm):
    """A new comment on a section or item."""

    # The service checks the anchor belongs to this plan; choices only drive the page's list.
    about = SelectField("About", validators=[DataRequired()], validate_choice=False)
    body = TextAreaField(
        "Comment", validators=[DataRequired(message="Write the comment."), Length(max=4000)], filters=[normalise_text]
    )
    is_blocking = BooleanField("Blocking: the plan cannot be approved until this is resolved")


class ReplyForm(FlaskForm):
    """A reply in a thread."""

    body = TextAreaField(
        "Reply", validators=[DataRequired(message="Write the reply."), Length(max=4000)], filters=[normalise_text]
    )
