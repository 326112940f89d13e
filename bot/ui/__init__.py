"""What people see and press: button data, states, cards, keyboards, texts, validation."""
