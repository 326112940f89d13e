"""The bot as a process: settings, building and running it, the web app, the CLI, logs and metrics."""
