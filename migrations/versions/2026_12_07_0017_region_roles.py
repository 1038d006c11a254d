"""Roles per region: an account holds ``editor`` or ``admin`` in a region (``user_region_role``), and a
presentation may belong to a region (``deck.region_id``).

**The upgrade keeps every existing account working as before, as a national one**: ``app_user.role``
stays as it was and now means the *national* role (every region, and for an admin also imports, the
change log, regions and users); it may be NULL for an account that holds roles in regions only. No
account gets a regional role by the upgrade: give them with ``fjernarbeid users add NAME --role editor
--region SLUG`` or ``users set-role NAME editor --region SLUG`` (and ``users set-role NAME none`` takes a
national role away). Existing presentations have no region (only their owner and national admins change
them, as before).

Single sign-on's ``group=role@region`` rules (stored since 0015) are now in force: ``app_user_sso_login``
is replaced by one that also writes the person's ``user_region_role`` rows from the groups of each login
(regions that do not exist are left out) and may set no national role. Like the old one it runs with the
table owner's rights and touches only accounts linked to a provider; the web server's database role still
may not write accounts or their roles (``app/db/roles.py``).

Downgrade: accounts with no national role are deleted (the old schema would have no role for them), then
the table, the column and the new function go and 0015's function comes back.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

SSO_LOGIN = """
CREATE FUNCTION app_user_sso_login(
    p_issuer text, p_subject text, p_name text, p_role text, p_region_roles jsonb, p_stamp text
) RETURNS TABLE (user_id integer, is_new boolean, changed boolean, previous_role text, previous_regions jsonb,
                 regions jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
-- The account of the provider's person (issuer, subject), made on the first login, with the national role
-- (or none) and the roles in regions its groups give now: p_region_roles is [{"region": slug, "role": r}],
-- the strongest role per region counts, unknown regions are left out. Any change gets a new session stamp.
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
        is_new := true;
        previous_role := NULL;
        previous_regions := '[]'::jsonb;
    ELSE
        user_id := existing.id;
        is_new := false;
        previous_role := existing.role;
        SELECT coalesce(jsonb_agg(jsonb_build_object('region', r.slug, 'role', u.role) ORDER BY r.slug), '[]')
        INTO previous_regions
        FROM user_region_role u JOIN region r ON r.id = u.region_id WHERE u.user_id = existing.id;
    END IF;
    DELETE FROM user_region_role u WHERE u.user_id = app_user_sso_login.user_id;
    INSERT INTO user_region_role (user_id, region_id, role)
    SELECT app_user_sso_login.user_id, r.id,
           CASE WHEN bool_or(g.value ->> 'role' = 'admin') THEN 'admin' ELSE 'editor' END
    FROM jsonb_array_elements(coalesce(p_region_roles, '[]'::jsonb)) AS g(value)
    JOIN region r ON r.slug = g.value ->> 'region'
    WHERE g.value ->> 'role' IN ('editor', 'admin')
    GROUP BY r.id;
    SELECT coalesce(jsonb_agg(jsonb_build_object('region', r.slug, 'role', u.role) ORDER BY r.slug), '[]')
    INTO regions
    FROM user_region_role u JOIN region r ON r.id = u.region_id WHERE u.user_id = app_user_sso_login.user_id;
    changed := NOT is_new AND (previous_role IS DISTINCT FROM p_role OR previous_regions <> regions);
    IF NOT is_new THEN
        UPDATE app_user
        SET role = p_role,
            session_stamp = CASE WHEN changed THEN p_stamp ELSE session_stamp END,
            oidc_region_roles = p_region_roles,
            last_login_at = now()
        WHERE id = existing.id;
    END IF;
    RETURN NEXT;
END
$$
"""

OLD_SSO_LOGIN = """
CREATE FUNCTION app_user_sso_login(
    p_issuer text, p_subject text, p_name text, p_role text, p_region_roles jsonb, p_stamp text
) RETURNS TABLE (user_id integer, previous_role text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
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

DROP_SSO_LOGIN = "DROP FUNCTION app_user_sso_login(text, text, text, text, jsonb, text)"


def upgrade() -> None:
    op.create_table(
        "user_region_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.CheckConstraint("role IN ('editor', 'admin')", name=op.f("ck_user_region_role_role_known")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_user_region_role_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_user_region_role_region_id_region"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "region_id", name=op.f("pk_user_region_role")),
    )
    op.create_index(op.f("ix_user_region_role_region_id"), "user_region_role", ["region_id"])
    op.alter_column("app_user", "role", existing_type=sa.String(length=20), nullable=True)
    op.add_column("deck", sa.Column("region_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_deck_region_id_region"), "deck", "region", ["region_id"], ["id"], ondelete="SET NULL"
    )
    op.create_index(op.f("ix_deck_region_id"), "deck", ["region_id"])
    op.execute(DROP_SSO_LOGIN)
    op.execute(SSO_LOGIN)


def downgrade() -> None:
    op.execute(DROP_SSO_LOGIN)
    op.execute(OLD_SSO_LOGIN)
    op.drop_index(op.f("ix_deck_region_id"), table_name="deck")
    op.drop_constraint(op.f("fk_deck_region_id_region"), "deck", type_="foreignkey")
    op.drop_column("deck", "region_id")
    op.execute("DELETE FROM app_user WHERE role IS NULL")
    op.alter_column("app_user", "role", existing_type=sa.String(length=20), nullable=False)
    op.drop_index(op.f("ix_user_region_role_region_id"), table_name="user_region_role")
    op.drop_table("user_region_role")
