-- One table, created on first use if it is missing (`flask init-db` starts it afresh).
CREATE TABLE IF NOT EXISTS note (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    text TEXT NOT NULL
);
