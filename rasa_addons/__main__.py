"""``python -m rasa_addons run …``: the ``rasa`` command with kefu's patches applied."""

from __future__ import annotations


def main() -> None:
    from rasa.__main__ import main as rasa_main

    from rasa_addons import patches

    patches.apply()
    rasa_main()


if __name__ == "__main__":
    main()
