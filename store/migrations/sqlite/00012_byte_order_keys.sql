-- Keys compare bytes on both engines. SQLite already compares text by its
-- bytes (BINARY), so this migration changes nothing here; PostgreSQL's
-- 00012 gives the keys that took the database's default collation
-- COLLATE "C". The number is kept on both engines so the folders stay in
-- step (see ../README.md).

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
