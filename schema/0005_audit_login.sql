-- Who acted, beside the effective user: under sudo or Cockpit's
-- administrative access trustd runs as root, and the login user (the audit
-- login uid, else SUDO_UID) says who that was. NULL when it is not known,
-- as in every entry written before this column.

ALTER TABLE audit ADD COLUMN login_uid INTEGER;
ALTER TABLE audit ADD COLUMN login_user TEXT;
