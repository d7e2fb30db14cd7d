-- The roles of the rest of the sector (issue 20), on SQLite: the contract
-- manager of purchased services, the rescue officer, HR and finance. SQLite
-- cannot change a CHECK constraint, so user_roles is built anew with the
-- wider check and its rows copied; nothing refers to user_roles.

-- +goose Up
CREATE TABLE user_roles_new (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('resident', 'professional', 'manager', 'analyst', 'admin',
                                           'contract_manager', 'rescue_officer', 'hr', 'finance')),
    position INTEGER NOT NULL,
    PRIMARY KEY (user_id, role)
) STRICT;
INSERT INTO user_roles_new (user_id, role, position) SELECT user_id, role, position FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_new RENAME TO user_roles;

-- +goose Down
DELETE FROM user_roles WHERE role IN ('contract_manager', 'rescue_officer', 'hr', 'finance');
CREATE TABLE user_roles_old (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('resident', 'professional', 'manager', 'analyst', 'admin')),
    position INTEGER NOT NULL,
    PRIMARY KEY (user_id, role)
) STRICT;
INSERT INTO user_roles_old (user_id, role, position) SELECT user_id, role, position FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_old RENAME TO user_roles;
