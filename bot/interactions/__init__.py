"""Every interaction's path: button ids, the views sent, replies in time, and answers
Discord would not take."""
