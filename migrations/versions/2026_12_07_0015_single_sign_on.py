"""Single sign-on: an account may be a person of the OpenID provider, linked by (issuer, subject), with the
region-scoped roles its groups gave at the last login (stored; not in force until roles have regions).

The web server's own database role may not create accounts or change roles (app/db/roles.py). A login
through the provider does both through ``app_user_sso_login``, a function that runs with the table
owner's rights and can only create or update accounts linked to a provider, never a local one. Every
role may call it (PostgreSQL's default); an account it makes is of no use without a ``user_session`` row,
which only the web role and the owner may add.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 06:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SSO_LOGIN = """
CREATE FUNCTION app_user_sso_login(
    p_issuer text, p_subject text, p_name text, p_role text, p_region_roles jsonb, p_stamp text
) RETURNS TABLE (user_id integer, previous_role text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
-- The account of the provider's person (issuer, subject), made on the first login, with the role its
-- groups give now. previous_role is NULL for a new account. A new role gets a new session stamp.
DECLARE
    existing app_user%ROWTYPE;
BEGIN
    IF p_issuer IS NULL OR p_subject IS NULL THEN
        RAISE EXCEPTION 'an account of single sign-on needs an issuer and a subject';
    END IF;
    SELECT * INTO existing FROM app_user WHERE oidc_issuer = p_issuer AND oidc_subject = p_subject FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO app_user (name, password_hash, role, session_stamp, oidc_issuer, oidc_subject,
                              oidc_region_roles, last_login_at)
        VALUES (p_name, '!sso', p_role, p_stamp, p_issuer, p_subject, p_region_roles, now())
        RETURNING id INTO user_id;
        previous_role := NULL;
        RETURN NEXT;
        RETURN;
    END IF;
    UPDATE app_user
    SET role = p_role,
        session_stamp = CASE WHEN role = p_role THEN session_stamp ELSE p_stamp END,
        oidc_region_roles = p_region_roles,
        last_login_at = now()
    WHERE id = existing.id;
    user_id := existing.id;
    previous_role := existing.role;
    RETURN NEXT;
END
$$
"""


def upgrade() -> None:
    op.add_column("app_user", sa.Column("oidc_issuer", sa.String(length=300), nullable=True))
    op.add_column("app_user", sa.Column("oidc_subject", sa.String(length=255), nullable=True))
    op.add_column("app_user", sa.Column("oidc_region_roles", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.create_unique_constraint(
        op.f("uq_app_user_oidc_issuer_oidc_subject"), "app_user", ["oidc_issuer", "oidc_subject"]
    )
    op.create_check_constraint(
        op.f("ck_app_user_oidc_identity_whole"), "app_user", "(oidc_issuer IS NULL) = (oidc_subject IS NULL)"
    )
    op.execute(SSO_LOGIN)


def downgrade() -> None:
    op.execute("DROP FUNCTION app_user_sso_login(text, text, text, text, jsonb, text)")
    op.execute("DELETE FROM app_user WHERE oidc_subject IS NOT NULL")
    op.drop_constraint(op.f("ck_app_user_oidc_identity_whole"), "app_user", type_="check")
    op.drop_constraint(op.f("uq_app_user_oidc_issuer_oidc_subject"), "app_user", type_="unique")
    op.drop_column("app_user", "oidc_region_roles")
    op.drop_column("app_user", "oidc_subject")
    op.drop_column("app_user", "oidc_issuer")
