"""A demo user store: it keeps salted password hashes, never the passwords.

The hashes were made with ``werkzeug.security.generate_password_hash``:
ada's password is "lovelace", bob's is "builder". Demo only: a real app keeps users in a database.
"""

import secrets

from werkzeug.security import generate_password_hash

USERS = {
    "ada": {
        "role": "admin",
        "password_hash": (
            "scrypt:32768:8:1$5Bawc1sf4HFNPHwz$418780191c510369b07deb2c770f34e4c7389d980ca155"
            "8bf31e2e053f58ae3bf3a077f117c01d802fac0d772c51b659cbe41028065a73b2ed5fe93fdcd8e13d"
        ),
    },
    "bob": {
        "role": "member",
        "password_hash": (
            "scrypt:32768:8:1$nRIWHm6wlAL1QAfz$d8ad49bc5df692b693d6ae5a9d174d8bfbf969254011a5"
            "d5d0fa9aee424b740b770d3ad2f110eb9f90197cffc5e2587ea84b4528a43d347c56363a4089e2b3d3"
        ),
    },
}

# --8<-- [start:dummy]
# Checked for names that are not in USERS: made once, by the same method as the real hashes,
# from a password nobody knows. Then a wrong name costs as much time as a wrong password.
DUMMY_HASH = generate_password_hash(secrets.token_hex(), method="scrypt")
# --8<-- [end:dummy]
