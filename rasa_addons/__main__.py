"""``python -m rasa_addons run …``: the ``rasa`` command with kefu's patches applied
(``KEFU_RASA_PATCHES=off`` runs Rasa as released)."""

from __future__ import annotations


def main() -> None:
    import os

    from rasa.__main__ import main as rasa_main

    from rasa_addons import patches

    # This process's one setting, read here because our settings' packages are not in
    # .venv-rasa: KEFU_RASA_PATCHES (on | off | names, see rasa_addons/patches.py).
    patches.apply(os.environ.get("KEFU_RASA_PATCHES"))
    rasa_main()


if __name__ == "__main__":
    main()
