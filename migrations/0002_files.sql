-- Uploaded files: product pictures and certification evidence. Kept in the database (as
-- base64 text, the same on SQLite and PostgreSQL) so every app server can serve them
-- without a shared disk. Content-addressed: one row per distinct content.

CREATE TABLE files (
  id {{pk}},
  sha256 TEXT NOT NULL UNIQUE,
  platform_id BIGINT REFERENCES platforms (id),
  content_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  data_base64 TEXT NOT NULL,
  uploaded_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL
);
