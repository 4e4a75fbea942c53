INSERT INTO user (username, password)
VALUES
  ('test', 'pbkdf2:sha256:1000$AOfnk1mDNIgwPGbS$71f05e175ebb88dd4ce93adcd3585967700f86f4cbc5b9e1f916be8b3fc96a96'),
  ('other', 'pbkdf2:sha256:1000$kzW93TIqITO42NWO$05fe2afc82b8fa3b88b8238c16cc25226da2d3f183e4bdcfbeb139f1219e3402');

INSERT INTO post (title, body, author_id, created)
VALUES
  ('test title', 'test' || x'0a' || 'body', 1, '2018-01-01 00:00:00');
