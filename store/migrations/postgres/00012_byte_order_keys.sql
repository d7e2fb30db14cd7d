-- Keys compare bytes on both engines. SQLite compares text by its bytes
-- (BINARY); on PostgreSQL the keys of 00001 and 00005 below took the
-- database's default collation, which the cluster chooses (fi_FI.UTF-8
-- would order 'å' and 'ä' as Finnish does), so their indexes could order
-- and range-scan differently from SQLite's. COLLATE "C" is what every other
-- key already has. Found by TestSchemasAgree (store/schema_test.go).
-- Changing only the collation does not rewrite the tables; the indexes on
-- these columns are rebuilt.

-- +goose Up
ALTER TABLE units ALTER COLUMN kind TYPE TEXT COLLATE "C";
ALTER TABLE unit_languages ALTER COLUMN lang TYPE TEXT COLLATE "C";
ALTER TABLE residents ALTER COLUMN personal_id TYPE TEXT COLLATE "C";
ALTER TABLE users ALTER COLUMN username TYPE TEXT COLLATE "C";
ALTER TABLE user_roles ALTER COLUMN role TYPE TEXT COLLATE "C";
ALTER TABLE identities ALTER COLUMN provider TYPE TEXT COLLATE "C";
ALTER TABLE identities ALTER COLUMN subject TYPE TEXT COLLATE "C";
ALTER TABLE appointments ALTER COLUMN video_room TYPE TEXT COLLATE "C";

-- +goose Down
ALTER TABLE appointments ALTER COLUMN video_room TYPE TEXT COLLATE "default";
ALTER TABLE identities ALTER COLUMN subject TYPE TEXT COLLATE "default";
ALTER TABLE identities ALTER COLUMN provider TYPE TEXT COLLATE "default";
ALTER TABLE user_roles ALTER COLUMN role TYPE TEXT COLLATE "default";
ALTER TABLE users ALTER COLUMN username TYPE TEXT COLLATE "default";
ALTER TABLE residents ALTER COLUMN personal_id TYPE TEXT COLLATE "default";
ALTER TABLE unit_languages ALTER COLUMN lang TYPE TEXT COLLATE "default";
ALTER TABLE units ALTER COLUMN kind TYPE TEXT COLLATE "default";
