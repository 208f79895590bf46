-- Expired sessions and old login-attempt windows are swept at each successful login:
-- index the columns the sweep filters on.
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX login_attempts_window ON login_attempts (window_start);
