-- WAL lets readers and one writer work at the same time; the setting lives in the file.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS user (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT UNIQUE NOT NULL,
  password TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS post (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  author_id INTEGER NOT NULL REFERENCES user (id),
  created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  edited TIMESTAMP,  -- exercise 14-1: NULL until the first edit
  title TEXT NOT NULL,
  body TEXT NOT NULL
);
