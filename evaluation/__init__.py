"""Whole-conversation evaluation: scripted customer conversations played through the real
gateway, Rasa, action server and staff console, judged against their expectations.

Run it with ``kefu eval conversations FILE.yml`` (or ``make eval``); the file format is in the
README ("Conversation evaluation"). Not an installed package: like ``bench/``, it runs from the
repository root."""
