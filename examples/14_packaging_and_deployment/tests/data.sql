INSERT INTO user (username, password)
VALUES
  ('test', 'pbkdf2:sha256:1000$AOfnk1mDNIgwPGbS$71f05e175ebb88dd4ce93adcd3585967700f86f4cbc5b9e1f916be8b3fc96a96');
