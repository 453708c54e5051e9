"""Custom Rasa actions (rasa-sdk). Thin: tracker in, a domain call, events and messages out."""
