"""Members: "Report a problem", what is kept about a member, /forget-me."""
