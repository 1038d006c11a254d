"""Derive a survey's ``answer_vector`` rows (one wide row per respondent) from its ``answer`` rows.

The importer calls this in the import's transaction, after the answers are written, so the
wide form queries read is never out of step with the constrained long form.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# One array element per question, in position order; NULL where the respondent has no answer.
BUILD_SQL = """
INSERT INTO answer_vector (respondent_id, survey_id, weight, codes, numbers)
SELECT r.id, r.survey_id, r.weight,
       array_agg(a.code ORDER BY q.position),
       array_agg(a.number ORDER BY q.position)
FROM respondent r
JOIN question q ON q.survey_id = r.survey_id
LEFT JOIN answer a ON a.respondent_id = r.id AND a.question_id = q.id
WHERE r.survey_id = :survey_id
GROUP BY r.id, r.survey_id, r.weight
"""


def rebuild_answer_vectors(session: Session, survey_id: int) -> int:
    """Replace the survey's wide rows with ones built from its answers; returns the row count."""
    session.execute(text("DELETE FROM answer_vector WHERE survey_id = :survey_id"), {"survey_id": survey_id})
    # on the session's connection (its transaction), whose result carries the row count
    return session.connection().execute(text(BUILD_SQL), {"survey_id": survey_id}).rowcount
