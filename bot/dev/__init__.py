"""Tools for development and demos: the local Bot API server and the browser sandbox."""
