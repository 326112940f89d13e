"""The outbox: notices written with the transition, claimed and settled by the senders."""
