-- The roles of the rest of the sector (issue 20), on PostgreSQL: the
-- contract manager of purchased services, the rescue officer, HR and
-- finance join the check of user_roles.role.

-- +goose Up
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check CHECK (role IN ('resident', 'professional', 'manager', 'analyst', 'admin',
                                                                           'contract_manager', 'rescue_officer', 'hr', 'finance'));

-- +goose Down
DELETE FROM user_roles WHERE role IN ('contract_manager', 'rescue_officer', 'hr', 'finance');
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check CHECK (role IN ('resident', 'professional', 'manager', 'analyst', 'admin'));
